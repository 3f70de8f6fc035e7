import type { KubernetesObject } from "@kubernetes/client-node";
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from "@kubernetes/client-node";
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
        name: "t1",
        region: "eu-central-1",
        nodes: [
          { name: "n1", cpu: "4", memory: "16Gi" },
          { name: "n2", cpu: "8", memory: "32Gi", gpus: 2, gpuProduct: "NVIDIA-L4", labels: { pool: "gpu" } },
        ],
      },
      { name: "t2", nodes: [{ name: "m1", cpu: "2", memory: "4Gi" }], metricsApi: false, version: "v1.30.4" },
    ],
    podStartDelayMs: 60,
    tickMs: 20,
  });
  c = sim.cluster("t1");
  kc = new KubeConfig();
  kc.loadFromString(c.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
afterAll(async () => {
  await sim.stop();
});

const ns = (name: string) => core.createNamespace({ body: { metadata: { name } } });

describe("discovery and auth", () => {
  it("serves /version, /api, /apis and group versions", async () => {
    const v = await raw(c, sim.caPem, "GET", "/version");
    expect(v.json.gitVersion).toBe("v1.31.2");
    expect((await raw(sim.cluster("t2"), sim.caPem, "GET", "/version")).json.gitVersion).toBe("v1.30.4");
    const api = await raw(c, sim.caPem, "GET", "/api", {
      accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
    });
    expect(api.headers["content-type"]).toBe("application/json");
    expect(api.json.versions).toEqual(["v1"]);
    const apis = await raw(c, sim.caPem, "GET", "/apis");
    const names = apis.json.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(
      expect.arrayContaining(["apps", "networking.k8s.io", "authorization.k8s.io", "metrics.k8s.io"]),
    );
    const t2apis = await raw(sim.cluster("t2"), sim.caPem, "GET", "/apis");
    expect(t2apis.json.groups.map((g: { name: string }) => g.name)).not.toContain("metrics.k8s.io");
    const v1 = await raw(c, sim.caPem, "GET", "/api/v1");
    const pods = v1.json.resources.find((r: { name: string }) => r.name === "pods");
    expect(pods).toMatchObject({ kind: "Pod", namespaced: true, shortNames: ["po"] });
    expect(v1.json.resources.map((r: { name: string }) => r.name)).toContain("pods/log");
    const appsV1 = await raw(c, sim.caPem, "GET", "/apis/apps/v1");
    expect(appsV1.json.resources.map((r: { name: string }) => r.name)).toContain("deployments");
    expect((await raw(c, sim.caPem, "GET", "/openapi/v2")).json.swagger).toBe("2.0");
    expect((await raw(c, sim.caPem, "GET", "/openapi/v3/apis/widgets.example.com/v1")).status).toBe(404);
    expect((await raw(c, sim.caPem, "GET", "/api/v1/widgets")).status).toBe(404);
  });

  it("401 without or with an unknown token", async () => {
    const a = await raw(c, sim.caPem, "GET", "/api/v1/nodes", { token: null });
    expect(a.status).toBe(401);
    expect(a.json).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    expect((await raw(c, sim.caPem, "GET", "/api/v1/nodes", { token: "nope" })).status).toBe(401);
    // a token of another cluster is unknown here
    expect((await raw(c, sim.caPem, "GET", "/version", { token: sim.cluster("t2").adminToken })).status).toBe(
      401,
    );
  });

  it("limited tokens get 403 outside their rules; SSAR answers per rules", async () => {
    await ns("limited");
    const token = c.issueToken({
      user: "system:serviceaccount:kubebid:reader",
      rules: [
        { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["nodes"] },
        { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"], namespaces: ["limited"] },
      ],
    });
    const lkc = new KubeConfig();
    lkc.loadFromString(c.kubeconfig({ token }));
    const lcore = lkc.makeApiClient(CoreV1Api);
    const nodes = await lcore.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(["n1", "n2"]);
    expect((await lcore.listNamespacedPod({ namespace: "limited" })).items).toEqual([]);
    const denied = await raw(c, sim.caPem, "GET", "/api/v1/namespaces/x/pods", { token });
    expect(denied.status).toBe(403);
    expect(denied.json.reason).toBe("Forbidden");
    expect(denied.json.message).toBe(
      'pods is forbidden: User "system:serviceaccount:kubebid:reader" cannot list resource "pods" in API group "" in the namespace "x"',
    );
    const denied2 = await raw(c, sim.caPem, "GET", "/apis/apps/v1/namespaces/limited/deployments/web", {
      token,
    });
    expect(denied2.json.message).toBe(
      'deployments.apps "web" is forbidden: User "system:serviceaccount:kubebid:reader" cannot get resource "deployments" in API group "apps" in the namespace "limited"',
    );
    const clusterScoped = await raw(c, sim.caPem, "GET", "/api/v1/pods", { token });
    expect(clusterScoped.json.message).toContain("at the cluster scope");
    await expect(lcore.createNamespace({ body: { metadata: { name: "nope" } } })).rejects.toMatchObject({
      code: 403,
    });
    const ssar = async (resourceAttributes: Record<string, string>) =>
      (
        await raw(c, sim.caPem, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
          token,
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: { resourceAttributes },
          },
        })
      ).json.status.allowed;
    expect(await ssar({ verb: "list", resource: "nodes" })).toBe(true);
    expect(await ssar({ verb: "create", resource: "nodes" })).toBe(false);
    expect(await ssar({ verb: "get", resource: "pods", subresource: "log", namespace: "limited" })).toBe(
      true,
    );
    expect(await ssar({ verb: "get", resource: "pods", namespace: "other" })).toBe(false);
    expect(await ssar({ verb: "create", group: "apps", resource: "deployments", namespace: "limited" })).toBe(
      false,
    );
    const admin = await raw(c, sim.caPem, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      body: {
        spec: {
          resourceAttributes: { verb: "create", group: "apps", resource: "deployments", namespace: "z" },
        },
      },
    });
    expect(admin.status).toBe(201);
    expect(admin.json.status.allowed).toBe(true);
  });
});

