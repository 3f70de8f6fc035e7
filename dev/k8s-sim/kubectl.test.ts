import { execFile, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultClusters } from "./default-clusters";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { waitFor } from "./test-helpers";

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";
const haveKubectl = existsSync(KUBECTL);
if (!haveKubectl) console.warn(`kubectl not found at ${KUBECTL}: skipping the kubectl compatibility tests`);

let sim: Simulator;
let c: SimCluster;
let dir: string;
let kubeconfig: string;

// async exec: the simulator runs in this process, so a sync exec would deadlock it
function kubectl(args: string[], cfg = kubeconfig): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      [`--kubeconfig=${cfg}`, `--cache-dir=${join(dir, "cache")}`, ...args],
      { timeout: 20_000 },
      (e, stdout, stderr) => {
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
      },
    );
  });
}

describe.skipIf(!haveKubectl)("kubectl against the simulator", () => {
  beforeAll(async () => {
    sim = await startSimulator({ clusters: defaultClusters, podStartDelayMs: 80, tickMs: 25 });
    c = sim.cluster("sgp-mixed");
    dir = mkdtempSync(join(tmpdir(), "k8s-sim-kubectl-"));
    kubeconfig = join(dir, "sgp.kubeconfig");
    writeFileSync(kubeconfig, c.kubeconfig());
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("version, get nodes,pods -A", async () => {
    const v = await kubectl(["version", "-o", "json"]);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out).serverVersion.gitVersion).toBe("v1.31.2");
    const r = await kubectl(["get", "nodes,pods", "-A"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/node\/sgp-gpu-l4-1\s+Ready\s+<none>\s+\d+d\s+v1\.31\.2/);
    const wide = await kubectl(["get", "nodes", "-o", "wide", "-l", "nvidia.com/gpu.product=NVIDIA-L4"]);
    expect(wide.out).toContain("sgp-gpu-l4-1");
    expect(wide.out).not.toContain("sgp-cpu-1");
    expect(wide.out).toContain("Ubuntu 22.04.5 LTS");
  });

  it("create deployment, then get/describe/logs/top", async () => {
    const cr = await kubectl(["create", "deployment", "web", "--image=nginx", "--replicas=2"]);
    expect(cr.err).toBe("");
    expect(cr.out.trim()).toBe("deployment.apps/web created");
    await waitFor(
      async () => (await kubectl(["get", "deploy", "web"])).out.includes("2/2"),
      5000,
      "2/2 ready",
    );
    const pods = await kubectl(["get", "pods", "-A", "-o", "wide"]);
    expect(pods.out).toMatch(/default\s+web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0/);
    const name = (
      await kubectl(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"])
    ).out.trim();
    expect(name).toMatch(/^web-/);
    const d = await kubectl(["describe", "pod", name]);
    expect(d.err).toBe("");
    expect(d.out).toContain(`Name:             ${name}`);
    expect(d.out).toMatch(/Status:\s+Running/);
    expect(d.out).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\//);
    expect(d.out).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container nginx/);
    await waitFor(
      async () =>
        (await kubectl(["logs", name, "--tail=2", "--timestamps"])).out.trim().split("\n").length === 2,
      5000,
      "logs",
    );
    const logs = await kubectl(["logs", name, "--tail=2", "--timestamps"]);
    expect(logs.out).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z /);
    const top = await kubectl(["top", "pods"]);
    expect(top.err).toBe("");
    expect(top.out).toMatch(/NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(top.out).toMatch(new RegExp(`${name}\\s+\\d+m\\s+\\d+Mi`));
    const topN = await kubectl(["top", "nodes"]);
    expect(topN.out).toMatch(/sgp-cpu-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    const dd = await kubectl(["describe", "deployment", "web"]);
    expect(dd.out).toMatch(/Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/);
    const sc = await kubectl(["scale", "deployment", "web", "--replicas=1"]);
    expect(sc.out.trim()).toBe("deployment.apps/web scaled");
    await waitFor(
      async () =>
        (await kubectl(["get", "pods", "-l", "app=web", "-o", "name"])).out.trim().split("\n").length === 1,
      5000,
      "scaled down",
    );
    const del = await kubectl(["delete", "deployment", "web"]);
    expect(del.out.trim()).toBe('deployment.apps "web" deleted');
    expect((await kubectl(["get", "pods", "-o", "name"])).out.trim()).toBe("");
  });

  it("apply -f (client-side, twice) and apply --server-side", async () => {
    const file = join(dir, "dep.yaml");
    const yaml = (replicas: number) => `apiVersion: v1
kind: Namespace
metadata:
  name: applied
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: applied
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0
        resources:
          requests: {cpu: 100m, memory: 64Mi}
`;
    writeFileSync(file, yaml(1));
    const a1 = await kubectl(["apply", "-f", file]);
    expect(a1.err).toBe("");
    expect(a1.out).toContain("deployment.apps/api created");
    writeFileSync(file, yaml(2));
    const a2 = await kubectl(["apply", "-f", file]);
    expect(a2.err).toBe("");
    expect(a2.out).toContain("deployment.apps/api configured");
    writeFileSync(file, yaml(3));
    const a3 = await kubectl(["apply", "--server-side", "-f", file]);
    expect(a3.err).toBe("");
    expect(a3.out).toContain("deployment.apps/api serverside-applied");
    await waitFor(
      async () => (await kubectl(["get", "deploy", "api", "-n", "applied"])).out.includes("3/3"),
      5000,
      "3/3",
    );
    const del = await kubectl(["delete", "namespace", "applied"]);
    expect(del.code).toBe(0);
  });

  it("limited tokens: auth can-i and Forbidden errors", async () => {
    const token = c.issueToken({
      user: "system:serviceaccount:kubebid:viewer",
      rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["nodes"] }],
    });
    const cfg = join(dir, "limited.kubeconfig");
    writeFileSync(cfg, c.kubeconfig({ token }));
    expect((await kubectl(["auth", "can-i", "list", "nodes"], cfg)).out.trim()).toBe("yes");
    expect((await kubectl(["auth", "can-i", "create", "deployments"], cfg)).out.trim()).toBe("no");
    const r = await kubectl(["get", "pods", "-n", "kube-system"], cfg);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:kubebid:viewer" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
    const bad = join(dir, "bad.kubeconfig");
    writeFileSync(bad, c.kubeconfig({ token: "wrong" }));
    const u = await kubectl(["get", "nodes"], bad);
    expect(u.err).toMatch(/Unauthorized|provide credentials/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Every kubectl verb we claim to support, once per kubectl client on the machine. The exact versions
// (Google Cloud SDK's kubectl.1.NN) are required where present; a missing binary skips its block with
// the reason in the block's name, so CI with only Debian's kubectl still runs the PATH client.
const SDK = "/usr/lib/google-cloud-sdk/bin";
function onPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? "").split(delimiter)) {
    const f = join(d, name);
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch {}
  }
  return undefined;
}
const pathKubectl = onPath("kubectl");
const CLIENTS: { label: string; bin: string | undefined; why: string }[] = [
  ...["1.32", "1.33"].map((v) => {
    const bin = join(SDK, `kubectl.${v}`);
    return {
      label: v,
      bin: existsSync(bin) ? bin : undefined,
      why: existsSync(bin) ? bin : `skipped: ${bin} is not installed`,
    };
  }),
  {
    label: "path",
    bin: pathKubectl,
    why: pathKubectl ? `${pathKubectl} from PATH` : "skipped: no kubectl on PATH",
  },
];
for (const c of CLIENTS) if (!c.bin) console.warn(`kubectl ${c.label}: ${c.why}`);

/** The client's minor version (Debian 12's kubectl is 1.20, which lacks `events` and `auth whoami`). */
function clientMinor(bin: string | undefined): number {
  if (!bin) return 0;
  try {
    const v = JSON.parse(execFileSync(bin, ["version", "--client", "-o", "json"], { encoding: "utf8" }));
    return Number.parseInt(v.clientVersion.minor, 10) || 0;
  } catch {
    return 0;
  }
}
// exec: WebSockets by default since 1.31 (KUBECTL_REMOTE_COMMAND_WEBSOCKETS); older clients speak SPDY,
// which the simulator does not serve.
const MIN_MINOR = { events: 26, whoami: 27, exec: 31 };

interface Run {
  code: number;
  out: string;
  err: string;
}

describe.each(CLIENTS)("kubectl $label verbs ($why)", ({ label, bin }) => {
  const minor = clientMinor(bin);
  const lacks = (verb: keyof typeof MIN_MINOR) => {
    const no = !!bin && minor < MIN_MINOR[verb];
    if (no)
      console.warn(`kubectl ${label} (1.${minor}) has no \`${verb}\` (needs 1.${MIN_MINOR[verb]}+): skipped`);
    return no;
  };
  let s: Simulator;
  let cl: SimCluster;
  let tmp: string;
  let cfg: string;
  let limitedCfg: string;
  const ns = `kc-${label.replace(".", "-")}`;
  const k = (args: string[], config = cfg): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        bin!,
        [`--kubeconfig=${config}`, `--cache-dir=${join(tmp, "cache")}`, ...args],
        { timeout: 30_000 },
        (e, stdout, stderr) =>
          resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
      );
    });
  /** Runs a streaming command until its output matches, then stops it. */
  const follow = (args: string[], until: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const p = spawn(bin!, [`--kubeconfig=${cfg}`, `--cache-dir=${join(tmp, "cache")}`, ...args]);
      let out = "";
      let err = "";
      const timer = setTimeout(() => {
        p.kill();
        reject(new Error(`no ${until} in ${JSON.stringify(out)} ${err}`));
      }, 15_000);
      p.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (until.test(out)) {
          clearTimeout(timer);
          p.kill();
          resolve(out);
        }
      });
      p.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
    });
  const podOf = async (selector: string) =>
    (
      await k(["get", "pods", "-n", ns, "-l", selector, "-o", "jsonpath={.items[0].metadata.name}"])
    ).out.trim();

  beforeAll(async () => {
    s = await startSimulator({ clusters: defaultClusters, podStartDelayMs: 80, tickMs: 25 });
    cl = s.cluster("sgp-mixed");
    tmp = mkdtempSync(join(tmpdir(), `k8s-sim-kubectl-${label}-`));
    cfg = join(tmp, "admin.kubeconfig");
    writeFileSync(cfg, cl.kubeconfig());
    limitedCfg = join(tmp, "viewer.kubeconfig");
    writeFileSync(
      limitedCfg,
      cl.kubeconfig({
        token: cl.issueToken({
          user: "system:serviceaccount:kubebid:viewer",
          rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["nodes"] }],
        }),
      }),
    );
  });
  afterAll(async () => {
    await s?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(!bin)("apply a claim, get pvc,pv,storageclass", async () => {
    const sns = `${ns}-storage`;
    expect((await k(["create", "namespace", sns])).code).toBe(0);
    const file = join(tmp, "pvc.yaml");
    writeFileSync(
      file,
      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  storageClassName: fast-ssd\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 3Gi\n",
    );
    const a = await k(["apply", "-n", sns, "-f", file]);
    expect([a.err, a.out.trim()]).toEqual(["", "persistentvolumeclaim/data created"]);
    await waitFor(
      async () =>
        (await k(["get", "pvc", "data", "-n", sns, "-o", "jsonpath={.status.phase}"])).out === "Bound",
    );
    const r = await k(["get", "pvc,pv,storageclass", "-n", sns]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(
      /persistentvolumeclaim\/data\s+Bound\s+pvc-[0-9a-f-]+\s+3Gi\s+RWO\s+fast-ssd\s+<unset>\s+\d+s/,
    );
    expect(r.out).toMatch(
      new RegExp(
        `persistentvolume/pvc-[0-9a-f-]+\\s+3Gi\\s+RWO\\s+Delete\\s+Bound\\s+${sns}/data\\s+fast-ssd`,
      ),
    );
    expect(r.out).toMatch(
      /storageclass\.storage\.k8s\.io\/standard \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false/,
    );
  });

  it.skipIf(!bin)("create namespace and deployment (protobuf request bodies)", async () => {
    const n = await k(["create", "namespace", ns]);
    expect(n.err).toBe("");
    expect(n.out.trim()).toBe(`namespace/${ns} created`);
    expect(
      (await k(["get", "ns", ns, "-o", "jsonpath={.metadata.labels.kubernetes\\.io/metadata\\.name}"])).out,
    ).toBe(ns);
    const d = await k([
      "create",
      "deployment",
      "web",
      "-n",
      ns,
      "--image=nginx",
      "--replicas=2",
      "--port=80",
    ]);
    expect(d.err).toBe("");
    expect(d.out.trim()).toBe("deployment.apps/web created");
    const cm = await k(["create", "configmap", "cfg", "-n", ns, "--from-literal=mode=fast"]);
    expect([cm.err, cm.out.trim()]).toEqual(["", "configmap/cfg created"]);
    expect((await k(["get", "cm", "cfg", "-n", ns, "-o", "jsonpath={.data.mode}"])).out).toBe("fast");
    const sec = await k(["create", "secret", "generic", "creds", "-n", ns, "--from-literal=token=s3cr3t"]);
    expect([sec.err, sec.out.trim()]).toEqual(["", "secret/creds created"]);
    const got = JSON.parse((await k(["get", "secret", "creds", "-n", ns, "-o", "json"])).out);
    expect(Buffer.from(got.data.token, "base64").toString()).toBe("s3cr3t");
    for (const [args, out] of [
      [["create", "serviceaccount", "robot"], "serviceaccount/robot created"],
      [
        ["create", "role", "reader", "--verb=get,list", "--resource=pods"],
        "role.rbac.authorization.k8s.io/reader created",
      ],
      [
        ["create", "rolebinding", "robot-reads", "--role=reader", `--serviceaccount=${ns}:robot`],
        "rolebinding.rbac.authorization.k8s.io/robot-reads created",
      ],
      [["create", "service", "clusterip", "web", "--tcp=80:8080"], "service/web created"],
    ] as const) {
      const r = await k([...args, "-n", ns]);
      expect([r.err, r.out.trim()]).toEqual(["", out]);
    }
    const rb = JSON.parse((await k(["get", "rolebinding", "robot-reads", "-n", ns, "-o", "json"])).out);
    expect([rb.subjects, rb.roleRef]).toEqual([
      [{ kind: "ServiceAccount", name: "robot", namespace: ns }],
      { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    ]);
    expect((await k(["get", "svc", "web", "-n", ns, "-o", "jsonpath={.spec.ports[0].targetPort}"])).out).toBe(
      "8080",
    );
    const st = await k(["rollout", "status", `deploy/web`, "-n", ns, "--timeout=20s"]);
    expect(st.code).toBe(0);
    expect(st.out).toContain('deployment "web" successfully rolled out');
  });

  it.skipIf(!bin)("get -o wide|json|yaml|jsonpath", async () => {
    const wide = await k(["get", "deploy", "web", "-n", ns, "-o", "wide"]);
    expect(wide.out).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide.out).toMatch(/web\s+2\/2\s+2\s+2\s+\S+\s+nginx\s+nginx\s+app=web/);
    const json = JSON.parse((await k(["get", "deploy", "web", "-n", ns, "-o", "json"])).out);
    expect(json.kind).toBe("Deployment");
    expect(json.spec.replicas).toBe(2);
    expect(json.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    const yaml = await k(["get", "deploy", "web", "-n", ns, "-o", "yaml"]);
    expect(yaml.out).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    expect(yaml.out).toContain("  name: web\n");
    const jp = await k(["get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].status.phase}"]);
    expect(jp.out).toBe("Running Running");
  });

  it.skipIf(!bin)("describe pod, node, service, deployment", async () => {
    const pod = await podOf("app=web");
    const dp = await k(["describe", "pod", pod, "-n", ns]);
    expect(dp.err).toBe("");
    expect(dp.out).toMatch(new RegExp(`Name:\\s+${pod}\\n`));
    expect(dp.out).toMatch(/Status:\s+Running/);
    expect(dp.out).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container nginx/);
    const node = (await k(["get", "pod", pod, "-n", ns, "-o", "jsonpath={.spec.nodeName}"])).out;
    const dn = await k(["describe", "node", node]);
    expect(dn.out).toMatch(new RegExp(`Name:\\s+${node}\\n`));
    expect(dn.out).toMatch(/Allocatable:/);
    expect(dn.out).toContain(pod);
    const ds = await k(["describe", "service", "kubernetes", "-n", "default"]);
    expect(ds.out).toMatch(/Name:\s+kubernetes\n/);
    expect(ds.out).toMatch(/Type:\s+ClusterIP/);
    const dd = await k(["describe", "deployment", "web", "-n", ns]);
    expect(dd.out).toMatch(/Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/);
    expect(dd.out).toMatch(/NewReplicaSet:\s+web-\S+ \(2\/2 replicas created\)/);
  });

  it.skipIf(!bin)("logs, logs -f, logs --previous", async () => {
    const pod = await podOf("app=web");
    await waitFor(
      async () => (await k(["logs", pod, "-n", ns])).out.trim().length > 0,
      10_000,
      "first log lines",
    );
    const l = await k(["logs", pod, "-n", ns, "--tail=1"]);
    expect(l.code).toBe(0);
    expect(l.out.trim().split("\n")).toHaveLength(1);
    // --tail=0: only lines written after the stream opened, so a match proves it follows
    const f = await follow(["logs", "-f", pod, "-n", ns, "--tail=0", "--timestamps"], /\n/);
    expect(f).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \S/);
    await k(["create", "deployment", "crash", "-n", ns, "--image=ghcr.io/acme/crashloop:1"]);
    const cpod = await waitFor(
      async () => {
        const p = await podOf("app=crash");
        const rc = (
          await k(["get", "pod", p, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}"])
        ).out;
        return Number(rc) >= 1 ? p : undefined;
      },
      20_000,
      "a restart",
    );
    const prev = await k(["logs", cpod, "-n", ns, "--previous"]);
    expect(prev.code).toBe(0);
    expect(prev.out).toMatch(/panic/);
    await k(["delete", "deployment", "crash", "-n", ns]);
  });

  it.skipIf(!bin || lacks("exec"))(
    "exec (WebSocket remotecommand): commands, exit codes, stdin, refusals",
    async () => {
      const pod = await podOf("app=web");
      const echo = await k(["exec", pod, "-n", ns, "--", "echo", "hi"]);
      expect([echo.code, echo.out, echo.err]).toEqual([0, "hi\n", ""]);
      const failed = await k(["exec", pod, "-n", ns, "--", "sh", "-c", "hostname; exit 3"]);
      expect([failed.code, failed.out]).toEqual([3, `${pod}\n`]);
      expect(failed.err).toContain("command terminated with exit code 3");
      const piped = await new Promise<Run>((resolve) => {
        const p = spawn(bin!, [
          `--kubeconfig=${cfg}`,
          `--cache-dir=${join(tmp, "cache")}`,
          "exec",
          "-i",
          pod,
          "-n",
          ns,
          "--",
          "sh",
        ]);
        let out = "";
        let err = "";
        p.stdout.on("data", (d: Buffer) => (out += d));
        p.stderr.on("data", (d: Buffer) => (err += d));
        p.on("close", (code) => resolve({ code: code ?? 1, out, err }));
        p.stdin.end("cd /etc\npwd\nexit 0\n");
      });
      expect([piped.code, piped.out, piped.err]).toEqual([0, "/etc\n", ""]);
      const missing = await k(["exec", pod, "-n", ns, "-c", "nope", "--", "ls"]);
      expect(missing.code).not.toBe(0);
      expect(missing.err).toContain(`container nope is not valid for pod ${pod}`);
      // kubectl reads the pod first: a token that may do that, but not exec
      const podReader = join(tmp, "pod-reader.kubeconfig");
      writeFileSync(
        podReader,
        cl.kubeconfig({
          token: cl.issueToken({ rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }] }),
        }),
      );
      const denied = await k(["exec", pod, "-n", ns, "--", "ls"], podReader);
      expect(denied.code).not.toBe(0);
      expect(denied.err).toMatch(/cannot (get|create) resource "pods\/exec"/);
    },
  );

  it.skipIf(!bin)("top pods, top nodes", async () => {
    const pod = await podOf("app=web");
    const tp = await waitFor(
      async () => {
        const r = await k(["top", "pods", "-n", ns]);
        return r.out.includes(pod) ? r : undefined;
      },
      10_000,
      "pod metrics",
    );
    expect(tp.out).toMatch(/NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(tp.out).toMatch(new RegExp(`${pod}\\s+\\d+m\\s+\\d+Mi`));
    const tn = await k(["top", "nodes"]);
    expect(tn.out).toMatch(/sgp-cpu-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
  });

  it.skipIf(!bin)(
    "apply (client-side, --server-side, --dry-run=server), diff without spurious changes",
    async () => {
      const file = join(tmp, "app.yaml");
      const manifest = (value: string, replicas: number) => `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${ns}}
data: {mode: "${value}"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0
        resources: {requests: {cpu: 50m, memory: 32Mi}}
`;
      writeFileSync(file, manifest("a", 1));
      const a1 = await k(["apply", "-f", file]);
      expect(a1.err).toBe("");
      expect(a1.out).toBe(`configmap/settings created\ndeployment.apps/api created\n`);
      const a2 = await k(["apply", "-f", file]);
      expect(a2.out).toBe(`configmap/settings unchanged\ndeployment.apps/api unchanged\n`);
      // unchanged objects: no diff, exit code 0, client and server side
      const d0 = await k(["diff", "-f", file]);
      expect([d0.code, d0.out, d0.err]).toEqual([0, "", ""]);
      const d0s = await k(["diff", "--server-side", "-f", file]);
      expect([d0s.code, d0s.out, d0s.err]).toEqual([0, "", ""]);
      writeFileSync(file, manifest("b", 1));
      const d1 = await k(["diff", "-f", file]);
      expect(d1.code).toBe(1);
      expect(d1.out).toMatch(/^-\s+mode: a$/m);
      expect(d1.out).toMatch(/^\+\s+mode: b$/m);
      expect(d1.out).not.toContain("Deployment.");
      const dr = await k(["apply", "--dry-run=server", "-f", file]);
      expect(dr.out).toContain("configmap/settings configured (server dry run)");
      expect((await k(["get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.mode}"])).out).toBe("a");
      const a3 = await k(["apply", "-f", file]);
      expect(a3.out).toContain("configmap/settings configured");
      expect((await k(["get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.mode}"])).out).toBe("b");
      writeFileSync(file, manifest("b", 2));
      const ss = await k(["apply", "--server-side", "--force-conflicts", "-f", file]);
      expect(ss.err).toBe("");
      expect(ss.out).toBe(`configmap/settings serverside-applied\ndeployment.apps/api serverside-applied\n`);
      expect((await k(["get", "deploy", "api", "-n", ns, "-o", "jsonpath={.spec.replicas}"])).out).toBe("2");
      const d2 = await k(["diff", "--server-side", "--force-conflicts", "-f", file]);
      expect([d2.code, d2.out]).toEqual([0, ""]);
    },
  );

  it.skipIf(!bin)("apply a file holding a kind: List", async () => {
    const file = join(tmp, "list.yaml");
    writeFileSync(
      file,
      `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed-a, namespace: ${ns}}
  data: {k: "1"}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed-b, namespace: ${ns}}
  data: {k: "2"}
`,
    );
    const a = await k(["apply", "-f", file]);
    expect(a.err).toBe("");
    expect(a.out).toBe("configmap/listed-a created\nconfigmap/listed-b created\n");
    const d = await k(["diff", "-f", file]);
    expect([d.code, d.out]).toEqual([0, ""]);
  });

  it.skipIf(!bin)("explain (OpenAPI schemas)", async () => {
    const e = await k(["explain", "deployment.spec.replicas"]);
    expect(e.err).toBe("");
    expect(e.out).toMatch(/GROUP:\s+apps|VERSION:\s+(apps\/)?v1/);
    expect(e.out).toMatch(/FIELD:\s+replicas/);
  });

  it.skipIf(!bin)("auth can-i (SelfSubjectAccessReview, SelfSubjectRulesReview)", async () => {
    const yes = await k(["auth", "can-i", "create", "deployments", "-n", ns]);
    expect([yes.code, yes.out.trim()]).toEqual([0, "yes"]);
    const lyes = await k(["auth", "can-i", "list", "nodes"], limitedCfg);
    expect([lyes.code, lyes.out.trim()]).toEqual([0, "yes"]);
    const no = await k(["auth", "can-i", "create", "deployments", "-n", ns], limitedCfg);
    expect([no.code, no.out.trim()]).toEqual([1, "no"]);
    const list = await k(["auth", "can-i", "--list"], limitedCfg);
    expect(list.out).toMatch(/^nodes\s+\[\]\s+\[\]\s+\[get list\]$/m);
  });

  it.skipIf(!bin || lacks("whoami"))("auth whoami (SelfSubjectReview; kubectl 1.27+)", async () => {
    const who = await k(["auth", "whoami"], limitedCfg);
    expect(who.err).toBe("");
    expect(who.out).toMatch(/Username\s+system:serviceaccount:kubebid:viewer/);
  });

  it.skipIf(!bin)("rollout history, undo (revisions and change-cause), status", async () => {
    await k(["annotate", "deploy/web", "-n", ns, "kubernetes.io/change-cause=first release"]);
    await waitFor(
      async () => (await k(["rollout", "history", "deploy/web", "-n", ns])).out.includes("first release"),
      5000,
      "change-cause on revision 1",
    );
    expect((await k(["set", "image", "deploy/web", "-n", ns, "nginx=nginx:1.27"])).out.trim()).toBe(
      "deployment.apps/web image updated",
    );
    await k(["annotate", "deploy/web", "-n", ns, "--overwrite", "kubernetes.io/change-cause=nginx 1.27"]);
    expect((await k(["rollout", "status", "deploy/web", "-n", ns, "--timeout=20s"])).code).toBe(0);
    const h = await waitFor(
      async () => {
        const r = await k(["rollout", "history", "deploy/web", "-n", ns]);
        return r.out.includes("nginx 1.27") ? r : undefined;
      },
      5000,
      "change-cause on revision 2",
    );
    expect(h.out).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+first release\n2\s+nginx 1\.27\n/);
    const u = await k(["rollout", "undo", "deploy/web", "-n", ns]);
    expect(u.out.trim()).toBe("deployment.apps/web rolled back");
    expect((await k(["rollout", "status", "deploy/web", "-n", ns, "--timeout=20s"])).code).toBe(0);
    // the ReplicaSet of revision 1 comes back as revision 3; no third ReplicaSet
    const h2 = await k(["rollout", "history", "deploy/web", "-n", ns]);
    expect(h2.out).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+nginx 1\.27\n3\s+first release\n/);
    const rs = await k([
      "get",
      "rs",
      "-n",
      ns,
      "-l",
      "app=web",
      "-o",
      'jsonpath={range .items[*]}{.spec.replicas} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}{"\\n"}{end}',
    ]);
    expect(rs.out.trim().split("\n").sort()).toEqual(["0 2", "2 3"]);
    expect(
      (
        await k([
          "get",
          "deploy",
          "web",
          "-n",
          ns,
          "-o",
          "jsonpath={.spec.template.spec.containers[0].image}",
        ])
      ).out,
    ).toBe("nginx");
    const r3 = await k(["rollout", "history", "deploy/web", "-n", ns, "--revision=3"]);
    expect(r3.out).toMatch(/Image:\s+nginx\n/);
    const back = await k(["rollout", "undo", "deploy/web", "-n", ns, "--to-revision=2"]);
    expect(back.out.trim()).toBe("deployment.apps/web rolled back");
    expect((await k(["rollout", "status", "deploy/web", "-n", ns, "--timeout=20s"])).code).toBe(0);
    expect((await k(["rollout", "history", "deploy/web", "-n", ns])).out).toMatch(
      /REVISION\s+CHANGE-CAUSE\n3\s+first release\n4\s+nginx 1\.27\n/,
    );
    // revisionHistoryLimit: old ReplicaSets beyond it are deleted, the kept ones stay at 0 replicas
    await k(["patch", "deploy/web", "-n", ns, "-p", '{"spec":{"revisionHistoryLimit":1}}']);
    await k(["set", "image", "deploy/web", "-n", ns, "nginx=nginx:1.28"]);
    expect((await k(["rollout", "status", "deploy/web", "-n", ns, "--timeout=20s"])).code).toBe(0);
    const kept = await waitFor(
      async () => {
        const r = await k([
          "get",
          "rs",
          "-n",
          ns,
          "-l",
          "app=web",
          "-o",
          'jsonpath={range .items[*]}{.spec.replicas}/{.spec.template.spec.containers[0].image}{" "}{end}',
        ]);
        const v = r.out.trim().split(" ").sort();
        return v.length === 2 ? v : undefined;
      },
      5000,
      "history pruned to 1 old ReplicaSet",
    );
    expect(kept).toEqual(["0/nginx:1.27", "2/nginx:1.28"]);
  });

  it.skipIf(!bin)("scale (the /scale subresource)", async () => {
    const sc = await k(["scale", "deployment", "web", "-n", ns, "--replicas=3"]);
    expect(sc.out.trim()).toBe("deployment.apps/web scaled");
    const raw = JSON.parse(
      (await k(["get", "--raw", `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`])).out,
    );
    expect(raw).toMatchObject({ kind: "Scale", spec: { replicas: 3 } });
    await waitFor(
      async () =>
        (await k(["get", "deploy", "web", "-n", ns, "-o", "jsonpath={.status.readyReplicas}"])).out === "3",
      10_000,
      "3 ready",
    );
  });

  it.skipIf(!bin || lacks("events"))("events (kubectl 1.26+)", async () => {
    const ev = await k(["events", "-n", ns]);
    expect(ev.err).toBe("");
    expect(ev.out).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(ev.out).toMatch(
      /Normal\s+ScalingReplicaSet\s+Deployment\/web\s+Scaled up replica set web-\S+ from 2 to 3/,
    );
    const forD = await k(["events", "-n", ns, "--for", "deployment/web"]);
    expect(forD.out).not.toMatch(/Pod\//);
    expect(forD.out).toMatch(/Deployment\/web/);
    const v1 = JSON.parse(
      (
        await k([
          "get",
          "--raw",
          `/apis/events.k8s.io/v1/namespaces/${ns}/events?fieldSelector=reason=ScalingReplicaSet`,
        ])
      ).out,
    );
    expect(v1.kind).toBe("EventList");
    expect(v1.items.length).toBeGreaterThan(0);
    expect(v1.items[0]).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      reason: "ScalingReplicaSet",
      regarding: { kind: "Deployment", name: "web" },
      reportingController: "deployment-controller",
    });
    expect(
      v1.items.some((e: { note: string }) => /^Scaled up replica set web-\S+ from 2 to 3$/.test(e.note)),
    ).toBe(true);
    const warn = await k(["events", "-n", ns, "--types=Warning"]);
    expect(warn.out).toMatch(/Warning\s+BackOff\s+Pod\/crash-/);
  });

  it.skipIf(!bin)("api-resources", async () => {
    const ar = await k(["api-resources"]);
    expect(ar.err).toBe("");
    expect(ar.out).toMatch(/NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND/);
    expect(ar.out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(ar.out).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(ar.out).toMatch(/^events\s+events\.k8s\.io\/v1\s+true\s+Event$/m);
    expect(ar.out).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
    const apps = await k(["api-resources", "--api-group=apps", "-o", "name"]);
    expect(apps.out.trim().split("\n")).toEqual(
      expect.arrayContaining(["deployments.apps", "replicasets.apps"]),
    );
    const del = await k(["delete", "namespace", ns]);
    expect(del.out.trim()).toBe(`namespace "${ns}" deleted`);
  });
});

