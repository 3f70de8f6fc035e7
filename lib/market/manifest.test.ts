import { keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";
import { type DraftManifest, sealDraft } from "./draft-manifest";
import {
  canonicalizeManifest,
  canonicalJson,
  hashManifest,
  manifestSchema,
  manifestTotals,
  secretDigest,
  secretValueSchema,
} from "./manifest";

const base = {
  name: "web",
  image: "nginx:1.27",
  resources: { cpu: 500, memory: 512 },
  ports: [{ port: 80 }],
};

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":2,"z":1}]},"b":1}',
    );
  });
});

describe("canonicalizeManifest", () => {
  it("gives the same hash whatever the key order", () => {
    const a = canonicalizeManifest(base);
    const b = canonicalizeManifest({
      ports: [{ port: 80 }],
      resources: { memory: 512, cpu: 500 },
      image: "nginx:1.27",
      name: "web",
    });
    expect(a.specHash).toBe(b.specHash);
    expect(a.specHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(hashManifest(a.manifest)).toBe(a.specHash);
  });

  it("changes the hash when any field changes", () => {
    const a = canonicalizeManifest(base).specHash;
    const b = canonicalizeManifest({ ...base, image: "nginx:1.28" }).specHash;
    expect(a).not.toBe(b);
  });

  it("applies defaults before hashing, so an explicit default hashes the same", () => {
    const a = canonicalizeManifest(base).specHash;
    const b = canonicalizeManifest({ ...base, replicas: 1, version: 1 }).specHash;
    expect(a).toBe(b);
  });

  it.each([
    ["unknown field", { ...base, privileged: true }],
    ["bad image", { ...base, image: "Nginx; rm -rf /" }],
    ["bad name", { ...base, name: "Web_App" }],
    ["duplicate ports", { ...base, ports: [{ port: 80 }, { port: 80 }] }],
    ["too little cpu", { ...base, resources: { cpu: 1, memory: 512 } }],
    ["too many replicas", { ...base, replicas: 500 }],
    ["bad env name", { ...base, env: [{ name: "1X", value: "y" }] }],
  ])("refuses %s", (_label, input) => {
    expect(manifestSchema.safeParse(input).success).toBe(false);
  });
});

describe("security settings", () => {
  it("leave the canonical JSON and hash of manifests that do not use them unchanged", () => {
    // Pinned from before the field existed: orders signed then must still deploy.
    const { json, specHash } = canonicalizeManifest(base);
    expect(json).toBe(
      '{"image":"nginx:1.27","name":"web","ports":[{"expose":true,"port":80,"protocol":"TCP"}],"replicas":1,"resources":{"cpu":500,"gpu":{"count":0},"memory":512,"storage":1024},"version":1}',
    );
    expect(specHash).toBe("0x14b514befab9efd958d3a7e10ee748eb073a517481e7ab856fdbb66fb177951a");
  });

  it("are part of the hash when set", () => {
    const plain = canonicalizeManifest(base).specHash;
    const restricted = canonicalizeManifest({
      ...base,
      security: { podSecurity: "restricted", runAsUser: 101 },
    });
    expect(restricted.specHash).not.toBe(plain);
    if (restricted.manifest.version !== 1) throw new Error("a v1 manifest came back as v2");
    expect(restricted.manifest.security).toEqual({ podSecurity: "restricted", runAsUser: 101 });
  });

  it.each([
    [
      "runAsUser 0 under restricted",
      { podSecurity: "restricted", runAsUser: 0 },
      /restricted does not allow runAsUser 0/,
    ],
    ["runAsNonRoot with user 0", { runAsNonRoot: true, runAsUser: 0 }, /runAsNonRoot cannot run as user 0/],
    [
      "restricted without runAsNonRoot",
      { podSecurity: "restricted", runAsNonRoot: false },
      /requires runAsNonRoot/,
    ],
    ["an unknown level", { podSecurity: "privileged" }, /./],
    ["an unknown field", { privileged: true }, /./],
    ["a negative uid", { runAsUser: -1 }, /./],
  ])("refuses %s", (_label, security, message) => {
    const r = manifestSchema.safeParse({ ...base, security });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join("\n")).toMatch(message);
  });
});

