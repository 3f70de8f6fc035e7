import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import type { ClusterClient } from "./cluster-client";
import { type ProbeCheck, probeCluster, runProbe } from "./probe-cluster";
import { EXCESS_CHECKS } from "./probe-least-privilege";
import { REQUIRED_PERMISSIONS } from "./required-permissions";
import { simClient } from "./sim-test-client";

let sim: Simulator;
const clients: ClusterClient[] = [];
const client = (...args: Parameters<typeof simClient>) => {
  const c = simClient(...args);
  clients.push(c);
  return c;
};
/** KubeBid's token on each cluster, from the generated RBAC (the provider's setup). */
const tokens = new Map<string, string>();

/** The provider's kubectl: the cluster's admin token, used only to set clusters up here. */
function adminCall(
  c: SimCluster,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
) {
  return new Promise<{ status: number; json: { status?: { token?: string }; message?: string } }>(
    (resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${c.server}${path}`,
        {
          method,
          ca: sim.caPem,
          agent: false,
          headers: {
            authorization: `Bearer ${c.adminToken}`,
            ...(text ? { "content-type": contentType } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString() || "{}"),
            }),
          );
        },
      );
      req.on("error", reject);
      if (text) req.write(text);
      req.end();
    },
  );
}

/** A ServiceAccount bound to `clusterRole` cluster-wide, and a TokenRequest token for it. */
async function boundToken(c: SimCluster, name: string, clusterRole: string): Promise<string> {
  await adminCall(c, "POST", "/api/v1/namespaces/kubebid-system/serviceaccounts", { metadata: { name } });
  await adminCall(c, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
    subjects: [{ kind: "ServiceAccount", name, namespace: "kubebid-system" }],
  });
  const tr = await adminCall(c, "POST", `/api/v1/namespaces/kubebid-system/serviceaccounts/${name}/token`, {
    spec: { expirationSeconds: 3600 },
  });
  return tr.json.status?.token ?? "";
}

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [
      {
        name: "gpu",
        region: "eu-central-1",
        cni: "calico",
        nodeLocalDns: "169.254.20.10",
        nodes: [
          { name: "g1", cpu: "32", memory: "128Gi", gpus: 4, gpuProduct: "NVIDIA-A100-SXM4-80GB" },
          { name: "c1", cpu: "8", memory: "32Gi" },
          { name: "cordoned", cpu: "8", memory: "32Gi", unschedulable: true },
        ],
      },
      {
        name: "nometrics",
        cni: "flannel",
        nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }],
        metricsApi: false,
      },
      { name: "nopolicy", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] },
      { name: "down", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] },
    ],
  });
  for (const c of sim.clusters) tokens.set(c.name, await provisionKubebidAccess(c, sim.caPem));
  // The provider's ingress controller and storage on the "gpu" cluster (created here with the admin
  // token; whatever the simulator may seed by itself is listed too, hence the lookups below).
  const gpu = sim.cluster("gpu");
  for (const [path, body] of [
    [
      "/apis/networking.k8s.io/v1/ingressclasses",
      {
        metadata: {
          name: "probe-nginx",
          annotations: { "ingressclass.kubernetes.io/is-default-class": "true" },
        },
        spec: { controller: "k8s.io/ingress-nginx" },
      },
    ],
    [
      "/apis/storage.k8s.io/v1/storageclasses",
      {
        metadata: {
          name: "probe-fast",
          annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
      },
    ],
    [
      "/apis/storage.k8s.io/v1/storageclasses",
      { metadata: { name: "probe-slow" }, provisioner: "example.com/slow" },
    ],
    // The GPU Operator's DCGM exporter (its DaemonSet's pod), outside kube-system.
    ["/api/v1/namespaces", { metadata: { name: "gpu-operator" } }],
    [
      "/api/v1/namespaces/gpu-operator/pods",
      {
        metadata: { name: "nvidia-dcgm-exporter-x1", labels: { app: "nvidia-dcgm-exporter" } },
        spec: {
          containers: [
            { name: "exporter", image: "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04" },
          ],
        },
      },
    ],
  ] as const)
    expect((await adminCall(gpu, "POST", path, body)).status).toBe(201);
  for (let i = 0; i < 100; i++) {
    const pod = await adminCall(gpu, "GET", "/api/v1/namespaces/gpu-operator/pods/nvidia-dcgm-exporter-x1");
    if ((pod.json as { status?: { phase?: string } }).status?.phase === "Running") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // An older cluster, or a provider who skipped it: the generated RBAC without its admission policy.
  await adminCall(
    sim.cluster("nopolicy"),
    "DELETE",
    "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/kubebid-lease-confinement",
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim?.stop();
});

const byId = (checks: ProbeCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));
const leaseIds = REQUIRED_PERMISSIONS.filter((p) => p.scope === "lease").map((p) => `perm:${p.id}`);
const directIds = REQUIRED_PERMISSIONS.filter((p) => p.scope !== "lease").map((p) => `perm:${p.id}`);

describe("probeCluster", () => {
  it("passes every check with the generated RBAC, and yields checks as they complete", async () => {
    const seen: string[] = [];
    const summary = await runProbe(client(sim.cluster("gpu"), { token: tokens.get("gpu") }), (c) =>
      seen.push(c.id),
    );
    expect(summary.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(summary).toMatchObject({ ok: true, leastPrivilege: true, onlyExcessFailed: false });
    expect(seen).toEqual(summary.checks.map((c) => c.id));
    expect(seen).toEqual([
      "connection",
      "credentials",
      ...directIds,
      ...leaseIds,
      ...EXCESS_CHECKS,
      "nodes",
      "gpus",
      "region",
      "gpu-metrics",
      "user-namespaces",
      "network-policy",
      "node-local-dns",
      "ingress-classes",
      "storage-classes",
      "metrics-api",
    ]);
    const checks = byId(summary.checks);
    expect(summary.gpuMetrics).toBe(true);
    expect(checks["gpu-metrics"]?.detail).toMatch(/DCGM exporter running \(1 pod in gpu-operator\)/);
    expect(summary.ingressClasses).toContainEqual({
      name: "probe-nginx",
      controller: "k8s.io/ingress-nginx",
      isDefault: true,
    });
    expect(summary.storageClasses).toContainEqual({
      name: "probe-fast",
      provisioner: "ebs.csi.aws.com",
      isDefault: true,
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
    // Defaulted by the API server: Immediate binding, no expansion.
    expect(summary.storageClasses).toContainEqual({
      name: "probe-slow",
      provisioner: "example.com/slow",
      isDefault: false,
      volumeBindingMode: "Immediate",
      allowVolumeExpansion: false,
    });
    expect(checks["ingress-classes"]?.detail).toContain("probe-nginx (k8s.io/ingress-nginx, default)");
    expect(checks["storage-classes"]?.detail).toContain(
      "probe-fast (ebs.csi.aws.com, default, WaitForFirstConsumer, expandable)",
    );
    // Simulated nodes run kubelet 1.31 with containerd 1.7: no user namespaces.
    expect(summary.userNamespaces).toBe(false);
    expect(checks["user-namespaces"]?.detail).toMatch(/^Not available: [a-z0-9]+'s kubelet is v1\.31\.2 /);
    expect(summary.version).toMatch(/^v1\./);
    expect(checks.nodes?.detail).toMatch(/^2 of 3 nodes/);
    expect(checks.gpus?.detail).toBe("4 × NVIDIA-A100-SXM4-80GB");
    expect(checks.region?.detail).toBe("eu-central-1");
    expect(checks["deny:pod-security"]?.detail).toMatch(
      /^Refused: namespaces "kb-lease-probe-[0-9a-f]+" is forbidden: ValidatingAdmissionPolicy 'kubebid-lease-confinement' with binding 'kubebid-lease-confinement' denied request: KubeBid may not weaken Pod Security/,
    );
    expect(summary.network).toEqual({
      cni: "calico",
      otherCni: null,
      enforcesNetworkPolicy: true,
      nodeLocalDns: "169.254.20.10",
    });
    expect(checks["node-local-dns"]?.detail).toMatch(/169\.254\.20\.10/);
    expect(summary.metricsApi).toBe(true);
    expect(summary.inventory?.allocatable.cpuMillis).toBe(40_000);
  });

  it("removes its trial lease namespace", async () => {
    const c = client(sim.cluster("gpu"), { token: tokens.get("gpu") });
    await runProbe(c);
    await expect
      .poll(
        async () =>
          (await c.core.listNamespace({})).items.filter((n) =>
            n.metadata?.name?.startsWith("kb-lease-probe-"),
          ).length,
      )
      .toBe(0);
  });

  it("fails an over-privileged (cluster-admin bound) token on exactly the excess checks", async () => {
    const token = await boundToken(sim.cluster("gpu"), "too-powerful", "cluster-admin");
    const summary = await runProbe(client(sim.cluster("gpu"), { token }));
    const failed = summary.checks.filter((c) => c.status === "fail");
    expect(failed.map((c) => c.id)).toEqual([...EXCESS_CHECKS]);
    for (const c of failed) {
      expect(c.kind).toBe("excess");
      expect(c.hint).toMatch(/accept the risk/);
    }
    expect(byId(summary.checks)["deny:secrets"]?.detail).toMatch(
      /^Can read Secrets: list secrets cluster-wide/,
    );
    expect(byId(summary.checks)["deny:pod-security"]?.detail).toMatch(/dry run .* was accepted/);
    expect(summary).toMatchObject({ ok: false, leastPrivilege: false, onlyExcessFailed: true });
  });

  it("fails the admission-policy checks when the policy is not enforced", async () => {
    const summary = await runProbe(client(sim.cluster("nopolicy"), { token: tokens.get("nopolicy") }));
    const failed = summary.checks.filter((c) => c.status === "fail").map((c) => c.id);
    expect(failed).toEqual(["deny:pod-security", "deny:other-namespaces"]);
    expect(byId(summary.checks)["deny:other-namespaces"]?.detail).toMatch(/delete namespace kubebid-system/);
    expect(summary).toMatchObject({ ok: false, leastPrivilege: false, onlyExcessFailed: true });
    // No CNI in kube-system: network isolation is not verified.
    expect(byId(summary.checks)["network-policy"]).toMatchObject({ status: "warn" });
  });

  it.each([
    ["nodes", "list"],
    ["namespaces", "create"],
    ["bind-workload-role", "bind"],
  ])(
    "KubeBid's ClusterRole lacking %s %s fails exactly that check (and what depends on it)",
    async (id, verb) => {
      const c = sim.cluster("gpu");
      const perm = REQUIRED_PERMISSIONS.find((p) => p.id === id)!;
      const rules = (lacking: boolean) =>
        REQUIRED_PERMISSIONS.filter((p) => p.scope === "cluster")
          .map((p) => ({
            apiGroups: [p.group],
            resources: [p.subresource ? `${p.resource}/${p.subresource}` : p.resource],
            verbs: lacking && p === perm ? p.verbs.filter((v) => v !== verb) : [...p.verbs],
            ...(p.resourceNames ? { resourceNames: [...p.resourceNames] } : {}),
          }))
          // a rule left without verbs is dropped, as kube-apiserver refuses one (rules[i].verbs: Required value)
          .filter((rule) => rule.verbs.length > 0);
      const setRules = (lacking: boolean) =>
        adminCall(
          c,
          "PATCH",
          "/apis/rbac.authorization.k8s.io/v1/clusterroles/kubebid",
          { rules: rules(lacking) },
          "application/merge-patch+json",
        );
      expect((await setRules(true)).status).toBe(200);
      try {
        const summary = await runProbe(client(c, { token: tokens.get("gpu") }));
        const check = byId(summary.checks)[`perm:${id}`];
        expect(check?.status).toBe("fail");
        expect(check?.detail).toContain(`Missing: ${verb}`);
        expect(check?.hint).toMatch(/RBAC manifest/);
        // Without namespace creation or bind, the lease rights cannot be set up: those fail too.
        const required = leaseIds.filter(
          (l) => !REQUIRED_PERMISSIONS.find((p) => `perm:${p.id}` === l)?.optional,
        );
        const expected = id === "nodes" ? [`perm:${id}`] : [`perm:${id}`, ...required];
        expect(
          summary.checks
            .filter((x) => x.status === "fail")
            .map((x) => x.id)
            .sort(),
        ).toEqual(expected.sort());
        expect(summary).toMatchObject({ ok: false, onlyExcessFailed: false, leastPrivilege: true });
      } finally {
        await setRules(false);
      }
    },
  );

  it("warns without the optional class reads, and lists nothing it may not read", async () => {
    const c = sim.cluster("gpu");
    const rules = (without: string[]) =>
      REQUIRED_PERMISSIONS.filter((p) => p.scope === "cluster" && !without.includes(p.id)).map((p) => ({
        apiGroups: [p.group],
        resources: [p.resource],
        verbs: [...p.verbs],
        ...(p.resourceNames ? { resourceNames: [...p.resourceNames] } : {}),
      }));
    const setRules = (without: string[]) =>
      adminCall(
        c,
        "PATCH",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/kubebid",
        { rules: rules(without) },
        "application/merge-patch+json",
      );
    expect((await setRules(["ingressclasses", "storageclasses"])).status).toBe(200);
    try {
      const summary = await runProbe(client(c, { token: tokens.get("gpu") }));
      const checks = byId(summary.checks);
      expect(checks["perm:ingressclasses"]).toMatchObject({
        status: "warn",
        detail: expect.stringMatching(/^Missing: list on networking\.k8s\.io\/ingressclasses/),
      });
      expect(checks["perm:storageclasses"]?.status).toBe("warn");
      expect(checks["ingress-classes"]).toBeUndefined();
      expect(checks["storage-classes"]).toBeUndefined();
      expect(summary).toMatchObject({ ok: true, ingressClasses: null, storageClasses: null });
    } finally {
      await setRules([]);
    }
  });

  it("fails deny:cluster-config when KubeBid may write storage classes", async () => {
    const c = sim.cluster("gpu");
    await adminCall(c, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
      metadata: { name: "storage-admin" },
      rules: [{ apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["create", "update"] }],
    });
    const token = await boundToken(c, "storage-writer", "storage-admin");
    const summary = await runProbe(client(c, { token }));
    expect(byId(summary.checks)["deny:cluster-config"]).toMatchObject({
      status: "fail",
      kind: "excess",
      detail:
        "Can change the cluster's ingress or storage classes: create storage.k8s.io/storageclasses cluster-wide; update storage.k8s.io/storageclasses cluster-wide.",
    });
  });

  it("reports a wrong token as rejected credentials", async () => {
    const summary = await runProbe(client(sim.cluster("gpu"), { token: "not-a-real-token" }));
    const checks = byId(summary.checks);
    expect(checks.connection?.status).toBe("pass");
    expect(checks.credentials).toMatchObject({ status: "fail", detail: expect.stringMatching(/401/) });
    expect(summary.ok).toBe(false);
    expect(summary.checks).toHaveLength(2);
  });

  it("warns when the metrics API is missing and when flannel alone cannot enforce NetworkPolicy", async () => {
    const summary = await runProbe(client(sim.cluster("nometrics"), { token: tokens.get("nometrics") }));
    const checks = byId(summary.checks);
    expect(checks["metrics-api"]).toMatchObject({
      status: "warn",
      hint: expect.stringMatching(/metrics-server/),
    });
    expect(checks["network-policy"]).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(/^flannel alone does not enforce NetworkPolicy/),
    });
    expect(summary.network).toMatchObject({
      enforcesNetworkPolicy: false,
      otherCni: "flannel",
      nodeLocalDns: null,
    });
    expect(checks.region?.status).toBe("warn");
    expect(summary.ok).toBe(true);
    expect(summary.leastPrivilege).toBe(true);
    expect(summary.metricsApi).toBe(false);
  });

  it("fails fast and clearly on an unreachable cluster", async () => {
    const down = sim.cluster("down");
    const c = client(down, { token: tokens.get("down") });
    await down.stop();
    const started = Date.now();
    const gen = probeCluster(c);
    const first = await gen.next();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(first.value).toMatchObject({
      id: "connection",
      status: "fail",
      detail: expect.stringMatching(/could not connect/),
      hint: expect.stringMatching(/reachable/),
    });
    expect((await gen.next()).done).toBe(true);
    await down.start();
  });

  it("times out on a cluster that hangs", async () => {
    const c = client(sim.cluster("nometrics"), { token: tokens.get("nometrics"), timeoutMs: 300 });
    sim.cluster("nometrics").setLatency(5000);
    try {
      const started = Date.now();
      const summary = await runProbe(c);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(summary.checks[0]).toMatchObject({
        status: "fail",
        detail: expect.stringMatching(/did not answer in time/),
      });
    } finally {
      sim.cluster("nometrics").setLatency(0);
    }
  });
});
