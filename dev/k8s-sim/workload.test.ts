import { PassThrough } from "node:stream";
import { AppsV1Api, CoreV1Api, KubeConfig, Log, Metrics, type V1Deployment } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw, stream, waitFor } from "./test-helpers";

let sim: Simulator;
let c: SimCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let kc: KubeConfig;

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [
      {
        name: "w1",
        region: "us-east-2",
        nodes: [
          { name: "cpu-a", cpu: "4", memory: "16Gi" },
          { name: "cpu-b", cpu: "4", memory: "16Gi" },
          { name: "gpu-a", cpu: "8", memory: "64Gi", gpus: 2, gpuProduct: "NVIDIA-L4" },
        ],
      },
    ],
    podStartDelayMs: 60,
    tickMs: 20,
  });
  c = sim.cluster("w1");
  kc = new KubeConfig();
  kc.loadFromString(c.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
afterAll(async () => {
  await sim.stop();
});

function deployment(
  name: string,
  image: string,
  opts?: {
    replicas?: number;
    cpu?: string;
    memory?: string;
    gpu?: number;
    nodeSelector?: Record<string, string>;
  },
): V1Deployment {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (opts?.cpu) requests.cpu = opts.cpu;
  if (opts?.memory) {
    requests.memory = opts.memory;
    limits.memory = opts.memory;
  }
  if (opts?.gpu) limits["nvidia.com/gpu"] = String(opts.gpu);
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: opts?.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: "web" } },
        spec: {
          containers: [
            { name: "app", image, ports: [{ containerPort: 80 }], resources: { requests, limits } },
          ],
          ...(opts?.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
        },
      },
    },
  };
}

const events = async (namespace: string, name?: string) =>
  (
    await core.listNamespacedEvent({
      namespace,
      fieldSelector: name ? `involvedObject.name=${name}` : undefined,
    })
  ).items;

describe("deployments", () => {
  it("deployment → replicaset → pods Running, with events and status", async () => {
    await core.createNamespace({ body: { metadata: { name: "d1" } } });
    await apps.createNamespacedDeployment({
      namespace: "d1",
      body: deployment("web", "nginx:1.27", { replicas: 3, cpu: "250m", memory: "128Mi" }),
    });
    const d = await waitFor(
      async () => {
        const x = await apps.readNamespacedDeployment({ name: "web", namespace: "d1" });
        return x.status?.readyReplicas === 3 ? x : undefined;
      },
      5000,
      "3 ready replicas",
    );
    expect(d.status?.availableReplicas).toBe(3);
    expect(d.status?.conditions?.find((x) => x.type === "Available")?.status).toBe("True");
    expect(d.status?.conditions?.find((x) => x.type === "Progressing")?.reason).toBe(
      "NewReplicaSetAvailable",
    );
    const rss = await apps.listNamespacedReplicaSet({ namespace: "d1" });
    expect(rss.items).toHaveLength(1);
    const rs = rss.items[0]!;
    const hash = rs.metadata?.labels?.["pod-template-hash"];
    expect(rs.metadata?.name).toBe(`web-${hash}`);
    expect(rs.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Deployment",
      name: "web",
      controller: true,
    });
    const pods = await core.listNamespacedPod({ namespace: "d1", labelSelector: "app=web" });
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items) {
      expect(p.metadata?.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(p.metadata?.labels).toEqual({ app: "web", tier: "web", "pod-template-hash": hash });
      expect(p.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "ReplicaSet", name: rs.metadata?.name });
      expect(p.status?.phase).toBe("Running");
      expect(p.spec?.nodeName).toMatch(/^cpu-/); // GPU node kept free for GPU pods
      expect(p.status?.podIP).toMatch(/^10\.244\./);
      expect(p.status?.containerStatuses?.[0]).toMatchObject({
        ready: true,
        restartCount: 0,
        image: "docker.io/library/nginx:1.27",
      });
    }
    const evs = await events("d1", pods.items[0]!.metadata!.name);
    expect(evs.map((e) => e.reason)).toEqual(
      expect.arrayContaining(["Scheduled", "Pulling", "Pulled", "Created", "Started"]),
    );
    expect((await events("d1", "web")).map((e) => e.reason)).toContain("ScalingReplicaSet");
    // scale down
    await apps.patchNamespacedDeploymentScale({
      name: "web",
      namespace: "d1",
      body: [{ op: "replace", path: "/spec/replicas", value: 1 }],
    });
    await waitFor(
      async () => (await core.listNamespacedPod({ namespace: "d1" })).items.length === 1,
      3000,
      "scale down",
    );
    // deleting the deployment removes its replicasets and pods
    await apps.deleteNamespacedDeployment({ name: "web", namespace: "d1" });
    expect((await apps.listNamespacedReplicaSet({ namespace: "d1" })).items).toHaveLength(0);
    expect((await core.listNamespacedPod({ namespace: "d1" })).items).toHaveLength(0);
  });

  it("a template change rolls out a new replicaset", async () => {
    await core.createNamespace({ body: { metadata: { name: "d2" } } });
    await apps.createNamespacedDeployment({
      namespace: "d2",
      body: deployment("roll", "nginx:1.26", { replicas: 2 }),
    });
    await waitFor(
      async () =>
        (await apps.readNamespacedDeployment({ name: "roll", namespace: "d2" })).status?.readyReplicas === 2,
    );
    const d = await apps.readNamespacedDeployment({ name: "roll", namespace: "d2" });
    d.spec!.template.spec!.containers[0]!.image = "nginx:1.27";
    await apps.replaceNamespacedDeployment({ name: "roll", namespace: "d2", body: d });
    await waitFor(
      async () => {
        const pods = (await core.listNamespacedPod({ namespace: "d2" })).items;
        return (
          pods.length === 2 &&
          pods.every((p) => p.spec?.containers[0]?.image === "nginx:1.27" && p.status?.phase === "Running")
        );
      },
      5000,
      "rollout",
    );
    const rss = (await apps.listNamespacedReplicaSet({ namespace: "d2" })).items;
    expect(rss).toHaveLength(2);
    expect(rss.map((r) => r.spec?.replicas).sort()).toEqual([0, 2]);
    const dd = await apps.readNamespacedDeployment({ name: "roll", namespace: "d2" });
    expect(dd.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
  });
});

