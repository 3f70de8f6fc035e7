// What the simulated nodes and controllers do besides running pods: the image model at work
// (CreateContainerConfigError, read-only root filesystems), GPU taints, ephemeral storage (fit and
// eviction), Endpoints/EndpointSlices, cluster DNS, node Leases and SelfSubjectReview.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GPU_TAINT } from "./default-clusters";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";
import type { Obj } from "./util";

let sim: Simulator;
let c: SimCluster;
const get = async (path: string) => (await raw(c, sim.caPem, "GET", path)).json;
const post = (path: string, body: unknown, token?: string) =>
  raw(c, sim.caPem, "POST", path, { body, token });

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [
      {
        name: "svc",
        region: "eu-west-1",
        nodes: [
          { name: "cpu-1", cpu: "8", memory: "32Gi" },
          { name: "gpu-1", cpu: "16", memory: "64Gi", gpus: 2, gpuProduct: "NVIDIA-L4", taints: [GPU_TAINT] },
          { name: "down-1", cpu: "8", memory: "32Gi", ready: false },
        ],
      },
    ],
    podStartDelayMs: 40,
    tickMs: 20,
    nodeLeaseRenewMs: 150,
  });
  c = sim.cluster("svc");
});
afterAll(async () => {
  await sim?.stop();
});

async function namespace(name: string) {
  expect((await post("/api/v1/namespaces", { metadata: { name } })).status).toBe(201);
}
async function createPod(ns: string, name: string, spec: Obj, labels: Obj = {}) {
  const r = await post(`/api/v1/namespaces/${ns}/pods`, { metadata: { name, labels }, spec });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}
