// Persistent storage and Secrets in the simulator: StorageClasses, PV provisioning and binding in
// both binding modes, the scheduler's and quota's answers, pvc-protection, reclaim, env from
// Secrets/ConfigMaps, and volume data surviving a simulator restart.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerApp } from "./http-apps";
import { type SimCluster, type SimClusterImpl, type Simulator, startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";
import type { Obj } from "./util";

// A program model that only looks at its context: where the kubelet puts its mounts.
registerApp({ repos: ["example.com/test/mounts"], make: () => ({ listens: () => [] }) });

let sim: Simulator;
let c: SimCluster;
const dir = mkdtempSync(join(tmpdir(), "k8s-sim-storage-"));

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [
      {
        name: "s1",
        nodes: [
          { name: "node-a", cpu: "4", memory: "16Gi" },
          { name: "node-b", cpu: "4", memory: "16Gi" },
        ],
      },
    ],
    podStartDelayMs: 40,
    tickMs: 20,
    stateFile: join(dir, "state.json"),
  });
  c = sim.cluster("s1");
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

const state = () => (c as SimClusterImpl).state;
const api = (method: string, path: string, body?: unknown) => raw(c, sim.caPem, method, path, { body });
const ns = async (name: string) => {
  expect((await api("POST", "/api/v1/namespaces", { metadata: { name } })).status).toBe(201);
};
const pvcBody = (name: string, storage: string, storageClassName?: string | null) => ({
  metadata: { name },
  spec: {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage } },
    ...(storageClassName === undefined ? {} : { storageClassName }),
  },
});
const podBody = (name: string, claim: string, extra?: Obj) => ({
  metadata: { name },
  spec: {
    containers: [{ name: "c", image: "busybox", volumeMounts: [{ name: "data", mountPath: "/data" }] }],
    volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim } }],
    ...extra,
  },
});
const get = async (path: string) => (await api("GET", path)).json;
const events = async (namespace: string, name: string) =>
  ((await get(`/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.name%3D${name}`)).items ??
    []) as Obj[];
const pvDir = (pv: string) => join(`${join(dir, "state.json")}.volumes`, "s1", "pv", pv);