// Older exact clients, where installed: the protobuf-bodied verbs and a rollout, in one pass each.
const OLDER = ["1.27", "1.28", "1.29", "1.30", "1.31"].map((v) => {
  const bin = join(SDK, `kubectl.${v}`);
  return {
    v,
    bin: existsSync(bin) ? bin : undefined,
    why: existsSync(bin) ? bin : `skipped: ${bin} is not installed`,
  };
});

describe.each(OLDER)("kubectl $v smoke ($why)", ({ v, bin }) => {
  let s: Simulator;
  let tmp: string;
  let cfg: string;
  const ns = `old-${v.replace(".", "-")}`;
  const k = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        bin!,
        [`--kubeconfig=${cfg}`, `--cache-dir=${join(tmp, "cache")}`, ...args],
        { timeout: 30_000 },
        (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
      );
    });
  beforeAll(async () => {
    s = await startSimulator({ clusters: defaultClusters, podStartDelayMs: 80, tickMs: 25 });
    tmp = mkdtempSync(join(tmpdir(), `k8s-sim-kubectl-${v}-`));
    cfg = join(tmp, "admin.kubeconfig");
    writeFileSync(cfg, s.cluster("sgp-mixed").kubeconfig());
  });
  afterAll(async () => {
    await s?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(!bin)("create, get -o wide, can-i, set image, rollout history/undo", async () => {
    expect((await k(["create", "namespace", ns])).out.trim()).toBe(`namespace/${ns} created`);
    expect((await k(["create", "deployment", "web", "-n", ns, "--image=nginx"])).out.trim()).toBe(
      "deployment.apps/web created",
    );
    expect((await k(["rollout", "status", "deploy/web", "-n", ns, "--timeout=20s"])).code).toBe(0);
    expect((await k(["get", "deploy", "web", "-n", ns, "-o", "wide"])).out).toMatch(
      /web\s+1\/1\s+1\s+1\s+\S+\s+nginx\s+nginx\s+app=web/,
    );
    expect((await k(["auth", "can-i", "delete", "pods", "-n", ns])).out.trim()).toBe("yes");
    await k(["set", "image", "deploy/web", "-n", ns, "nginx=nginx:1.27"]);
    expect((await k(["rollout", "status", "deploy/web", "-n", ns, "--timeout=20s"])).code).toBe(0);
    expect((await k(["rollout", "undo", "deploy/web", "-n", ns])).out.trim()).toBe(
      "deployment.apps/web rolled back",
    );
    expect((await k(["rollout", "status", "deploy/web", "-n", ns, "--timeout=20s"])).code).toBe(0);
    expect((await k(["rollout", "history", "deploy/web", "-n", ns])).out).toMatch(
      /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/,
    );
  });
});