describe("scheduling, quota and limits", () => {
  it("unschedulable pods stay Pending with a FailedScheduling event", async () => {
    await core.createNamespace({ body: { metadata: { name: "s1" } } });
    await apps.createNamespacedDeployment({
      namespace: "s1",
      body: deployment("big", "nginx", { cpu: "64" }),
    });
    const pod = await waitFor(
      async () => {
        const p = (await core.listNamespacedPod({ namespace: "s1" })).items[0];
        return p?.status?.conditions?.find((x) => x.type === "PodScheduled" && x.status === "False")
          ? p
          : undefined;
      },
      3000,
      "unschedulable condition",
    );
    expect(pod.status?.phase).toBe("Pending");
    const ev = await waitFor(async () =>
      (await events("s1", pod.metadata!.name)).find((e) => e.reason === "FailedScheduling"),
    );
    expect(ev.type).toBe("Warning");
    expect(ev.message).toMatch(/^0\/3 nodes are available: 3 Insufficient cpu\./);
    // GPU request beyond any node
    await apps.createNamespacedDeployment({
      namespace: "s1",
      body: deployment("gpus", "trainer:1", { gpu: 4 }),
    });
    const ev2 = await waitFor(async () =>
      (await events("s1")).find(
        (e) => e.reason === "FailedScheduling" && e.message?.includes("nvidia.com/gpu"),
      ),
    );
    expect(ev2.message).toContain("3 Insufficient nvidia.com/gpu");
    // a GPU pod that fits goes to the GPU node; node selector is honoured
    await apps.createNamespacedDeployment({
      namespace: "s1",
      body: deployment("gpu1", "trainer:1", {
        gpu: 1,
        nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-L4" },
      }),
    });
    const p = await waitFor(async () =>
      (await core.listNamespacedPod({ namespace: "s1", labelSelector: "app=gpu1" })).items.find(
        (x) => x.status?.phase === "Running",
      ),
    );
    expect(p.spec?.nodeName).toBe("gpu-a");
    await apps.createNamespacedDeployment({
      namespace: "s1",
      body: deployment("nosel", "nginx", { nodeSelector: { pool: "none" } }),
    });
    const ev3 = await waitFor(async () =>
      (await events("s1")).find(
        (e) => e.reason === "FailedScheduling" && e.message?.includes("node affinity"),
      ),
    );
    expect(ev3.message).toContain("3 node(s) didn't match Pod's node affinity/selector");
  });

  it("ResourceQuota refuses pods over it (403) and reports FailedCreate; status.used is maintained", async () => {
    await core.createNamespace({ body: { metadata: { name: "q1" } } });
    await core.createNamespacedResourceQuota({
      namespace: "q1",
      body: {
        metadata: { name: "lease-quota" },
        spec: { hard: { "requests.cpu": "1", "requests.memory": "1Gi", pods: "3" } },
      },
    });
    const direct = await raw(c, sim.caPem, "POST", "/api/v1/namespaces/q1/pods", {
      body: {
        metadata: { name: "toobig" },
        spec: {
          containers: [{ name: "a", image: "nginx", resources: { requests: { cpu: "2", memory: "100Mi" } } }],
        },
      },
    });
    expect(direct.status).toBe(403);
    expect(direct.json.reason).toBe("Forbidden");
    expect(direct.json.message).toBe(
      'pods "toobig" is forbidden: exceeded quota: lease-quota, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1',
    );
    const nores = await raw(c, sim.caPem, "POST", "/api/v1/namespaces/q1/pods", {
      body: { metadata: { name: "nores" }, spec: { containers: [{ name: "a", image: "nginx" }] } },
    });
    expect(nores.status).toBe(403);
    expect(nores.json.message).toContain("failed quota: lease-quota: must specify");
    await apps.createNamespacedDeployment({
      namespace: "q1",
      body: deployment("q", "nginx", { replicas: 3, cpu: "400m", memory: "128Mi" }),
    });
    const ev = await waitFor(
      async () => (await events("q1")).find((e) => e.reason === "FailedCreate"),
      4000,
      "FailedCreate",
    );
    expect(ev.involvedObject.kind).toBe("ReplicaSet");
    expect(ev.message).toMatch(
      /^Error creating: pods "q-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: lease-quota, requested: requests.cpu=400m, used: requests.cpu=800m, limited: requests.cpu=1$/,
    );
    expect((await core.listNamespacedPod({ namespace: "q1" })).items).toHaveLength(2);
    const q = await waitFor(async () => {
      const x = await core.readNamespacedResourceQuota({ name: "lease-quota", namespace: "q1" });
      return x.status?.used?.["requests.cpu"] === "800m" ? x : undefined;
    });
    expect(q.status?.used).toEqual({ "requests.cpu": "800m", "requests.memory": "256Mi", pods: "2" });
    expect(q.status?.hard).toEqual({ "requests.cpu": "1", "requests.memory": "1Gi", pods: "3" });
  });

  it("LimitRange defaults are applied to containers without requests/limits", async () => {
    await core.createNamespace({ body: { metadata: { name: "l1" } } });
    await core.createNamespacedLimitRange({
      namespace: "l1",
      body: {
        metadata: { name: "defaults" },
        spec: {
          limits: [
            {
              type: "Container",
              _default: { cpu: "500m", memory: "256Mi" },
              defaultRequest: { cpu: "100m", memory: "128Mi" },
              max: { cpu: "2" },
            },
          ],
        },
      },
    });
    const p = await core.createNamespacedPod({
      namespace: "l1",
      body: { metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "nginx" }] } },
    });
    expect(p.spec?.containers[0]?.resources).toEqual({
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
    expect(p.metadata?.annotations?.["kubernetes.io/limit-ranger"]).toContain("LimitRanger plugin set");
    expect(p.status?.qosClass).toBe("Burstable");
    const over = await raw(c, sim.caPem, "POST", "/api/v1/namespaces/l1/pods", {
      body: {
        metadata: { name: "over" },
        spec: { containers: [{ name: "a", image: "nginx", resources: { limits: { cpu: "3" } } }] },
      },
    });
    expect(over.status).toBe(403);
    expect(over.json.message).toContain("maximum cpu usage per Container is 2, but limit is 3");
  });

  it("Pod Security restricted namespaces reject non-conforming pods", async () => {
    await core.createNamespace({
      body: { metadata: { name: "psa", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
    });
    const bad = await raw(c, sim.caPem, "POST", "/api/v1/namespaces/psa/pods", {
      body: { metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "nginx" }] } },
    });
    expect(bad.status).toBe(403);
    expect(bad.json.message).toContain(
      'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
    );
    const good = await raw(c, sim.caPem, "POST", "/api/v1/namespaces/psa/pods", {
      body: {
        metadata: { name: "ok" },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "a",
              image: "nginx",
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    });
    expect(good.status).toBe(201);
  });
});