describe("manifestTotals", () => {
  it("multiplies per-replica resources", () => {
    const { manifest } = canonicalizeManifest({
      ...base,
      replicas: 3,
      resources: { cpu: 250, memory: 128, gpu: { count: 1, model: "A100" } },
    });
    expect(manifestTotals(manifest)).toMatchObject({
      cpuMillis: 750,
      memoryMiB: 384,
      storageMiB: 3072,
      gpuCount: 3,
      gpuModel: "A100",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Manifest v2. Each rejection is one kube-apiserver (or kubelet) refusal of the object the service
// becomes, or a rule of ours that keeps a paid lease from failing at apply time; the path is the
// field the deploy form shows the message beside.
// ---------------------------------------------------------------------------------------------

const DIGEST = `0x${"ab".repeat(32)}`;

function v2(): Record<string, unknown> & { services: Record<string, unknown>[] } {
  return {
    version: 2,
    name: "shop",
    services: [
      {
        name: "web",
        image: "ghcr.io/kubebid/guestbook:1.0",
        ports: [{ name: "http", port: 8080, expose: "http" }],
        env: [
          { name: "DATABASE_HOST", value: "db" },
          { name: "DATABASE_PASSWORD", secret: "db-password" },
        ],
        resources: { cpu: 250, memory: 256 },
        readiness: { http: { path: "/healthz", port: "http" } },
      },
      {
        name: "db",
        image: "postgres:16",
        ports: [{ name: "pg", port: 5432 }],
        env: [{ name: "POSTGRES_PASSWORD", secret: "db-password" }],
        resources: { cpu: 500, memory: 1024, storage: 2048 },
        liveness: { tcp: { port: 5432 }, periodSeconds: 10 },
        volumes: [{ name: "data", mount: "/var/lib/postgresql/data", size: 1024, storageClass: "standard" }],
      },
    ],
    secrets: [{ name: "db-password", digest: DIGEST }],
  };
}

type Edit = (m: ReturnType<typeof v2>) => void;
// biome-ignore lint/suspicious/noExplicitAny: the edits write deliberately ill-typed values into plain test input
const svc = (m: ReturnType<typeof v2>, i: number) => m.services[i] as Record<string, any>;

describe("manifest v2", () => {
  it("accepts a deployment of services and applies defaults", () => {
    const { manifest } = canonicalizeManifest(v2());
    if (manifest.version !== 2) throw new Error("not v2");
    expect(manifest.services[0]).toMatchObject({
      replicas: 1,
      ports: [{ name: "http", port: 8080, protocol: "TCP", expose: "http" }],
      resources: { storage: 1024, gpu: { count: 0 } },
    });
    expect(manifest.services[1]?.ports?.[0]?.expose).toBe("internal");
    expect(manifestTotals(manifest)).toMatchObject({
      cpuMillis: 750,
      memoryMiB: 1280,
      storageMiB: 3072,
      replicas: 2,
      volumeCount: 1,
      volumes: [{ storageClass: "standard", sizeMiB: 1024 }],
    });
  });

  it.each<[string, Edit]>([
    [
      "exec checks, UDP ports and GPUs",
      (m) => {
        svc(m, 0).liveness = { exec: { command: ["cat", "/tmp/ok"] }, successThreshold: 1 };
        svc(m, 0).ports.push({ name: "dns", port: 53, protocol: "UDP", expose: "udp" });
        svc(m, 0).resources.gpu = { count: 1, model: "A100" };
      },
    ],
    [
      "a restricted deployment running as a non-root user",
      (m) => {
        m.podSecurity = "restricted";
        svc(m, 0).security = { runAsUser: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true };
      },
    ],
    [
      "a service without ports or env",
      (m) => {
        m.services.push({ name: "worker", image: "busybox:1.36", resources: { cpu: 10, memory: 16 } });
      },
    ],
    [
      "a check on a numbered TCP port",
      (m) => {
        svc(m, 0).readiness = { http: { path: "/", port: 8080 }, failureThreshold: 3, timeoutSeconds: 2 };
      },
    ],
  ])("accepts %s", (_label, edit) => {
    const m = v2();
    edit(m);
    const r = manifestSchema.safeParse(m);
    expect(r.error?.issues ?? []).toEqual([]);
  });

  it.each<[string, Edit, string, RegExp]>([
    [
      "an uppercase service name",
      (m) => {
        svc(m, 0).name = "Web";
      },
      "services.0.name",
      /lowercase letters/,
    ],
    [
      "a service name over 40 characters",
      (m) => {
        svc(m, 0).name = "w".repeat(41);
      },
      "services.0.name",
      /40/,
    ],
    [
      "two services of one name",
      (m) => {
        svc(m, 1).name = "web";
      },
      "services",
      /service names must be unique/,
    ],
    [
      "no service",
      (m) => {
        m.services = [];
      },
      "services",
      /at least one service/,
    ],
    [
      "an unknown service field",
      (m) => {
        svc(m, 0).privileged = true;
      },
      "services.0",
      /privileged/,
    ],
    [
      "a bad image",
      (m) => {
        svc(m, 0).image = "Nginx; rm -rf /";
      },
      "services.0.image",
      /image reference/,
    ],
    [
      "a port name over 15 characters",
      (m) => {
        svc(m, 0).ports[0].name = "a-very-long-name";
      },
      "services.0.ports.0.name",
      /at most 15/,
    ],
    [
      "a port name with '--'",
      (m) => {
        svc(m, 0).ports[0].name = "web--ui";
      },
      "services.0.ports.0.name",
      /consecutive hyphens/,
    ],
    [
      "a port name without a letter",
      (m) => {
        svc(m, 0).ports[0].name = "8080";
      },
      "services.0.ports.0.name",
      /must contain a letter/,
    ],
    [
      "port 0",
      (m) => {
        svc(m, 0).ports[0].port = 0;
      },
      "services.0.ports.0.port",
      /./,
    ],
    [
      "a duplicate port",
      (m) => {
        svc(m, 1).ports.push({ port: 5432 });
      },
      "services.1.ports",
      /ports must be unique/,
    ],
    [
      "a duplicate port name",
      (m) => {
        svc(m, 1).ports.push({ name: "pg", port: 5433 });
      },
      "services.1.ports",
      /port names must be unique/,
    ],
    [
      "expose udp on a TCP port",
      (m) => {
        svc(m, 1).ports[0].expose = "udp";
      },
      "services.1.ports.0.expose",
      /needs protocol UDP/,
    ],
    [
      "expose http on a UDP port",
      (m) => {
        svc(m, 0).ports[0].protocol = "UDP";
      },
      "services.0.ports.0.expose",
      /needs protocol TCP/,
    ],
    [
      "two public HTTP ports in one service",
      (m) => {
        svc(m, 0).ports.push({ name: "admin", port: 9090, expose: "http" });
      },
      "services.0.ports.1.expose",
      /one public HTTP port/,
    ],
    [
      "an unknown expose kind",
      (m) => {
        svc(m, 0).ports[0].expose = "public";
      },
      "services.0.ports.0.expose",
      /./,
    ],
    [
      "a check without a handler",
      (m) => {
        svc(m, 0).readiness = { periodSeconds: 5 };
      },
      "services.0.readiness",
      /exactly one of http, tcp or exec/,
    ],
    [
      "a check with two handlers",
      (m) => {
        svc(m, 1).liveness = { tcp: { port: 5432 }, exec: { command: ["true"] } };
      },
      "services.1.liveness",
      /exactly one/,
    ],
    [
      "a check on an undeclared port",
      (m) => {
        svc(m, 1).liveness = { tcp: { port: 5433 } };
      },
      "services.1.liveness.tcp.port",
      /5433\/TCP is not one of this service's ports/,
    ],
    [
      "a check on an unknown port name",
      (m) => {
        svc(m, 0).readiness.http.port = "web";
      },
      "services.0.readiness.http.port",
      /no port named "web"/,
    ],
    [
      "a check on a UDP port",
      (m) => {
        svc(m, 0).ports.push({ name: "dns", port: 53, protocol: "UDP", expose: "udp" });
        svc(m, 0).readiness = { tcp: { port: "dns" } };
      },
      "services.0.readiness.tcp.port",
      /is UDP/,
    ],
    [
      "liveness successThreshold 2",
      (m) => {
        svc(m, 1).liveness.successThreshold = 2;
      },
      "services.1.liveness.successThreshold",
      /must be 1 for a liveness check/,
    ],
    [
      "a check period of 0",
      (m) => {
        svc(m, 1).liveness.periodSeconds = 0;
      },
      "services.1.liveness.periodSeconds",
      /./,
    ],
    [
      "a relative check path",
      (m) => {
        svc(m, 0).readiness.http.path = "healthz";
      },
      "services.0.readiness.http.path",
      /absolute path/,
    ],
    [
      "an empty exec command",
      (m) => {
        svc(m, 0).liveness = { exec: { command: [] } };
      },
      "services.0.liveness.exec.command",
      /./,
    ],
    [
      "a volume of 0 MiB",
      (m) => {
        svc(m, 1).volumes[0].size = 0;
      },
      "services.1.volumes.0.size",
      /at least 1 MiB/,
    ],
    [
      "a relative mount path",
      (m) => {
        svc(m, 1).volumes[0].mount = "var/data";
      },
      "services.1.volumes.0.mount",
      /absolute path/,
    ],
    [
      "a mount path with '..'",
      (m) => {
        svc(m, 1).volumes[0].mount = "/var/../etc";
      },
      "services.1.volumes.0.mount",
      /'\.\.'/,
    ],
    [
      "a mount under /tmp",
      (m) => {
        svc(m, 1).volumes[0].mount = "/tmp/data";
      },
      "services.1.volumes.0.mount",
      /scratch space/,
    ],
    [
      "a mount inside another",
      (m) => {
        svc(m, 1).volumes.push({
          name: "wal",
          mount: "/var/lib/postgresql/data/wal",
          size: 64,
          storageClass: "standard",
        });
      },
      "services.1.volumes.1.mount",
      /inside the mount of volume "data"/,
    ],
    [
      "two volumes on one mount path",
      (m) => {
        svc(m, 1).volumes.push({
          name: "more",
          mount: "/var/lib/postgresql/data",
          size: 64,
          storageClass: "standard",
        });
      },
      "services.1.volumes",
      /mount paths must be unique/,
    ],
    [
      "a bad volume name",
      (m) => {
        svc(m, 1).volumes[0].name = "Data";
      },
      "services.1.volumes.0.name",
      /lowercase/,
    ],
    [
      "a bad StorageClass name",
      (m) => {
        svc(m, 1).volumes[0].storageClass = "Fast SSD";
      },
      "services.1.volumes.0.storageClass",
      /StorageClass name/,
    ],
    [
      "a volume on a replicated service",
      (m) => {
        svc(m, 1).replicas = 2;
      },
      "services.1.replicas",
      /exactly 1 replica/,
    ],
    [
      "a secret that does not exist",
      (m) => {
        svc(m, 0).env[1].secret = "nope";
      },
      "services.0.env.1.secret",
      /no secret named "nope"/,
    ],
    [
      "a secret no service uses",
      (m) => {
        (m.secrets as unknown[]).push({ name: "unused", digest: DIGEST });
      },
      "secrets.1.name",
      /no service uses this secret/,
    ],
    [
      "a secret digest that is not a hash",
      (m) => {
        m.secrets = [{ name: "db-password", digest: "hunter2" }];
      },
      "secrets.0.digest",
      /32-byte hash/,
    ],
    [
      "a secret value in the signed manifest",
      (m) => {
        m.secrets = [{ name: "db-password", value: "hunter2" }];
      },
      "secrets.0",
      /./,
    ],
    [
      "an env var with both a value and a secret",
      (m) => {
        svc(m, 0).env[1].value = "x";
      },
      "services.0.env.1",
      /./,
    ],
    [
      "duplicate env names",
      (m) => {
        svc(m, 0).env.push({ name: "DATABASE_HOST", value: "x" });
      },
      "services.0.env",
      /environment names must be unique/,
    ],
    [
      "an env name starting with a digit",
      (m) => {
        svc(m, 0).env[0].name = "1X";
      },
      "services.0.env.0.name",
      /not starting with a digit/,
    ],
    [
      "services asking for different GPU models",
      (m) => {
        svc(m, 0).resources.gpu = { count: 1, model: "A100" };
        svc(m, 1).resources.gpu = { count: 1, model: "H100" };
      },
      "services",
      /different GPU models/,
    ],
    [
      "more than 20 pods in all",
      (m) => {
        svc(m, 0).replicas = 20;
      },
      "services",
      /at most 20 replicas in all/,
    ],
    [
      "runAsUser 0 under restricted",
      (m) => {
        m.podSecurity = "restricted";
        svc(m, 0).security = { runAsUser: 0 };
      },
      "services.0.security.runAsUser",
      /restricted does not allow runAsUser 0/,
    ],
    [
      "runAsNonRoot false under restricted",
      (m) => {
        m.podSecurity = "restricted";
        svc(m, 0).security = { runAsNonRoot: false };
      },
      "services.0.security.runAsNonRoot",
      /requires runAsNonRoot/,
    ],
    [
      "runAsNonRoot as user 0",
      (m) => {
        svc(m, 0).security = { runAsNonRoot: true, runAsUser: 0 };
      },
      "services.0.security.runAsUser",
      /cannot run as user 0/,
    ],
    [
      "an unknown Pod Security level",
      (m) => {
        m.podSecurity = "privileged";
      },
      "podSecurity",
      /./,
    ],
    [
      "a bad deployment name",
      (m) => {
        m.name = "My App";
      },
      "name",
      /lowercase/,
    ],
  ])("refuses %s", (_label, edit, path, message) => {
    const m = v2();
    edit(m);
    const r = manifestSchema.safeParse(m);
    expect(r.success).toBe(false);
    const at = (r.error?.issues ?? []).filter((i) => i.path.join(".") === path).map((i) => i.message);
    expect(at.join("\n"), `issues: ${JSON.stringify(r.error?.issues)}`).toMatch(message);
  });

  it("hashes the same whatever the key order, and with defaults written out", () => {
    const a = canonicalizeManifest(v2()).specHash;
    const reordered = JSON.parse(JSON.stringify(v2()), (_k, value) =>
      value && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    );
    expect(canonicalizeManifest(reordered).specHash).toBe(a);
    const explicit = v2();
    svc(explicit, 0).replicas = 1;
    svc(explicit, 0).ports[0].protocol = "TCP";
    svc(explicit, 1).ports[0].expose = "internal";
    svc(explicit, 0).resources.gpu = { count: 0 };
    svc(explicit, 0).resources.storage = 1024;
    expect(canonicalizeManifest(explicit).specHash).toBe(a);
    const changed = v2();
    svc(changed, 1).volumes[0].size = 2048;
    expect(canonicalizeManifest(changed).specHash).not.toBe(a);
  });

  it("keeps its canonical JSON and hash (signed orders must keep deploying)", () => {
    const { json, specHash } = canonicalizeManifest({
      version: 2,
      name: "web",
      services: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ port: 80, expose: "http" }],
          resources: { cpu: 500, memory: 512 },
        },
      ],
    });
    expect(json).toBe(
      '{"name":"web","services":[{"image":"nginx:1.27","name":"web","ports":[{"expose":"http","port":80,"protocol":"TCP"}],"replicas":1,"resources":{"cpu":500,"gpu":{"count":0},"memory":512,"storage":1024}}],"version":2}',
    );
    expect(specHash).toBe(keccak256(stringToBytes(json)));
    expect(specHash).toBe("0x1c6fd4da7434ecdd5ab52c28981311fb179d749524c7bfce6c2db541dae0e48f");
  });
});

describe("autoscale", () => {
  const issuesAt = (m: ReturnType<typeof v2>, path: string) =>
    (manifestSchema.safeParse(m).error?.issues ?? [])
      .filter((i) => i.path.join(".") === path)
      .map((i) => i.message);

  it("buys the max: totals, the pod cap and the hash count it", () => {
    const m = v2();
    svc(m, 0).replicas = 2;
    svc(m, 0).autoscale = { min: 2, max: 5, cpuPercent: 70 };
    const { manifest, json } = canonicalizeManifest(m);
    expect(json).toContain('"autoscale":{"cpuPercent":70,"max":5,"min":2}');
    // web 250m/256Mi × 5 + db 500m/1024Mi × 1
    expect(manifestTotals(manifest)).toMatchObject({ cpuMillis: 1750, memoryMiB: 2304, replicas: 6 });
    svc(m, 0).autoscale = { min: 2, max: 20, cpuPercent: 70 };
    expect(issuesAt(m, "services").join()).toMatch(/at most 20 replicas in all \(21\)/);
  });

  it.each<[string, Record<string, unknown>, number, string, RegExp]>([
    [
      "min below 1 (kube-apiserver: minReplicas ≥ 1)",
      { min: 0, max: 3, cpuPercent: 50 },
      1,
      "autoscale.min",
      /at least 1/,
    ],
    ["max above 20", { min: 1, max: 21, cpuPercent: 50 }, 1, "autoscale.max", /at most 20/],
    ["max below min", { min: 4, max: 3, cpuPercent: 50 }, 4, "autoscale.max", /at least min/],
    ["no target", { min: 1, max: 3 }, 1, "autoscale.cpuPercent", /CPU or memory target/],
    [
      "a 0 % target (kube-apiserver: > 0)",
      { min: 1, max: 3, cpuPercent: 0 },
      1,
      "autoscale.cpuPercent",
      /between 1 and 100/,
    ],
    [
      "a target above 100 %",
      { min: 1, max: 3, memoryPercent: 101 },
      1,
      "autoscale.memoryPercent",
      /between 1 and 100/,
    ],
    [
      "replicas outside [min, max]",
      { min: 2, max: 4, cpuPercent: 50 },
      1,
      "replicas",
      /between autoscale min 2 and max 4/,
    ],
    [
      "an unknown field",
      { min: 1, max: 3, cpuPercent: 50, gpuPercent: 50 },
      1,
      "autoscale",
      /Unrecognized key/,
    ],
  ])("refuses %s", (_label, autoscale, replicas, path, message) => {
    const m = v2();
    svc(m, 0).replicas = replicas;
    svc(m, 0).autoscale = autoscale;
    expect(issuesAt(m, `services.0.${path}`).join("\n")).toMatch(message);
  });

  it("refuses a service with a volume (one ReadWriteOnce claim, one pod)", () => {
    const m = v2();
    svc(m, 1).autoscale = { min: 1, max: 1, memoryPercent: 80 };
    expect(issuesAt(m, "services.1.autoscale").join()).toMatch(/persistent volume.*cannot autoscale/);
  });
});

describe("sealing secrets", () => {
  const draft = () => ({ ...v2(), secrets: [{ name: "db-password", value: "hunter2" }] });
  const salt = `0x${"01".repeat(32)}` as const;

  it("puts a salted digest in the manifest and the value beside it", () => {
    const { manifest, secrets } = sealDraft(draft() as DraftManifest, () => salt);
    expect(secrets).toEqual([{ name: "db-password", salt, value: "hunter2" }]);
    expect(manifest.secrets).toEqual([{ name: "db-password", digest: secretDigest(salt, "hunter2") }]);
    const { json } = canonicalizeManifest(manifest);
    expect(json).not.toContain("hunter2");
    expect(secretValueSchema.safeParse(secrets[0]).success).toBe(true);
  });

  it("gives a different hash for each salt, so equal passwords do not show as equal hashes", () => {
    const a = canonicalizeManifest(sealDraft(draft() as DraftManifest).manifest).specHash;
    const b = canonicalizeManifest(sealDraft(draft() as DraftManifest).manifest).specHash;
    expect(a).not.toBe(b);
  });
});