describe("CRUD", () => {
  it("creates, gets, lists, updates with resourceVersion conflicts, and deletes", async () => {
    await ns("crud");
    const cm = await core.createNamespacedConfigMap({
      namespace: "crud",
      body: { metadata: { name: "a", labels: { app: "x" } }, data: { k: "v" } },
    });
    expect(cm.metadata?.uid).toMatch(/[0-9a-f-]{36}/);
    expect(cm.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const rv1 = Number(cm.metadata?.resourceVersion);
    await expect(
      core.createNamespacedConfigMap({ namespace: "crud", body: { metadata: { name: "a" } } }),
    ).rejects.toMatchObject({ code: 409 });
    const dup = await raw(c, sim.caPem, "POST", "/api/v1/namespaces/crud/configmaps", {
      body: { metadata: { name: "a" } },
    });
    expect(dup.json).toMatchObject({
      reason: "AlreadyExists",
      code: 409,
      message: 'configmaps "a" already exists',
    });
    const got = await core.readNamespacedConfigMap({ name: "a", namespace: "crud" });
    expect(got.data).toEqual({ k: "v" });
    const upd = await core.replaceNamespacedConfigMap({
      name: "a",
      namespace: "crud",
      body: { ...got, data: { k: "v2" } },
    });
    expect(Number(upd.metadata?.resourceVersion)).toBeGreaterThan(rv1);
    // stale resourceVersion → 409 Conflict
    const stale = await raw(c, sim.caPem, "PUT", "/api/v1/namespaces/crud/configmaps/a", {
      body: { metadata: { name: "a", resourceVersion: String(rv1) }, data: { k: "v3" } },
    });
    expect(stale.status).toBe(409);
    expect(stale.json.reason).toBe("Conflict");
    expect(stale.json.message).toContain("the object has been modified");
    const list = await raw(c, sim.caPem, "GET", "/api/v1/namespaces/crud/configmaps");
    expect(list.json.kind).toBe("ConfigMapList");
    expect(Number(list.json.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(upd.metadata?.resourceVersion),
    );
    await core.deleteNamespacedConfigMap({ name: "a", namespace: "crud" });
    await expect(core.readNamespacedConfigMap({ name: "a", namespace: "crud" })).rejects.toMatchObject({
      code: 404,
    });
    const nf = await raw(c, sim.caPem, "GET", "/api/v1/namespaces/crud/configmaps/a");
    expect(nf.json).toMatchObject({
      kind: "Status",
      reason: "NotFound",
      code: 404,
      message: 'configmaps "a" not found',
    });
    expect(
      (
        await raw(c, sim.caPem, "POST", "/api/v1/namespaces/missing/configmaps", {
          body: { metadata: { name: "a" } },
        })
      ).status,
    ).toBe(404);
    expect((await raw(c, sim.caPem, "PUT", "/api/v1/namespaces/crud/configmaps", { body: {} })).status).toBe(
      405,
    );
  });

  it("rejects invalid objects with 422", async () => {
    const bad = await raw(c, sim.caPem, "POST", "/api/v1/namespaces", {
      body: { metadata: { name: "Bad_Name" } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.reason).toBe("Invalid");
    const dep = await raw(c, sim.caPem, "POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: {
        metadata: { name: "d" },
        spec: {
          selector: { matchLabels: { app: "a" } },
          template: {
            metadata: { labels: { app: "b" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      },
    });
    expect(dep.status).toBe(422);
    expect(dep.json.details.causes[0].field).toBe("spec.template.metadata.labels");
  });

  it("filters by label and field selectors", async () => {
    await ns("sel");
    for (const [name, labels] of [
      ["a", { tier: "web", env: "prod" }],
      ["b", { tier: "web", env: "dev" }],
      ["c", { tier: "db" }],
    ] as const)
      await core.createNamespacedConfigMap({ namespace: "sel", body: { metadata: { name, labels } } });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedConfigMap({ namespace: "sel", labelSelector, fieldSelector })).items.map(
        (i) => i.metadata?.name,
      );
    expect(await names("tier=web")).toEqual(["a", "b"]);
    expect(await names("tier==web,env!=prod")).toEqual(["b"]);
    expect(await names("env in (prod,dev)")).toEqual(["a", "b"]);
    expect(await names("env notin (prod)")).toEqual(["b", "c"]);
    expect(await names("env")).toEqual(["a", "b"]);
    expect(await names("!env")).toEqual(["c"]);
    expect(await names(undefined, "metadata.name=c")).toEqual(["c"]);
    expect(await names(undefined, "metadata.name!=c")).toEqual(["a", "b"]);
    const all = await raw(c, sim.caPem, "GET", "/api/v1/configmaps?fieldSelector=metadata.namespace%3Dsel");
    expect(all.json.items).toHaveLength(3);
    expect((await raw(c, sim.caPem, "GET", "/api/v1/configmaps?labelSelector=a%20b%20c")).status).toBe(400);
  });

  it("patches: merge, strategic, json-patch and server-side apply", async () => {
    await ns("patch");
    const dep = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "p", namespace: "patch", labels: { a: "1" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "p" } },
        template: {
          metadata: { labels: { app: "p" } },
          spec: {
            containers: [
              { name: "c", image: "nginx:1.27", env: [{ name: "A", value: "1" }] },
              { name: "side", image: "busybox" },
            ],
          },
        },
      },
    };
    await apps.createNamespacedDeployment({ namespace: "patch", body: dep });
    const merged = await apps.patchNamespacedDeployment(
      { name: "p", namespace: "patch", body: { metadata: { labels: { b: "2", a: null } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ b: "2" });
    const smp = await apps.patchNamespacedDeployment(
      {
        name: "p",
        namespace: "patch",
        body: { spec: { template: { spec: { containers: [{ name: "c", image: "nginx:1.28" }] } } } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    const cs = smp.spec?.template.spec?.containers ?? [];
    expect(cs.map((x) => `${x.name}=${x.image}`)).toEqual(["c=nginx:1.28", "side=busybox"]);
    expect(cs[0]?.env).toEqual([{ name: "A", value: "1" }]);
    expect(smp.metadata?.generation).toBe(3 - 1); // label patch does not bump generation; the template change does
    const jp = await apps.patchNamespacedDeployment(
      {
        name: "p",
        namespace: "patch",
        body: [
          { op: "replace", path: "/spec/replicas", value: 3 },
          { op: "add", path: "/metadata/annotations", value: { x: "y" } },
        ],
      },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    );
    expect(jp.spec?.replicas).toBe(3);
    expect(jp.metadata?.annotations?.x).toBe("y");
    // json-patch test op failure → 422
    const failed = await raw(c, sim.caPem, "PATCH", "/apis/apps/v1/namespaces/patch/deployments/p", {
      body: [{ op: "test", path: "/spec/replicas", value: 9 }],
      contentType: "application/json-patch+json",
    });
    expect(failed.status).toBe(422);
    // server-side apply: YAML body, create-or-merge
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: patch\ndata:\n  a: "1"\n`;
    const noFm = await raw(c, sim.caPem, "PATCH", "/api/v1/namespaces/patch/configmaps/applied", {
      body: yaml,
      contentType: "application/apply-patch+yaml",
    });
    expect(noFm.status).toBe(422);
    const created = await raw(
      c,
      sim.caPem,
      "PATCH",
      "/api/v1/namespaces/patch/configmaps/applied?fieldManager=kubebid&force=true",
      {
        body: yaml,
        contentType: "application/apply-patch+yaml",
      },
    );
    expect(created.status).toBe(201);
    const again = await raw(
      c,
      sim.caPem,
      "PATCH",
      "/api/v1/namespaces/patch/configmaps/applied?fieldManager=kubebid&force=true",
      {
        body: yaml,
        contentType: "application/apply-patch+yaml",
      },
    );
    expect(again.status).toBe(200);
    expect(again.json.metadata.resourceVersion).toBe(created.json.metadata.resourceVersion); // idempotent: no write
    const upd = await raw(
      c,
      sim.caPem,
      "PATCH",
      "/api/v1/namespaces/patch/configmaps/applied?fieldManager=kubebid&force=true",
      {
        body: JSON.stringify({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "applied" },
          data: { b: "2" },
        }),
        contentType: "application/apply-patch+yaml",
      },
    );
    expect(upd.json.data).toEqual({ a: "1", b: "2" });
    // a 404 for a non-apply patch of a missing object
    const missing = await raw(c, sim.caPem, "PATCH", "/api/v1/namespaces/patch/configmaps/nope", {
      body: {},
      contentType: "application/merge-patch+json",
    });
    expect(missing.status).toBe(404);
  });
});

describe("KubernetesObjectApi (generic client)", () => {
  it("creates, reads, patches (server-side apply) and deletes through discovery", async () => {
    const client = KubernetesObjectApi.makeApiClient(kc);
    await ns("generic");
    const spec: KubernetesObject & { spec: unknown } = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "isolate", namespace: "generic" },
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
    };
    const created = await client.create(spec);
    expect(created.metadata?.uid).toBeTruthy();
    const read = await client.read({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "isolate", namespace: "generic" },
    });
    expect(read.metadata?.name).toBe("isolate");
    const applied = await client.patch(
      { ...spec, metadata: { ...spec.metadata, labels: { managed: "kubebid" } } },
      undefined,
      undefined,
      "kubebid",
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.metadata?.labels).toEqual({ managed: "kubebid" });
    const quota: KubernetesObject = await client.patch(
      {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "q", namespace: "generic" },
        spec: { hard: { "requests.cpu": "2" } },
      },
      undefined,
      undefined,
      "kubebid",
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(quota.metadata?.uid).toBeTruthy();
    const list = await client.list("networking.k8s.io/v1", "NetworkPolicy", "generic");
    expect(list.items).toHaveLength(1);
    await client.delete({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "isolate", namespace: "generic" },
    });
    await expect(
      client.read({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "isolate", namespace: "generic" },
      }),
    ).rejects.toMatchObject({ code: 404 });
  });
});

describe("watch", () => {
  it("streams ADDED/MODIFIED/DELETED, honours resourceVersion, selectors and timeoutSeconds", async () => {
    await ns("w");
    const start = await core.listNamespacedConfigMap({ namespace: "w" });
    const rv = start.metadata?.resourceVersion ?? "0";
    const s = stream(
      c,
      sim.caPem,
      `/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}&labelSelector=app%3Dw`,
    );
    await new Promise((r) => setTimeout(r, 100));
    await core.createNamespacedConfigMap({
      namespace: "w",
      body: { metadata: { name: "x", labels: { app: "w" } } },
    });
    await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "ignored" } } });
    await core.patchNamespacedConfigMap(
      { name: "x", namespace: "w", body: { data: { a: "b" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: "x", namespace: "w" });
    await waitFor(() => s.lines.length >= 3, 3000, "3 watch events");
    const evs = s.lines.map((l) => JSON.parse(l));
    expect(evs.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual([
      "ADDED:x",
      "MODIFIED:x",
      "DELETED:x",
    ]);
    expect(Number(evs[1].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(evs[0].object.metadata.resourceVersion),
    );
    s.stop();
    // replay from a resourceVersion
    const replay = stream(
      c,
      sim.caPem,
      `/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`,
    );
    await waitFor(() => replay.ended, 3000, "watch timeout");
    expect(replay.lines.map((l) => JSON.parse(l).type)).toEqual(["ADDED", "ADDED", "MODIFIED", "DELETED"]);
    // without resourceVersion: synthetic ADDED for existing objects
    const initial = stream(c, sim.caPem, "/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=1");
    await waitFor(() => initial.ended, 3000, "watch timeout");
    expect(initial.lines.map((l) => `${JSON.parse(l).type}:${JSON.parse(l).object.metadata.name}`)).toEqual([
      "ADDED:ignored",
    ]);
  });

  it("works with the client-node Watch", async () => {
    await ns("w2");
    const seen: string[] = [];
    const w = new Watch(kc);
    const ctl = await w.watch(
      "/api/v1/namespaces/w2/pods",
      {},
      (type, obj) => seen.push(`${type}:${obj.metadata.name}`),
      () => {},
    );
    await core.createNamespacedPod({
      namespace: "w2",
      body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "nginx" }] } },
    });
    await waitFor(
      () => seen.includes("ADDED:p") && seen.filter((s) => s === "MODIFIED:p").length >= 2,
      3000,
      "pod watch events",
    );
    ctl.abort();
  });
});

describe("cluster lifecycle", () => {
  it("stops and restarts on the same port with state kept; latency is added", async () => {
    const t2 = sim.cluster("t2");
    await raw(t2, sim.caPem, "POST", "/api/v1/namespaces", { body: { metadata: { name: "keep" } } });
    const port = t2.port;
    await t2.stop();
    await expect(raw(t2, sim.caPem, "GET", "/version")).rejects.toThrow(/ECONNREFUSED/);
    await t2.start();
    expect(t2.port).toBe(port);
    expect((await raw(t2, sim.caPem, "GET", "/api/v1/namespaces/keep")).status).toBe(200);
    t2.setLatency(150);
    const t0 = Date.now();
    await raw(t2, sim.caPem, "GET", "/version");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    t2.setLatency(0);
    expect(t2.stats.requests).toBeGreaterThan(0);
    expect(t2.stats.byPath.get("/api/v1/namespaces/keep")).toBe(1);
  });

  it("deleting a namespace removes its contents", async () => {
    await ns("gone");
    await core.createNamespacedConfigMap({ namespace: "gone", body: { metadata: { name: "x" } } });
    const del = await raw(c, sim.caPem, "DELETE", "/api/v1/namespaces/gone");
    expect(del.json.status.phase).toBe("Terminating");
    await waitFor(
      async () => (await raw(c, sim.caPem, "GET", "/api/v1/namespaces/gone")).status === 404,
      2000,
      "namespace gone",
    );
    expect((await raw(c, sim.caPem, "GET", "/api/v1/namespaces/gone/configmaps/x")).status).toBe(404);
  });
});