describe("StorageClasses", () => {
  it("seeds standard (default, WaitForFirstConsumer, local-path) and fast-ssd (Immediate)", async () => {
    const list = await get("/apis/storage.k8s.io/v1/storageclasses");
    const byName = Object.fromEntries(list.items.map((s: Obj) => [s.metadata.name, s]));
    expect(byName.standard).toMatchObject({
      provisioner: "rancher.io/local-path",
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      metadata: { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    });
    expect(byName["fast-ssd"]).toMatchObject({ volumeBindingMode: "Immediate", reclaimPolicy: "Delete" });
  });

  it("serves PersistentVolumes in discovery as a cluster-scoped kind", async () => {
    const res = (await get("/api/v1")).resources as Obj[];
    expect(res.find((r) => r.name === "persistentvolumes")).toMatchObject({
      kind: "PersistentVolume",
      namespaced: false,
      shortNames: ["pv"],
    });
  });
});

describe("provisioning and binding", () => {
  it("Immediate: provisions and binds at once, with the claim's size and modes", async () => {
    await ns("imm");
    const r = await api(
      "POST",
      "/api/v1/namespaces/imm/persistentvolumeclaims",
      pvcBody("data", "2Gi", "fast-ssd"),
    );
    expect(r.status).toBe(201);
    expect(r.json.metadata.finalizers).toEqual(["kubernetes.io/pvc-protection"]);
    const pvc = await waitFor(async () => {
      const p = await get("/api/v1/namespaces/imm/persistentvolumeclaims/data");
      return p.status?.phase === "Bound" ? p : undefined;
    });
    expect(pvc.spec.volumeName).toBe(`pvc-${pvc.metadata.uid}`);
    expect(pvc.status).toMatchObject({ accessModes: ["ReadWriteOnce"], capacity: { storage: "2Gi" } });
    const pv = await get(`/api/v1/persistentvolumes/${pvc.spec.volumeName}`);
    expect(pv.spec).toMatchObject({
      capacity: { storage: "2Gi" },
      claimRef: { namespace: "imm", name: "data", uid: pvc.metadata.uid },
      persistentVolumeReclaimPolicy: "Delete",
      storageClassName: "fast-ssd",
      csi: { driver: "driver.longhorn.io" },
    });
    expect(pv.status.phase).toBe("Bound");
    expect(pv.metadata.finalizers).toEqual(["kubernetes.io/pv-protection"]);
    expect(existsSync(pvDir(pv.metadata.name))).toBe(true);
  });

  it("WaitForFirstConsumer: waits for a pod, then provisions on the pod's node", async () => {
    await ns("wffc");
    await api("POST", "/api/v1/namespaces/wffc/persistentvolumeclaims", pvcBody("data", "1Gi"));
    const first = await get("/api/v1/namespaces/wffc/persistentvolumeclaims/data");
    expect(first.spec.storageClassName).toBe("standard"); // DefaultStorageClass admission
    await waitFor(async () =>
      (await events("wffc", "data")).some((e) => e.reason === "WaitForFirstConsumer"),
    );
    expect((await get("/api/v1/namespaces/wffc/persistentvolumeclaims/data")).status.phase).toBe("Pending");
    await api("POST", "/api/v1/namespaces/wffc/pods", podBody("p", "data"));
    const pod = await waitFor(async () => {
      const p = await get("/api/v1/namespaces/wffc/pods/p");
      return p.status?.phase === "Running" ? p : undefined;
    });
    const pvc = await get("/api/v1/namespaces/wffc/persistentvolumeclaims/data");
    expect(pvc.status.phase).toBe("Bound");
    expect(pvc.metadata.annotations["volume.kubernetes.io/selected-node"]).toBe(pod.spec.nodeName);
    const pv = await get(`/api/v1/persistentvolumes/${pvc.spec.volumeName}`);
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0]).toEqual({
      key: "kubernetes.io/hostname",
      operator: "In",
      values: [pod.spec.nodeName],
    });
    expect((await events("wffc", "data")).map((e) => e.reason)).toContain("ProvisioningSucceeded");
  });

  it("binds a claim to a fitting Available volume of its class (static provisioning)", async () => {
    await ns("static");
    const pv = {
      metadata: { name: "static-pv" },
      spec: {
        capacity: { storage: "5Gi" },
        accessModes: ["ReadWriteOnce"],
        storageClassName: "manual",
        hostPath: { path: "/mnt/static" },
      },
    };
    expect((await api("POST", "/api/v1/persistentvolumes", pv)).status).toBe(201);
    await api("POST", "/api/v1/namespaces/static/persistentvolumeclaims", pvcBody("small", "1Gi", "manual"));
    // "manual" is no StorageClass: the claim binds only because the volume exists.
    await waitFor(
      async () =>
        (await get("/api/v1/namespaces/static/persistentvolumeclaims/small")).status?.phase === "Bound",
    );
    expect((await get("/api/v1/persistentvolumes/static-pv")).spec.persistentVolumeReclaimPolicy).toBe(
      "Retain",
    );
    await api("DELETE", "/api/v1/namespaces/static/persistentvolumeclaims/small");
    await waitFor(
      async () => (await get("/api/v1/persistentvolumes/static-pv")).status?.phase === "Released",
    );
  });

  it.each([
    [{ spec: { accessModes: ["ReadWriteOnce"], hostPath: { path: "/x" } } }, "spec.capacity: Required value"],
    [
      { spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] } },
      "spec: Required value: must specify a volume type",
    ],
    [
      { spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], local: { path: "/x" } } },
      "spec.nodeAffinity: Required value: Local volume requires node affinity",
    ],
    [
      { spec: { capacity: { storage: "1Gi" }, accessModes: ["Sometimes"], hostPath: { path: "/x" } } },
      'spec.accessModes: Unsupported value: "Sometimes"',
    ],
  ])("refuses an invalid PersistentVolume (%#)", async (body, message) => {
    const r = await api("POST", "/api/v1/persistentvolumes", { metadata: { name: "bad" }, ...body });
    expect(r.status).toBe(422);
    expect(r.json.message).toContain(message);
  });
});