const pod = (ns: string, name: string) => get(`/api/v1/namespaces/${ns}/pods/${name}`);
const events = async (ns: string, name: string) =>
  (await get(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3D${name}`)).items as Obj[];

describe("image model in the kubelet", () => {
  it("runAsNonRoot with a root image: CreateContainerConfigError with the kubelet's message", async () => {
    await namespace("img");
    const p = await createPod("img", "nonroot", {
      securityContext: { runAsNonRoot: true },
      containers: [{ name: "web", image: "nginx:1.27" }],
    });
    const st = await waitFor(
      async () => {
        const cur = await pod("img", "nonroot");
        return (
          cur.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CreateContainerConfigError" && cur
        );
      },
      5000,
      "CreateContainerConfigError",
    );
    const message = `container has runAsNonRoot and image will run as root (pod: "nonroot_img(${p.metadata.uid})", container: web)`;
    expect(st.status.phase).toBe("Pending");
    expect(st.status.containerStatuses[0].state.waiting.message).toBe(message);
    expect(
      (await events("img", "nonroot")).some(
        (e) => e.reason === "Failed" && e.message === `Error: ${message}`,
      ),
    ).toBe(true);
    const logs = await raw(c, sim.caPem, "GET", "/api/v1/namespaces/img/pods/nonroot/log");
    expect(logs.status).toBe(400);
    expect(logs.json.message).toBe(
      'container "web" in pod "nonroot" is waiting to start: CreateContainerConfigError',
    );
  });

  it("a read-only root filesystem crash-loops nginx, and its log says why", async () => {
    await createPod("img", "ro", {
      containers: [{ name: "web", image: "nginx:1.27", securityContext: { readOnlyRootFilesystem: true } }],
    });
    await waitFor(
      async () => {
        const cur = await pod("img", "ro");
        return cur.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff";
      },
      5000,
      "CrashLoopBackOff",
    );
    const cur = await pod("img", "ro");
    expect(cur.status.containerStatuses[0].lastState.terminated).toMatchObject({
      exitCode: 1,
      reason: "Error",
    });
    const logs = await raw(c, sim.caPem, "GET", "/api/v1/namespaces/img/pods/ro/log?previous=true");
    expect(logs.text).toContain(
      'nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)',
    );
    // with emptyDirs over what it writes, the same image runs
    await createPod("img", "ro-ok", {
      containers: [
        {
          name: "web",
          image: "nginx:1.27",
          securityContext: { readOnlyRootFilesystem: true },
          volumeMounts: [
            { name: "cache", mountPath: "/var/cache/nginx" },
            { name: "run", mountPath: "/var/run" },
          ],
        },
      ],
      volumes: [
        { name: "cache", emptyDir: {} },
        { name: "run", emptyDir: {} },
      ],
    });
    await waitFor(
      async () => (await pod("img", "ro-ok")).status?.containerStatuses?.[0]?.ready,
      5000,
      "ro-ok ready",
    );
  });
});

describe("scheduling: taints and ephemeral storage", () => {
  it("keeps pods off GPU-tainted nodes unless they tolerate the taint", async () => {
    await namespace("taints");
    await createPod("taints", "gpu-no-tol", {
      containers: [{ name: "c", image: "busybox", resources: { limits: { "nvidia.com/gpu": "1" } } }],
    });
    const ev = await waitFor(
      async () => (await events("taints", "gpu-no-tol")).find((e) => e.reason === "FailedScheduling"),
      5000,
      "FailedScheduling",
    );
    expect(ev.message).toBe(
      "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    const tolerations: [string, Obj][] = [
      ["exists", { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      ["equal", { key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" }],
      ["any-effect", { key: "nvidia.com/gpu", operator: "Exists" }],
    ];
    for (const [name, tol] of tolerations) {
      await createPod("taints", name, {
        tolerations: [tol],
        nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-L4" },
        containers: [{ name: "c", image: "busybox", resources: { limits: { "nvidia.com/gpu": "1" } } }],
      });
    }
    await waitFor(
      async () => (await pod("taints", "exists")).spec.nodeName === "gpu-1",
      5000,
      "exists bound",
    );
    await waitFor(async () => (await pod("taints", "equal")).spec.nodeName === "gpu-1", 5000, "equal bound");
    // the node has 2 GPUs: the third tolerating pod waits for one
    await waitFor(
      async () => (await events("taints", "any-effect")).some((e) => e.reason === "FailedScheduling"),
      5000,
      "any-effect waits",
    );
    // wrong value or wrong effect do not tolerate
    for (const [name, tol] of [
      ["wrong-value", { key: "nvidia.com/gpu", operator: "Equal", value: "absent", effect: "NoSchedule" }],
      ["wrong-effect", { key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute" }],
    ] as const) {
      await createPod("taints", name, {
        tolerations: [tol],
        nodeSelector: { "kubernetes.io/hostname": "gpu-1" },
        containers: [{ name: "c", image: "busybox" }],
      });
      const e = await waitFor(
        async () => (await events("taints", name)).find((x) => x.reason === "FailedScheduling"),
        5000,
        name,
      );
      expect(e.message).toContain("1 node(s) had untolerated taint {nvidia.com/gpu: present}");
    }
    // a CPU pod never lands on the GPU node
    await createPod("taints", "cpu", {
      containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "7" } } }],
    });
    await waitFor(async () => (await pod("taints", "cpu")).spec.nodeName === "cpu-1", 5000, "cpu bound");
    await createPod("taints", "cpu2", {
      containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "2" } } }],
    });
    const e2 = await waitFor(
      async () => (await events("taints", "cpu2")).find((x) => x.reason === "FailedScheduling"),
      5000,
      "cpu2",
    );
    expect(e2.message).toMatch(
      /1 Insufficient cpu.*1 node\(s\) had untolerated taint \{nvidia.com\/gpu: present\}/,
    );
  });

  it("counts ephemeral-storage requests against node allocatable", async () => {
    await namespace("disk");
    await createPod("disk", "huge", {
      containers: [
        { name: "c", image: "busybox", resources: { requests: { "ephemeral-storage": "500Gi" } } },
      ],
    });
    const ev = await waitFor(
      async () => (await events("disk", "huge")).find((e) => e.reason === "FailedScheduling"),
      5000,
      "FailedScheduling",
    );
    expect(ev.message).toContain("1 Insufficient ephemeral-storage");
  });

  it("evicts a pod that writes more than its ephemeral-storage limit", async () => {
    // vLLM downloads its model weights (~14 GiB) into the container's filesystem (the GPUs of this
    // cluster are taken by the test above; the image model does not need one to write).
    await createPod("disk", "llm", {
      containers: [
        {
          name: "vllm",
          image: "vllm/vllm-openai:v0.6.3",
          resources: { limits: { "ephemeral-storage": "1Gi" } },
        },
      ],
    });
    const evicted = await waitFor(
      async () => {
        const p = await pod("disk", "llm");
        return p.status?.phase === "Failed" && p;
      },
      8000,
      "eviction",
    );
    expect(evicted.status).toMatchObject({
      phase: "Failed",
      reason: "Evicted",
      message: "Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ",
    });
    expect(evicted.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137 });
    expect(evicted.status.conditions.find((x: Obj) => x.type === "DisruptionTarget")).toMatchObject({
      status: "True",
      reason: "TerminationByKubelet",
    });
    const ev = (await events("disk", "llm")).find((e) => e.reason === "Evicted");
    expect(ev).toMatchObject({ type: "Warning", source: { component: "kubelet" } });
    // with room for the weights it keeps running
    await createPod("disk", "llm-ok", {
      containers: [
        {
          name: "vllm",
          image: "vllm/vllm-openai:v0.6.3",
          resources: { limits: { "ephemeral-storage": "50Gi" } },
        },
      ],
    });
    await waitFor(
      async () => (await pod("disk", "llm-ok")).status?.phase === "Running",
      5000,
      "llm-ok running",
    );
    await new Promise((r) => setTimeout(r, 600)); // past the time its download takes
    expect((await pod("disk", "llm-ok")).status.phase).toBe("Running");
  });
});

describe("service discovery", () => {
  it("Endpoints and EndpointSlices follow the ready pods of a Service", async () => {
    await namespace("eps");
    const svc = await post("/api/v1/namespaces/eps/services", {
      metadata: { name: "web", labels: { tier: "front" } },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    expect(svc.status).toBe(201);
    const container = (image: string, extra: Obj = {}) => ({
      containers: [{ name: "web", image, ports: [{ name: "http", containerPort: 8080 }], ...extra }],
    });
    await createPod("eps", "a", container("ghcr.io/acme/web:1"), { app: "web" });
    await createPod("eps", "b", container("ghcr.io/acme/web:1"), { app: "web" });
    // never ready: the kubelet refuses to start it
    await createPod(
      "eps",
      "c",
      { ...container("nginx"), securityContext: { runAsNonRoot: true } },
      { app: "web" },
    );
    await createPod("eps", "other", container("ghcr.io/acme/web:1"), { app: "other" });
    const ep = await waitFor(
      async () => {
        const e = await get("/api/v1/namespaces/eps/endpoints/web");
        return e.subsets?.[0]?.addresses?.length === 2 && e.subsets[0].notReadyAddresses?.length === 1 && e;
      },
      5000,
      "endpoints",
    );
    expect(ep.metadata.labels).toEqual({ tier: "front" });
    expect(ep.subsets[0].ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(ep.subsets[0].addresses.map((a: Obj) => a.targetRef.name)).toEqual(["a", "b"]);
    expect(ep.subsets[0].notReadyAddresses[0].targetRef).toMatchObject({
      kind: "Pod",
      name: "c",
      namespace: "eps",
    });
    const a = await pod("eps", "a");
    expect(ep.subsets[0].addresses[0]).toMatchObject({ ip: a.status.podIP, nodeName: a.spec.nodeName });

    const slices = (
      await get(
        "/apis/discovery.k8s.io/v1/namespaces/eps/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb",
      )
    ).items;
    expect(slices).toHaveLength(1);
    const slice = slices[0];
    expect(slice).toMatchObject({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      addressType: "IPv4",
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      metadata: {
        generateName: "web-",
        labels: {
          tier: "front",
          "kubernetes.io/service-name": "web",
          "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        },
        ownerReferences: [{ kind: "Service", name: "web", uid: svc.json.metadata.uid, controller: true }],
      },
    });
    const byPod = Object.fromEntries(slice.endpoints.map((e: Obj) => [e.targetRef.name, e.conditions.ready]));
    expect(byPod).toEqual({ a: true, b: true, c: false });
    expect(slice.endpoints[0].zone).toMatch(/^eu-west-1[abc]$/);

    // a pod going away leaves both
    await raw(c, sim.caPem, "DELETE", "/api/v1/namespaces/eps/pods/a");
    await waitFor(
      async () => {
        const e = await get("/api/v1/namespaces/eps/endpoints/web");
        return e.subsets?.[0]?.addresses?.length === 1 && e.subsets[0].addresses[0].targetRef.name === "b";
      },
      5000,
      "a removed",
    );
    await waitFor(
      async () => {
        const s = (await get("/apis/discovery.k8s.io/v1/namespaces/eps/endpointslices")).items[0];
        return s?.endpoints?.length === 2;
      },
      5000,
      "slice shrinks",
    );
    // deleting the Service deletes its Endpoints and slices
    await raw(c, sim.caPem, "DELETE", "/api/v1/namespaces/eps/services/web");
    await waitFor(
      async () => (await raw(c, sim.caPem, "GET", "/api/v1/namespaces/eps/endpoints/web")).status === 404,
      5000,
      "endpoints gone",
    );
    await waitFor(
      async () => (await get("/apis/discovery.k8s.io/v1/namespaces/eps/endpointslices")).items.length === 0,
      5000,
      "slices gone",
    );
  });

  it("runs cluster DNS: the coredns Deployment and the kube-dns Service on 10.96.0.10", async () => {
    const svc = await get("/api/v1/namespaces/kube-system/services/kube-dns");
    expect(svc.spec.clusterIP).toBe("10.96.0.10");
    expect(svc.spec.selector).toEqual({ "k8s-app": "kube-dns" });
    expect(svc.spec.ports.map((p: Obj) => `${p.name}:${p.port}/${p.protocol}`)).toEqual([
      "dns:53/UDP",
      "dns-tcp:53/TCP",
      "metrics:9153/TCP",
    ]);
    const dep = await waitFor(
      async () => {
        const d = await get("/apis/apps/v1/namespaces/kube-system/deployments/coredns");
        return d.status?.readyReplicas === 2 && d;
      },
      5000,
      "coredns ready",
    );
    expect(dep.spec.template.spec.containers[0].image).toBe("registry.k8s.io/coredns/coredns:v1.11.3");
    const pods = (await get("/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns")).items;
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.spec.nodeName).toBe("cpu-1"); // not the tainted GPU node, not the NotReady one
    const ep = await waitFor(
      async () => {
        const e = await get("/api/v1/namespaces/kube-system/endpoints/kube-dns");
        return e.subsets?.[0]?.addresses?.length === 2 && e;
      },
      5000,
      "kube-dns endpoints",
    );
    expect(ep.subsets[0].ports).toHaveLength(3);
    // kubectl get endpoints,endpointslices,leases print the server's table columns
    const table = async (path: string) =>
      (await raw(c, sim.caPem, "GET", path, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" })).json;
    const epRow = (await table("/api/v1/namespaces/kube-system/endpoints")).rows[0].cells;
    expect(epRow[0]).toBe("kube-dns");
    const [ip1, ip2] = ep.subsets[0].addresses.map((a: Obj) => a.ip);
    expect(epRow[1]).toBe(`${ip1}:53,${ip2}:53,${ip1}:53 + 3 more...`);
    const sliceTable = await table("/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices");
    expect(sliceTable.columnDefinitions.map((d: Obj) => d.name)).toEqual([
      "Name",
      "AddressType",
      "Ports",
      "Endpoints",
      "Age",
    ]);
    expect(sliceTable.rows[0].cells.slice(1, 3)).toEqual(["IPv4", "53,53,9153"]);
    const leaseRow = (await table("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases")).rows[0]
      .cells;
    expect(leaseRow.slice(0, 2)).toEqual(["cpu-1", "cpu-1"]);
    const log = await raw(
      c,
      sim.caPem,
      "GET",
      `/api/v1/namespaces/kube-system/pods/${pods[0].metadata.name}/log`,
    );
    expect(log.text).toContain("CoreDNS-1.11.3");
  });
});

describe("node leases and whoami", () => {
  it("each Ready node's kubelet renews its Lease in kube-node-lease", async () => {
    const list = (await get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases")).items as Obj[];
    expect(list.map((l) => l.metadata.name).sort()).toEqual(["cpu-1", "gpu-1"]); // down-1 is not Ready
    const lease = list.find((l) => l.metadata.name === "cpu-1")!;
    expect(lease.spec).toMatchObject({ holderIdentity: "cpu-1", leaseDurationSeconds: 40 });
    expect(lease.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const node = await get("/api/v1/nodes/cpu-1");
    expect(lease.metadata.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "Node", name: "cpu-1", uid: node.metadata.uid },
    ]);
    const renewed = await waitFor(
      async () => {
        const l = await get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/cpu-1");
        return l.spec.renewTime > lease.spec.renewTime && l;
      },
      3000,
      "renewal",
    );
    expect(Number(renewed.metadata.resourceVersion)).toBeGreaterThan(Number(lease.metadata.resourceVersion));
  });

  it("answers SelfSubjectReview (kubectl auth whoami) for the token's user", async () => {
    const admin = await post("/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
    });
    expect(admin.status).toBe(201);
    expect(admin.json).toMatchObject({
      kind: "SelfSubjectReview",
      apiVersion: "authentication.k8s.io/v1",
      status: {
        userInfo: {
          username: "kubernetes-admin",
          groups: ["system:masters", "system:authenticated"],
        },
      },
    });
    const token = c.issueToken({ user: "system:serviceaccount:kubebid-system:kubebid", rules: [] });
    const sa = await post("/apis/authentication.k8s.io/v1/selfsubjectreviews", {}, token);
    expect(sa.json.status.userInfo).toEqual({
      username: "system:serviceaccount:kubebid-system:kubebid",
      groups: ["system:serviceaccounts", "system:serviceaccounts:kubebid-system", "system:authenticated"],
    });
    const disc = await get("/apis/authentication.k8s.io/v1");
    expect(disc.resources.map((r: Obj) => r.name)).toContain("selfsubjectreviews");
  });
});