describe("image conventions", () => {
  it("crashloop images restart with CrashLoopBackOff and BackOff events", async () => {
    await core.createNamespace({ body: { metadata: { name: "i1" } } });
    await apps.createNamespacedDeployment({
      namespace: "i1",
      body: deployment("crash", "example/crashloop:1"),
    });
    const p = await waitFor(
      async () => {
        const x = (await core.listNamespacedPod({ namespace: "i1" })).items[0];
        const cs = x?.status?.containerStatuses?.[0];
        return cs && cs.restartCount >= 2 && cs.state?.waiting?.reason === "CrashLoopBackOff" ? x : undefined;
      },
      8000,
      "CrashLoopBackOff with restarts",
    );
    expect(p.status?.phase).toBe("Running");
    expect(p.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: "Error",
    });
    const evs = await events("i1", p.metadata!.name);
    expect(evs.find((e) => e.reason === "BackOff")?.message).toContain(
      "Back-off restarting failed container app",
    );
    // Between back-offs the container runs for a moment (and is ready): wait for a back-off.
    const d = await waitFor(
      async () => {
        const x = await apps.readNamespacedDeployment({ name: "crash", namespace: "i1" });
        return x.status?.conditions?.find((y) => y.type === "Available")?.status === "False" ? x : undefined;
      },
      5000,
      "Available=False",
    );
    expect(d.status?.readyReplicas ?? 0).toBe(0);
    const prev = await raw(
      c,
      sim.caPem,
      "GET",
      `/api/v1/namespaces/i1/pods/${p.metadata!.name}/log?previous=true`,
    );
    expect(prev.text).toContain("panic:");
  });

  it("memhog images are OOMKilled (exit 137) at their memory limit; previous logs only after a restart", async () => {
    await core.createNamespace({ body: { metadata: { name: "i1m" } } });
    await apps.createNamespacedDeployment({
      namespace: "i1m",
      body: deployment("hog", "ghcr.io/acme/memhog:1", { memory: "64Mi" }),
    });
    const p = await waitFor(
      async () => {
        const x = (await core.listNamespacedPod({ namespace: "i1m" })).items[0];
        const cs = x?.status?.containerStatuses?.[0];
        return cs && cs.restartCount >= 1 && cs.state?.waiting?.reason === "CrashLoopBackOff" ? x : undefined;
      },
      8000,
      "OOMKilled into CrashLoopBackOff",
    );
    expect(p.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 137,
      reason: "OOMKilled",
    });
    const path = `/api/v1/namespaces/i1m/pods/${p.metadata!.name}/log?previous=true`;
    expect((await raw(c, sim.caPem, "GET", path)).status).toBe(200);

    // A container that never restarted has no previous instance: kube-apiserver relays the kubelet's
    // 400 (validateContainerLogStatus, pkg/kubelet/kubelet_pods.go).
    await core.createNamespace({ body: { metadata: { name: "i1p" } } });
    await apps.createNamespacedDeployment({ namespace: "i1p", body: deployment("fine", "nginx:1.27") });
    const fine = await waitFor(
      async () => {
        const x = (await core.listNamespacedPod({ namespace: "i1p" })).items[0];
        return x?.status?.containerStatuses?.[0]?.state?.running ? x : undefined;
      },
      5000,
      "nginx running",
    );
    const none = await raw(
      c,
      sim.caPem,
      "GET",
      `/api/v1/namespaces/i1p/pods/${fine.metadata!.name}/log?previous=true`,
    );
    expect(none.status).toBe(400);
    expect(none.json.message).toBe(
      `previous terminated container "app" in pod "${fine.metadata!.name}" not found`,
    );
  });

  it("pullerror / doesnotexist images go ErrImagePull → ImagePullBackOff", async () => {
    await core.createNamespace({ body: { metadata: { name: "i2" } } });
    await apps.createNamespacedDeployment({
      namespace: "i2",
      body: deployment("pull", "registry.example.com/doesnotexist:9"),
    });
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const x = (await core.listNamespacedPod({ namespace: "i2" })).items[0];
        const r = x?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
        if (r) seen.add(r);
        return seen.has("ErrImagePull") && seen.has("ImagePullBackOff");
      },
      5000,
      "ErrImagePull then ImagePullBackOff",
    );
    const p = (await core.listNamespacedPod({ namespace: "i2" })).items[0]!;
    expect(p.status?.phase).toBe("Pending");
    const evs = await events("i2", p.metadata!.name);
    expect(
      evs.some(
        (e) =>
          e.reason === "Failed" &&
          e.message?.startsWith('Failed to pull image "registry.example.com/doesnotexist:9"'),
      ),
    ).toBe(true);
    const logs = await raw(c, sim.caPem, "GET", `/api/v1/namespaces/i2/pods/${p.metadata!.name}/log`);
    expect(logs.status).toBe(400);
    expect(logs.json.message).toContain("is waiting to start");
  });
});