describe("what the scheduler and the controller say", () => {
  it("a claim whose class does not exist: Pending with ProvisioningFailed; its pod unschedulable", async () => {
    await ns("noclass");
    await api("POST", "/api/v1/namespaces/noclass/persistentvolumeclaims", pvcBody("data", "1Gi", "gold"));
    const ev = await waitFor(async () =>
      (await events("noclass", "data")).find((e) => e.reason === "ProvisioningFailed"),
    );
    expect(ev).toMatchObject({ type: "Warning", message: 'storageclass.storage.k8s.io "gold" not found' });
    expect((await get("/api/v1/namespaces/noclass/persistentvolumeclaims/data")).status.phase).toBe(
      "Pending",
    );
    await api("POST", "/api/v1/namespaces/noclass/pods", podBody("p", "data"));
    const cond = await waitFor(
      async () => (await get("/api/v1/namespaces/noclass/pods/p")).status?.conditions?.[0],
    );
    expect(cond.message).toBe(
      '0/2 nodes are available: storageclass.storage.k8s.io "gold" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it("a pod whose claim does not exist is unschedulable with the scheduler's message", async () => {
    await ns("noclaim");
    await api("POST", "/api/v1/namespaces/noclaim/pods", podBody("p", "missing"));
    const ev = await waitFor(async () =>
      (await events("noclaim", "p")).find((e) => e.reason === "FailedScheduling"),
    );
    expect(ev.message).toBe(
      '0/2 nodes are available: persistentvolumeclaim "missing" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it("an unbound claim without a class is an unbound immediate claim", async () => {
    await ns("noprov");
    await api("POST", "/api/v1/namespaces/noprov/persistentvolumeclaims", pvcBody("data", "1Gi", ""));
    await api("POST", "/api/v1/namespaces/noprov/pods", podBody("p", "data"));
    const ev = await waitFor(async () =>
      (await events("noprov", "p")).find((e) => e.reason === "FailedScheduling"),
    );
    expect(ev.message).toContain(
      "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
    );
    expect((await events("noprov", "data")).map((e) => e.message)).toContain(
      "no persistent volumes available for this claim and no storage class is set",
    );
  });
});

describe("ResourceQuota on storage", () => {
  it.each([
    ["requests.storage", "3Gi", "requests.storage=2Gi", "requests.storage=2Gi", "requests.storage=3Gi"],
    [
      "persistentvolumeclaims",
      "1",
      "persistentvolumeclaims=1",
      "persistentvolumeclaims=1",
      "persistentvolumeclaims=1",
    ],
    [
      "fast-ssd.storageclass.storage.k8s.io/requests.storage",
      "3Gi",
      "fast-ssd.storageclass.storage.k8s.io/requests.storage=2Gi",
      "fast-ssd.storageclass.storage.k8s.io/requests.storage=2Gi",
      "fast-ssd.storageclass.storage.k8s.io/requests.storage=3Gi",
    ],
    [
      "fast-ssd.storageclass.storage.k8s.io/persistentvolumeclaims",
      "1",
      "fast-ssd.storageclass.storage.k8s.io/persistentvolumeclaims=1",
      "fast-ssd.storageclass.storage.k8s.io/persistentvolumeclaims=1",
      "fast-ssd.storageclass.storage.k8s.io/persistentvolumeclaims=1",
    ],
  ])("%s: the second claim over the limit is refused", async (key, hard, requested, used, limited) => {
    const name = `q-${key.replace(/[^a-z]/g, "").slice(0, 40)}`;
    await ns(name);
    await api("POST", `/api/v1/namespaces/${name}/resourcequotas`, {
      metadata: { name: "q" },
      spec: { hard: { [key]: hard } },
    });
    expect(
      (
        await api(
          "POST",
          `/api/v1/namespaces/${name}/persistentvolumeclaims`,
          pvcBody("a", "2Gi", "fast-ssd"),
        )
      ).status,
    ).toBe(201);
    // A claim of another class does not count against a per-class key.
    const other = await api(
      "POST",
      `/api/v1/namespaces/${name}/persistentvolumeclaims`,
      pvcBody("b", "2Gi", "standard"),
    );
    if (key.startsWith("fast-ssd")) expect(other.status).toBe(201);
    else expect(other.status).toBe(403);
    const r = await api(
      "POST",
      `/api/v1/namespaces/${name}/persistentvolumeclaims`,
      pvcBody("c", "2Gi", "fast-ssd"),
    );
    expect(r.status).toBe(403);
    expect(r.json.message).toBe(
      `persistentvolumeclaims "c" is forbidden: exceeded quota: q, requested: ${requested}, used: ${used}, limited: ${limited}`,
    );
    await waitFor(
      async () =>
        (await get(`/api/v1/namespaces/${name}/resourcequotas/q`)).status?.used?.[key] === used.split("=")[1],
    );
  });
});

describe("pvc-protection and reclaim", () => {
  it("a claim in use stays Terminating until its pod is gone; then the PV and its data go", async () => {
    await ns("prot");
    await api("POST", "/api/v1/namespaces/prot/persistentvolumeclaims", pvcBody("data", "1Gi", "fast-ssd"));
    await api("POST", "/api/v1/namespaces/prot/pods", podBody("p", "data"));
    await waitFor(async () => (await get("/api/v1/namespaces/prot/pods/p")).status?.phase === "Running");
    const pvName = (await get("/api/v1/namespaces/prot/persistentvolumeclaims/data")).spec.volumeName;
    writeFileSync(join(pvDir(pvName), "file"), "x");
    const del = await api("DELETE", "/api/v1/namespaces/prot/persistentvolumeclaims/data");
    expect(del.status).toBe(200);
    expect(del.json.metadata.deletionTimestamp).toBeTruthy();
    state().reconcile(Date.now());
    const terminating = await get("/api/v1/namespaces/prot/persistentvolumeclaims/data");
    expect(terminating.metadata.deletionTimestamp).toBeTruthy();
    expect(terminating.metadata.finalizers).toEqual(["kubernetes.io/pvc-protection"]);
    // A new pod cannot use a claim being deleted.
    await api("POST", "/api/v1/namespaces/prot/pods", podBody("q", "data"));
    const ev = await waitFor(async () =>
      (await events("prot", "q")).find((e) => e.reason === "FailedScheduling"),
    );
    expect(ev.message).toContain('persistentvolumeclaim "data" is being deleted');
    await api("DELETE", "/api/v1/namespaces/prot/pods/q");
    expect(existsSync(pvDir(pvName))).toBe(true);
    await api("DELETE", "/api/v1/namespaces/prot/pods/p");
    await waitFor(
      async () => (await api("GET", "/api/v1/namespaces/prot/persistentvolumeclaims/data")).status === 404,
    );
    await waitFor(async () => (await api("GET", `/api/v1/persistentvolumes/${pvName}`)).status === 404);
    expect(existsSync(pvDir(pvName))).toBe(false);
  });

  it("finalizers cannot be added to a terminating object", async () => {
    await ns("fin");
    await api("POST", "/api/v1/namespaces/fin/persistentvolumeclaims", pvcBody("data", "1Gi", "fast-ssd"));
    await api("POST", "/api/v1/namespaces/fin/pods", podBody("p", "data"));
    await waitFor(async () => (await get("/api/v1/namespaces/fin/pods/p")).status?.phase === "Running");
    await api("DELETE", "/api/v1/namespaces/fin/persistentvolumeclaims/data");
    const cur = await get("/api/v1/namespaces/fin/persistentvolumeclaims/data");
    cur.metadata.finalizers.push("example.com/hold");
    const r = await api("PUT", "/api/v1/namespaces/fin/persistentvolumeclaims/data", cur);
    expect(r.status).toBe(422);
    expect(r.json.message).toBe(
      'PersistentVolumeClaim "data" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/hold"}',
    );
  });

  it("deleting the namespace removes claims, volumes and their data", async () => {
    await ns("gone");
    await api("POST", "/api/v1/namespaces/gone/persistentvolumeclaims", pvcBody("data", "1Gi", "fast-ssd"));
    const pvc = await waitFor(async () => {
      const p = await get("/api/v1/namespaces/gone/persistentvolumeclaims/data");
      return p.status?.phase === "Bound" ? p : undefined;
    });
    expect(existsSync(pvDir(pvc.spec.volumeName))).toBe(true);
    await api("DELETE", "/api/v1/namespaces/gone");
    await waitFor(
      async () => (await api("GET", `/api/v1/persistentvolumes/${pvc.spec.volumeName}`)).status === 404,
    );
    expect(existsSync(pvDir(pvc.spec.volumeName))).toBe(false);
  });
});

describe("Secrets and ConfigMaps in the environment", () => {
  const envPod = (name: string, env: Obj[], envFrom?: Obj[]) => ({
    metadata: { name },
    spec: { containers: [{ name: "c", image: "busybox", env, ...(envFrom ? { envFrom } : {}) }] },
  });
  const waiting = async (namespace: string, name: string) =>
    waitFor(async () =>
      (await get(`/api/v1/namespaces/${namespace}/pods/${name}`)).status?.containerStatuses?.[0]?.state
        ?.waiting?.reason === "CreateContainerConfigError"
        ? (await get(`/api/v1/namespaces/${namespace}/pods/${name}`)).status.containerStatuses[0].state
            .waiting
        : undefined,
    );

  it("resolves secretKeyRef, configMapKeyRef, envFrom with prefix, fieldRef and $(VAR)", async () => {
    await ns("env");
    await api("POST", "/api/v1/namespaces/env/secrets", {
      metadata: { name: "db" },
      stringData: { password: "s3cret", "1bad": "x" },
    });
    await api("POST", "/api/v1/namespaces/env/configmaps", {
      metadata: { name: "cfg" },
      data: { MODE: "prod", "2nd": "not a variable name" },
    });
    await api(
      "POST",
      "/api/v1/namespaces/env/pods",
      envPod(
        "p",
        [
          { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
          { name: "MODE", valueFrom: { configMapKeyRef: { name: "cfg", key: "MODE" } } },
          { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "URL", value: "postgres://app:$(PASSWORD)@db/$(POD)?x=$$(KEEP)" },
          { name: "OPT", valueFrom: { secretKeyRef: { name: "absent", key: "k", optional: true } } },
        ],
        [{ secretRef: { name: "db" }, prefix: "DB_" }, { configMapRef: { name: "cfg" } }],
      ),
    );
    await waitFor(async () => (await get("/api/v1/namespaces/env/pods/p")).status?.phase === "Running");
    const pod = await get("/api/v1/namespaces/env/pods/p");
    const sim = state().kubelet.pods.get(pod.metadata.uid);
    // "2nd" is no environment variable name: envFrom skips it ("DB_1bad" is one thanks to its prefix).
    // Beside the pod's own: the `kubernetes` Service's links, the image's PATH and HOSTNAME.
    const env = sim?.containers[0]?.env ?? {};
    expect(
      Object.keys(env).filter((k) => !k.startsWith("KUBERNETES_") && k !== "PATH" && k !== "HOSTNAME"),
    ).toHaveLength(6);
    expect(env).toMatchObject({
      DB_1bad: "x",
      DB_password: "s3cret",
      PASSWORD: "s3cret",
      MODE: "prod",
      POD: "p",
      URL: "postgres://app:s3cret@db/p?x=$(KEEP)",
      HOSTNAME: "p",
      KUBERNETES_SERVICE_HOST: "10.96.0.1",
    });
    expect(env.PATH).toContain("/usr/bin");
  });

  it.each([
    [
      "a missing Secret",
      [{ name: "X", valueFrom: { secretKeyRef: { name: "nope", key: "k" } } }],
      undefined,
      'secret "nope" not found',
    ],
    [
      "a missing key",
      [{ name: "X", valueFrom: { secretKeyRef: { name: "db", key: "user" } } }],
      undefined,
      "couldn't find key user in Secret enverr/db",
    ],
    [
      "a missing ConfigMap key",
      [{ name: "X", valueFrom: { configMapKeyRef: { name: "cfg", key: "K" } } }],
      undefined,
      "couldn't find key K in ConfigMap enverr/cfg",
    ],
    ["a missing envFrom Secret", [], [{ secretRef: { name: "nope" } }], 'secret "nope" not found'],
  ])("%s: CreateContainerConfigError with the kubelet's message", async (_what, env, envFrom, message) => {
    if ((await api("GET", "/api/v1/namespaces/enverr")).status === 404) {
      await ns("enverr");
      await api("POST", "/api/v1/namespaces/enverr/secrets", {
        metadata: { name: "db" },
        data: { password: "czNjcmV0" },
      });
      await api("POST", "/api/v1/namespaces/enverr/configmaps", { metadata: { name: "cfg" }, data: {} });
    }
    const name = `p-${Math.random().toString(36).slice(2, 8)}`;
    await api("POST", "/api/v1/namespaces/enverr/pods", envPod(name, env as Obj[], envFrom));
    expect(await waiting("enverr", name)).toEqual({ reason: "CreateContainerConfigError", message });
    const ev = await events("enverr", name);
    expect(ev.map((e) => e.message)).toContain(`Error: ${message}`);
  });

  it("starts once the missing Secret is created", async () => {
    await ns("later");
    await api(
      "POST",
      "/api/v1/namespaces/later/pods",
      envPod("p", [{ name: "X", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }]),
    );
    await waiting("later", "p");
    await api("POST", "/api/v1/namespaces/later/secrets", {
      metadata: { name: "s" },
      stringData: { k: "v" },
    });
    await waitFor(
      async () => (await get("/api/v1/namespaces/later/pods/p")).status?.phase === "Running",
      10_000,
    );
  });

  it("a missing Secret volume keeps the pod ContainerCreating with FailedMount, unless optional", async () => {
    await ns("vols");
    const body = (name: string, optional: boolean) => ({
      metadata: { name },
      spec: {
        containers: [{ name: "c", image: "busybox", volumeMounts: [{ name: "s", mountPath: "/s" }] }],
        volumes: [{ name: "s", secret: { secretName: "tls", optional } }],
      },
    });
    await api("POST", "/api/v1/namespaces/vols/pods", body("hard", false));
    await api("POST", "/api/v1/namespaces/vols/pods", body("soft", true));
    await waitFor(async () => (await get("/api/v1/namespaces/vols/pods/soft")).status?.phase === "Running");
    const ev = await waitFor(async () =>
      (await events("vols", "hard")).find((e) => e.reason === "FailedMount"),
    );
    expect(ev.message).toBe('MountVolume.SetUp failed for volume "s" : secret "tls" not found');
    expect((await get("/api/v1/namespaces/vols/pods/hard")).status.phase).toBe("Pending");
  });

  it("refuses Secret data that is not base64", async () => {
    await ns("b64");
    const r = await api("POST", "/api/v1/namespaces/b64/secrets", {
      metadata: { name: "s" },
      data: { k: "not base64!" },
    });
    expect(r.status).toBe(400);
  });
});

describe("ReadWriteOnce on two nodes", () => {
  it("a CSI volume in use on one node is not attached to a second: Multi-Attach error until it is free", async () => {
    await ns("rwo");
    await api("POST", "/api/v1/namespaces/rwo/persistentvolumeclaims", pvcBody("data", "1Gi", "fast-ssd"));
    const on = (name: string, node: string) =>
      api(
        "POST",
        "/api/v1/namespaces/rwo/pods",
        podBody(name, "data", { nodeSelector: { "kubernetes.io/hostname": node } }),
      );
    await on("first", "node-a");
    await waitFor(async () => (await get("/api/v1/namespaces/rwo/pods/first")).status?.phase === "Running");
    await on("second", "node-b");
    const pvName = (await get("/api/v1/namespaces/rwo/persistentvolumeclaims/data")).spec.volumeName;
    const ev = await waitFor(async () =>
      (await events("rwo", "second")).find((e) => e.reason === "FailedAttachVolume"),
    );
    expect(ev).toMatchObject({
      type: "Warning",
      message: `Multi-Attach error for volume "${pvName}" Volume is already used by pod(s) first`,
      source: { component: "attachdetach-controller" },
    });
    expect((await get("/api/v1/namespaces/rwo/pods/second")).status.phase).toBe("Pending");
    await api("DELETE", "/api/v1/namespaces/rwo/pods/first");
    await waitFor(
      async () => (await get("/api/v1/namespaces/rwo/pods/second")).status?.phase === "Running",
      10_000,
    );
  });
});

describe("Secret and ConfigMap volumes", () => {
  it("are written as one file per key (or per item), Secret values decoded", async () => {
    await ns("proj");
    await api("POST", "/api/v1/namespaces/proj/secrets", {
      metadata: { name: "tls" },
      stringData: { "tls.crt": "CERT", "tls.key": "KEY" },
    });
    await api("POST", "/api/v1/namespaces/proj/configmaps", {
      metadata: { name: "cfg" },
      data: { a: "1", b: "2" },
    });
    await api("POST", "/api/v1/namespaces/proj/pods", {
      metadata: { name: "p" },
      spec: {
        containers: [
          {
            name: "c",
            image: "example.com/test/mounts:1",
            volumeMounts: [
              { name: "tls", mountPath: "/etc/tls", readOnly: true },
              { name: "cfg", mountPath: "/etc/app" },
            ],
          },
        ],
        volumes: [
          { name: "tls", secret: { secretName: "tls" } },
          { name: "cfg", configMap: { name: "cfg", items: [{ key: "b", path: "conf/b.txt" }] } },
        ],
      },
    });
    const pod = await waitFor(async () => {
      const p = await get("/api/v1/namespaces/proj/pods/p");
      return p.status?.phase === "Running" ? p : undefined;
    });
    const ctx = state().kubelet.appOf(pod.metadata.uid, "c")?.ctx;
    const tls = ctx?.mountDir("/etc/tls") ?? "";
    expect(readdirSync(tls).sort()).toEqual(["tls.crt", "tls.key"]);
    expect(readFileSync(join(tls, "tls.key"), "utf8")).toBe("KEY");
    const cfg = ctx?.mountDir("/etc/app") ?? "";
    expect(readdirSync(cfg)).toEqual(["conf"]);
    expect(readFileSync(join(cfg, "conf", "b.txt"), "utf8")).toBe("2");
  });
});

describe("volume data on disk", () => {
  it("mounts resolve to the PV and a per-pod emptyDir; the PV's data survives a simulator restart", async () => {
    await ns("disk");
    await api("POST", "/api/v1/namespaces/disk/persistentvolumeclaims", pvcBody("data", "1Gi", "fast-ssd"));
    await api("POST", "/api/v1/namespaces/disk/pods", {
      metadata: { name: "p" },
      spec: {
        containers: [
          {
            name: "c",
            image: "example.com/test/mounts:1",
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "data", mountPath: "/sub", subPath: "nested" },
              { name: "scratch", mountPath: "/scratch" },
            ],
          },
        ],
        volumes: [
          { name: "data", persistentVolumeClaim: { claimName: "data" } },
          { name: "scratch", emptyDir: {} },
        ],
      },
    });
    const pod = await waitFor(async () => {
      const p = await get("/api/v1/namespaces/disk/pods/p");
      return p.status?.phase === "Running" ? p : undefined;
    });
    const pvName = (await get("/api/v1/namespaces/disk/persistentvolumeclaims/data")).spec.volumeName;
    const root = join(`${join(dir, "state.json")}.volumes`, "s1");
    const ctx = state().kubelet.appOf(pod.metadata.uid, "c")?.ctx;
    expect(ctx?.mountDir("/data")).toBe(pvDir(pvName));
    expect(ctx?.mountDir("/data/pg/")).toBe(join(pvDir(pvName), "pg"));
    expect(ctx?.mountDir("/sub/x")).toBe(join(pvDir(pvName), "nested", "x"));
    expect(ctx?.mountDir("/scratch")).toBe(join(root, "pods", pod.metadata.uid, "volumes", "scratch"));
    expect(ctx?.mountDir("/etc")).toBeNull();
    writeFileSync(join(pvDir(pvName), "keep"), "1");
    writeFileSync(join(root, "pods", pod.metadata.uid, "volumes", "scratch", "tmp"), "1");
    await api("DELETE", "/api/v1/namespaces/disk/pods/p");
    await waitFor(() => !existsSync(join(root, "pods", pod.metadata.uid)));
    await sim.stop();
    sim = await startSimulator({
      clusters: [
        {
          name: "s1",
          nodes: [
            { name: "node-a", cpu: "4", memory: "16Gi" },
            { name: "node-b", cpu: "4", memory: "16Gi" },
          ],
        },
      ],
      podStartDelayMs: 40,
      tickMs: 20,
      stateFile: join(dir, "state.json"),
    });
    c = sim.cluster("s1");
    expect(readdirSync(pvDir(pvName))).toEqual(["keep", "nested"]);
    expect((await get("/api/v1/namespaces/disk/persistentvolumeclaims/data")).status.phase).toBe("Bound");
  });
});