describe("logs and metrics", () => {
  it("serves logs with tailLines, timestamps, container and follow", async () => {
    await core.createNamespace({ body: { metadata: { name: "lg" } } });
    const pod = await core.createNamespacedPod({
      namespace: "lg",
      body: {
        metadata: { name: "two" },
        spec: {
          containers: [
            { name: "web", image: "nginx" },
            { name: "side", image: "ghcr.io/acme/agent:2" },
          ],
        },
      },
    });
    await waitFor(
      async () =>
        (await core.readNamespacedPod({ name: "two", namespace: "lg" })).status?.phase === "Running",
    );
    expect(pod.metadata?.name).toBe("two");
    const noContainer = await raw(c, sim.caPem, "GET", "/api/v1/namespaces/lg/pods/two/log");
    expect(noContainer.status).toBe(400);
    expect(noContainer.json.message).toBe(
      "a container name must be specified for pod two, choose one of: [web side]",
    );
    await waitFor(
      async () =>
        (await raw(c, sim.caPem, "GET", "/api/v1/namespaces/lg/pods/two/log?container=web")).text.split("\n")
          .length > 6,
      5000,
      "log lines",
    );
    const tail = await raw(
      c,
      sim.caPem,
      "GET",
      "/api/v1/namespaces/lg/pods/two/log?container=web&tailLines=2&timestamps=true",
    );
    const lines = tail.text.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S/);
    expect(tail.headers["content-type"]).toBe("text/plain");
    const side = await core.readNamespacedPodLog({
      name: "two",
      namespace: "lg",
      container: "side",
      tailLines: 1,
    });
    expect(side.split("\n").filter(Boolean)).toHaveLength(1);
    // follow: the stream keeps delivering new lines
    const f = stream(
      c,
      sim.caPem,
      "/api/v1/namespaces/lg/pods/two/log?container=web&follow=true&tailLines=0",
    );
    await waitFor(() => f.lines.length >= 1, 4000, "followed lines");
    expect(f.ended).toBe(false);
    f.stop();
    // the client-node Log helper
    const out = new PassThrough();
    out.on("error", () => {});
    let text = "";
    out.on("data", (d: Buffer) => {
      text += d.toString();
    });
    const ctl = await new Log(kc).log("lg", "two", "web", out, { follow: true, tailLines: 1 });
    await waitFor(() => text.split("\n").length >= 2, 4000, "client-node follow");
    // (AbortController.abort() on a client-node Log stream raises an unhandled AbortError in client-node 2.0.1;
    //  the server ending the stream is clean, so the pod deletion below ends it.)
    expect(ctl).toBeInstanceOf(AbortController);
    // deleting the pod ends a follow stream
    const f2 = stream(c, sim.caPem, "/api/v1/namespaces/lg/pods/two/log?container=web&follow=true");
    await waitFor(() => f2.lines.length > 0);
    await core.deleteNamespacedPod({ name: "two", namespace: "lg" });
    await waitFor(() => f2.ended, 2000, "follow ends on delete");
    await waitFor(() => out.readableEnded || out.writableFinished, 2000, "client-node follow ends on delete");
  });

  it("serves metrics.k8s.io pod and node metrics inside limits", async () => {
    await core.createNamespace({ body: { metadata: { name: "m1" } } });
    await apps.createNamespacedDeployment({
      namespace: "m1",
      body: deployment("m", "nginx", { replicas: 2, cpu: "500m", memory: "256Mi" }),
    });
    await waitFor(
      async () =>
        (await apps.readNamespacedDeployment({ name: "m", namespace: "m1" })).status?.readyReplicas === 2,
    );
    const before = c.stats.metricsRequests;
    const metrics = new Metrics(kc);
    const pm = await metrics.getPodMetrics("m1");
    expect(pm.items).toHaveLength(2);
    for (const it of pm.items) {
      const u = it.containers[0]!.usage;
      const cpuN = Number(u.cpu.replace(/n$/, ""));
      const memKi = Number(u.memory.replace(/Ki$/, ""));
      expect(cpuN).toBeGreaterThan(0.05 * 0.5e9);
      expect(cpuN).toBeLessThanOrEqual(0.7 * 0.5e9 + 1);
      expect(memKi * 1024).toBeGreaterThan(1024 * 1024);
      expect(memKi * 1024).toBeLessThanOrEqual(256 * 1024 * 1024);
    }
    const nm = await metrics.getNodeMetrics();
    expect(nm.items.map((n) => n.metadata.name).sort()).toEqual(["cpu-a", "cpu-b", "gpu-a"]);
    expect(c.stats.metricsRequests).toBe(before + 2);
    const one = await raw(
      c,
      sim.caPem,
      "GET",
      `/apis/metrics.k8s.io/v1beta1/namespaces/m1/pods/${pm.items[0]!.metadata.name}`,
    );
    expect(one.json.kind).toBe("PodMetrics");
    expect(
      (await raw(c, sim.caPem, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/m1/pods/nope")).status,
    ).toBe(404);
  });
});
