import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import {
  canonicalizeManifest,
  type ManifestInput,
  manifestTotals,
  secretDigest,
} from "@/lib/market/manifest";
import { applyLeaseWorkload, leaseObjectPath } from "./apply-lease-workload";
import { buildLeaseObjects, LABELS } from "./build-lease-objects";
import type { ClusterClient } from "./cluster-client";
import type { ClusterExposure } from "./cluster-exposure";
import { listLeaseNamespaces } from "./list-lease-namespaces";
import { readLeaseStatus } from "./read-lease-status";
import { readPodMetrics } from "./read-pod-metrics";
import { simClient } from "./sim-test-client";
import { streamPodLogs } from "./stream-pod-logs";
import { teardownLeaseWorkload } from "./teardown-lease-workload";

let sim: Simulator;
let client: ClusterClient;
let noMetrics: ClusterClient;
const tenant = "0x1111111111111111111111111111111111111111";

beforeAll(async () => {
  sim = await startSimulator({
    podStartDelayMs: 60,
    tickMs: 20,
    clusters: [
      {
        name: "work",
        region: "eu-west-1",
        nodes: [
          { name: "w1", cpu: "8", memory: "32Gi" },
          { name: "w2", cpu: "8", memory: "32Gi" },
        ],
      },
      { name: "plain", nodes: [{ name: "p1", cpu: "4", memory: "16Gi" }], metricsApi: false },
    ],
  });
  // The provider's part: apply the generated RBAC as the cluster admin and mint KubeBid's token.
  // Everything below runs with that token only: the rights KubeBid gets on a real cluster.
  const token = await provisionKubebidAccess(sim.cluster("work"), sim.caPem);
  const plainToken = await provisionKubebidAccess(sim.cluster("plain"), sim.caPem);
  client = simClient(sim.cluster("work"), { token });
  noMetrics = simClient(sim.cluster("plain"), { token: plainToken });
});

afterAll(async () => {
  await client?.close();
  await noMetrics?.close();
  await sim?.stop();
});

function lease(leaseId: string, input: Partial<ManifestInput> = {}) {
  const { manifest, specHash } = canonicalizeManifest({
    name: "web",
    image: "ghcr.io/acme/web:1.0",
    env: [{ name: "MODE", value: "prod" }],
    ports: [{ port: 8080 }],
    resources: { cpu: 500, memory: 256 },
    replicas: 2,
    ...input,
  });
  return { leaseId, tenant, specHash, manifest };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("buildLeaseObjects", () => {
  it("labels the namespace with valid label values and keeps the full hash in an annotation", () => {
    const input = lease("42");
    const { namespace, objects } = buildLeaseObjects(input);
    expect(namespace).toBe("kb-lease-42");
    const ns = objects[0];
    const labels = ns?.metadata.labels ?? {};
    for (const v of Object.values(labels))
      expect(v).toMatch(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/);
    expect(labels[LABELS.tenant]).toBe(tenant);
    expect(labels[LABELS.specHash]).toBe(input.specHash.slice(2, 18));
    expect(labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
    expect(labels["pod-security.kubernetes.io/audit"]).toBe("restricted");
    expect(ns?.metadata.annotations?.[LABELS.specHash]).toBe(input.specHash);
  });

  it("sizes the quota to what was bought and hardens the pod", () => {
    const { objects } = buildLeaseObjects(
      lease("43", { resources: { cpu: 1500, memory: 1024, gpu: { count: 1 } } }),
    );
    const quota = objects.find((o) => o.kind === "ResourceQuota") as unknown as {
      spec: { hard: Record<string, string> };
    };
    expect(quota.spec.hard).toMatchObject({
      "requests.cpu": "3000m",
      "limits.memory": "2048Mi",
      "requests.nvidia.com/gpu": "2",
      pods: "2",
      "services.loadbalancers": "0",
    });
    const dep = objects.find((o) => o.kind === "Deployment") as unknown as {
      spec: { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } };
    };
    const pod = dep.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBe(false);
    expect(pod.containers[0]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: {
        drop: ["ALL"],
        add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "NET_BIND_SERVICE"],
      },
      seccompProfile: { type: "RuntimeDefault" },
      readOnlyRootFilesystem: false,
    });
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    // a GPU order tolerates the GPU taint
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    const egress = objects.find((o) => o.metadata.name === "kb-egress") as unknown as {
      spec: { egress: Array<{ to: Array<{ ipBlock?: { except: string[] } }> }> };
    };
    const except = egress.spec.egress[0]?.to[0]?.ipBlock?.except ?? [];
    for (const cidr of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"])
      expect(except).toContain(cidr);
  });

  it("gives a tenant who opts into restricted a restricted namespace and pod, and CPU orders no GPU toleration", () => {
    const { objects } = buildLeaseObjects(
      lease("44", { security: { podSecurity: "restricted", runAsUser: 1000, readOnlyRootFilesystem: true } }),
    );
    expect(objects[0]?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const dep = objects.find((o) => o.kind === "Deployment") as unknown as {
      spec: { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } };
    };
    const pod = dep.spec.template.spec;
    expect(pod.securityContext).toEqual({
      seccompProfile: { type: "RuntimeDefault" },
      runAsNonRoot: true,
      runAsUser: 1000,
    });
    expect(pod.containers[0]?.securityContext).toMatchObject({
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
      readOnlyRootFilesystem: true,
    });
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
  });

  it("lets egress reach NodeLocal DNSCache's link-local address on port 53, and nothing else there", () => {
    const egressOf = (nodeLocalDns?: string | null) =>
      (
        buildLeaseObjects({ ...lease("44"), nodeLocalDns }).objects.find(
          (o) => o.metadata.name === "kb-egress",
        ) as unknown as {
          spec: { egress: Array<{ to: Array<{ ipBlock?: { cidr: string } }>; ports?: unknown[] }> };
        }
      ).spec.egress;
    const rule = egressOf("169.254.20.10").find((r) => r.to[0]?.ipBlock?.cidr === "169.254.20.10/32");
    expect(rule?.ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
    expect(egressOf(null)).toHaveLength(3);
    // Only a link-local address is believed: the cluster's answer must not open a private range.
    expect(egressOf("10.0.0.10")).toHaveLength(3);
  });

  it("refuses a lease id that cannot name a namespace", () => {
    expect(() => buildLeaseObjects(lease("1".repeat(60)))).toThrow(/cannot name a namespace/);
  });
});

describe("lease workload on a cluster, with only the generated RBAC's token", () => {
  it("applies, converges to running and changes nothing when applied again", async () => {
    const input = lease("100");
    const first = await applyLeaseWorkload(client, input);
    expect(first.objects.map((o) => o.kind)).toEqual([
      "Namespace",
      "ResourceQuota",
      "LimitRange",
      "NetworkPolicy",
      "NetworkPolicy",
      "Service",
      "Deployment",
    ]);
    expect(first.pruned).toEqual([]);
    const status = await until(
      () => readLeaseStatus(client, "100"),
      (s) => s.deployment?.readyReplicas === 2,
    );
    expect(status.exists).toBe(true);
    expect(status.deployment).toMatchObject({ name: "web", replicas: 2, readyReplicas: 2 });
    expect(status.pods).toHaveLength(2);
    for (const pod of status.pods) {
      expect(pod).toMatchObject({ phase: "Running", ready: true, restarts: 0, reasons: [] });
      expect(pod.node).toMatch(/^w[12]$/);
      expect(pod.startedAt).toBeTruthy();
    }
    expect(status.service).toMatchObject({
      name: "web",
      type: "ClusterIP",
      ports: [{ port: 8080, protocol: "TCP", nodePort: null }],
    });
    expect(status.pods[0]).toMatchObject({
      containers: 1,
      readyContainers: 1,
      requests: { cpuMillis: 500, memoryBytes: 256 * 1024 ** 2 },
      limits: { cpuMillis: 500, memoryBytes: 256 * 1024 ** 2 },
    });
    expect(status.service?.endpoints.map((e) => e.ready)).toEqual([true, true]);
    expect(status.service?.endpoints.map((e) => e.pod)).toEqual(status.pods.map((p) => p.name));
    expect(status.events.length).toBeGreaterThan(0);
    const times = status.events.map((e) => e.lastTimestamp ?? "");
    expect([...times].sort()).toEqual(times);

    // Controllers write status (which bumps resourceVersion): compare with what is there right before.
    await new Promise((r) => setTimeout(r, 300));
    const before = await Promise.all(
      buildLeaseObjects(input).objects.map(async (o) => ({
        kind: o.kind,
        name: o.metadata.name,
        resourceVersion: (
          await client.requestJson<{ metadata: { resourceVersion: string } }>(leaseObjectPath(o))
        ).metadata.resourceVersion,
      })),
    );
    const second = await applyLeaseWorkload(client, input);
    expect(second.objects).toEqual(before);
    expect(second.objects.map((o) => o.name)).toEqual(first.objects.map((o) => o.name));
  });

  it("reads pod metrics with requests and limits", async () => {
    const metrics = await until(
      () => readPodMetrics(client, "kb-lease-100"),
      (m) => m.available && m.pods.length === 2,
    );
    if (!metrics.available) throw new Error(metrics.reason);
    const pod = metrics.pods[0];
    expect(pod?.requests).toEqual({ cpuMillis: 500, memoryBytes: 256 * 1024 ** 2 });
    expect(pod?.limits).toEqual({ cpuMillis: 500, memoryBytes: 256 * 1024 ** 2 });
    expect(pod?.usage.memoryBytes).toBeGreaterThan(0);
    expect(pod?.containers[0]?.name).toBe("web");
  });

  it("reports metrics unavailable on a cluster without the metrics API", async () => {
    await applyLeaseWorkload(noMetrics, lease("101", { replicas: 1 }));
    const metrics = await readPodMetrics(noMetrics, "kb-lease-101");
    expect(metrics).toEqual({ available: false, reason: expect.stringMatching(/no metrics API/) });
  });

  it("applies an autoscaled service: its HPA, its initial replicas, and a re-apply that leaves the HPA's count alone", async () => {
    const { manifest, specHash } = canonicalizeManifest({
      version: 2,
      name: "web",
      services: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ port: 80 }],
          resources: { cpu: 200, memory: 128 },
          replicas: 3,
          autoscale: { min: 2, max: 4, cpuPercent: 70 },
        },
      ],
    });
    // The cluster without a metrics API: its HPA controller cannot compute, so nothing moves on its own.
    const input = { leaseId: "103", tenant, specHash, manifest };
    const first = await applyLeaseWorkload(noMetrics, input);
    expect(first.objects.map((o) => o.kind)).toContain("HorizontalPodAutoscaler");
    const path = "/apis/apps/v1/namespaces/kb-lease-103/deployments/web";
    const read = () => noMetrics.requestJson<{ spec: { replicas: number } }>(path);
    expect((await read()).spec.replicas).toBe(3);
    const status = await until(
      () => readLeaseStatus(noMetrics, "103"),
      (s) => s.autoscalers[0]?.inactive !== null && s.autoscalers[0]?.inactive !== undefined,
    );
    expect(status.autoscalers).toEqual([
      {
        service: "web",
        minReplicas: 2,
        maxReplicas: 4,
        currentReplicas: 3,
        desiredReplicas: 3,
        metrics: [{ resource: "cpu", currentPercent: null, targetPercent: 70 }],
        inactive: expect.stringMatching(/resource metrics API/),
      },
    ]);
    // What an HPA does when it scales: a write of the scale subresource.
    const admin = simClient(sim.cluster("plain"), { token: sim.cluster("plain").adminToken });
    try {
      await admin.requestJson(`${path}/scale`, {
        method: "PATCH",
        body: { spec: { replicas: 4 } },
        contentType: "application/merge-patch+json",
      });
    } finally {
      await admin.close();
    }
    const again = await applyLeaseWorkload(noMetrics, input);
    expect(again.pruned).toEqual([]);
    expect((await read()).spec.replicas).toBe(4);
  });

  it("tails and follows logs, and stops when aborted", async () => {
    const status = await readLeaseStatus(client, "100");
    const pod = status.pods[0]?.name ?? "";
    const tail = await streamPodLogs(client, { namespace: "kb-lease-100", pod, tailLines: 3 });
    const tailed: string[] = [];
    for await (const line of tail) tailed.push(line);
    expect(tailed.length).toBeGreaterThan(0);
    expect(tailed.length).toBeLessThanOrEqual(3);

    const controller = new AbortController();
    const follow = await streamPodLogs(client, {
      namespace: "kb-lease-100",
      pod,
      tailLines: 1,
      follow: true,
      signal: controller.signal,
    });
    const followed: string[] = [];
    const started = Date.now();
    for await (const line of follow) {
      followed.push(line);
      if (followed.length === 4) controller.abort();
    }
    expect(followed.length).toBeGreaterThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("reports a crash loop and an image pull error", async () => {
    await applyLeaseWorkload(
      client,
      lease("102", { name: "crash", image: "ghcr.io/acme/crashloop:1", replicas: 1 }),
    );
    await applyLeaseWorkload(
      client,
      lease("103", { name: "pull", image: "ghcr.io/acme/doesnotexist:1", replicas: 1 }),
    );
    const crash = await until(
      () => readLeaseStatus(client, "102"),
      (s) => s.pods[0]?.reasons.includes("CrashLoopBackOff") ?? false,
    );
    expect(crash.pods[0]?.reasons).toContain("CrashLoopBackOff");
    expect(crash.pods[0]?.ready).toBe(false);
    const pull = await until(
      () => readLeaseStatus(client, "103"),
      (s) => s.pods[0]?.reasons.some((r) => r === "ImagePullBackOff" || r === "ErrImagePull") ?? false,
    );
    expect(pull.pods[0]?.reasons.some((r) => /ImagePull/.test(r))).toBe(true);
    expect(pull.events.some((e) => e.type === "Warning" && /Failed|BackOff/.test(e.reason))).toBe(true);
  });

  it("shows a pod the quota refuses as a FailedCreate event", async () => {
    await applyLeaseWorkload(client, lease("104", { name: "quota", replicas: 1 }));
    // Someone (not KubeBid) scales past what was bought: the quota refuses the second pod.
    await client.requestJson("/apis/apps/v1/namespaces/kb-lease-104/deployments/quota", {
      method: "PATCH",
      body: { spec: { replicas: 2 } },
      contentType: "application/merge-patch+json",
    });
    const status = await until(
      () => readLeaseStatus(client, "104"),
      (s) => s.events.some((e) => e.reason === "FailedCreate"),
    );
    const failed = status.events.find((e) => e.reason === "FailedCreate");
    expect(failed).toMatchObject({ type: "Warning", message: expect.stringMatching(/exceeded quota/) });
    expect(failed?.object).toMatch(/^ReplicaSet\//);
  });

  it("reports unschedulable pods", async () => {
    await applyLeaseWorkload(
      noMetrics,
      lease("105", { name: "huge", resources: { cpu: 64_000, memory: 256 }, replicas: 1 }),
    );
    const status = await until(
      () => readLeaseStatus(noMetrics, "105"),
      (s) => s.pods[0]?.reasons.includes("Unschedulable") ?? false,
    );
    expect(status.pods[0]).toMatchObject({ phase: "Pending", node: null, reasons: ["Unschedulable"] });
    expect(status.pods[0]?.message).toMatch(/Insufficient cpu/);
  });

  it("refuses a manifest that does not hash to the lease's spec hash", async () => {
    const input = lease("106");
    const tampered = { ...input, manifest: { ...input.manifest, image: "ghcr.io/evil/miner:1" } };
    await expect(applyLeaseWorkload(client, tampered)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await readLeaseStatus(client, "106")).exists).toBe(false);
  });

  it("lists the lease namespaces for reconciliation", async () => {
    const leases = await listLeaseNamespaces(client);
    const l100 = leases.find((l) => l.leaseId === "100");
    expect(l100).toMatchObject({
      namespace: "kb-lease-100",
      tenant,
      specHash: lease("100").specHash,
      terminating: false,
    });
    expect(leases.map((l) => l.leaseId)).toEqual(expect.arrayContaining(["100", "102", "103", "104"]));
  });

  it("cannot reach beyond its lease namespaces: RBAC and the admission policy refuse", async () => {
    const refused = async (
      path: string,
      method: "POST" | "PATCH" | "DELETE",
      body?: unknown,
      contentType?: string,
    ) => {
      const e = await client.requestJson(path, { method, body, contentType }).then(
        () => undefined,
        (error: { code?: number; body?: { message?: string } }) => error,
      );
      expect(e?.code).toBe(403);
      return e?.body?.message ?? "";
    };
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: {} };
    expect(await refused("/apis/apps/v1/namespaces/kube-system/deployments", "POST", deployment)).toMatch(
      /User "system:serviceaccount:kubebid-system:kubebid" cannot create resource "deployments"/,
    );
    expect(await refused("/api/v1/namespaces/default/secrets", "POST", { metadata: { name: "s" } })).toMatch(
      /cannot create resource "secrets"/,
    );
    // Namespace rights are cluster-wide in RBAC; the policy is what confines them.
    expect(
      await refused(
        "/api/v1/namespaces/kb-lease-100",
        "PATCH",
        {
          metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
        },
        "application/merge-patch+json",
      ),
    ).toBe(
      "namespaces \"kb-lease-100\" is forbidden: ValidatingAdmissionPolicy 'kubebid-lease-confinement' with binding 'kubebid-lease-confinement' denied request: KubeBid may not weaken Pod Security: a lease namespace must enforce baseline or restricted",
    );
    expect(await refused("/api/v1/namespaces/kubebid-system", "DELETE")).toMatch(
      /ValidatingAdmissionPolicy 'kubebid-lease-confinement' .* denied request: KubeBid may only write lease namespaces/,
    );
    expect(await refused("/api/v1/namespaces", "POST", { metadata: { name: "kb-lease-fake" } })).toMatch(
      /denied request: KubeBid's lease namespaces must carry its labels$/,
    );
    // Binding anything but the workload role, or to anyone but itself, is refused.
    expect(
      await refused("/apis/rbac.authorization.k8s.io/v1/namespaces/kb-lease-100/rolebindings", "POST", {
        metadata: { name: "tenant" },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "kubebid-lease-workload",
        },
        subjects: [{ kind: "ServiceAccount", name: "default", namespace: "kb-lease-100" }],
      }),
    ).toMatch(/denied request: KubeBid may only bind kubebid-lease-workload, and only to itself$/);
    expect(
      await refused("/apis/rbac.authorization.k8s.io/v1/namespaces/kb-lease-100/rolebindings", "POST", {
        metadata: { name: "admin" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "kubebid", namespace: "kubebid-system" }],
      }),
    ).toMatch(/is attempting to grant RBAC permissions not currently held/);
    // Deletes inside a lease namespace: only what a lease build made (pruning) or a custom domain's
    // Ingress, never anything else there (here: an Ingress the provider added), nor KubeBid's binding.
    const admin = simClient(sim.cluster("work"));
    await admin.requestJson("/apis/networking.k8s.io/v1/namespaces/kb-lease-100/ingresses", {
      method: "POST",
      body: {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "provider-extra", labels: { "kubebid.io/part": "provider" } },
        spec: {
          ingressClassName: "nginx",
          defaultBackend: { service: { name: "web", port: { number: 8080 } } },
        },
      },
    });
    await admin.close();
    expect(
      await refused("/apis/networking.k8s.io/v1/namespaces/kb-lease-100/ingresses/provider-extra", "DELETE"),
    ).toMatch(
      /denied request: KubeBid may delete only its lease namespaces, the workload objects it made in them and the Ingresses of custom domains$/,
    );
    expect(
      await refused(
        "/apis/rbac.authorization.k8s.io/v1/namespaces/kb-lease-100/rolebindings/kubebid",
        "DELETE",
      ),
    ).toMatch(/cannot delete resource "rolebindings"/);
    // A re-apply prunes nothing of it either.
    expect((await applyLeaseWorkload(client, lease("100"))).pruned).toEqual([]);
  });

  it("tears down by deleting the namespace, idempotently", async () => {
    const result = await teardownLeaseWorkload(client, "100", { waitMs: 10_000, pollMs: 50 });
    expect(result).toEqual({ namespace: "kb-lease-100", deleted: true, gone: true });
    expect((await readLeaseStatus(client, "100")).exists).toBe(false);
    expect(await teardownLeaseWorkload(client, "100")).toEqual({
      namespace: "kb-lease-100",
      deleted: false,
      gone: true,
    });
  });
});

describe("a v2 deployment on a cluster: web and postgres with a volume and a secret", () => {
  const salt = `0x${"33".repeat(32)}` as const;
  const exposure: ClusterExposure = {
    ingressClass: "nginx",
    ingressNamespace: "ingress-nginx",
    baseDomain: "apps.example.com",
    tls: null,
    ports: "nodeport",
  };
  const db = {
    name: "db",
    image: "postgres:16",
    env: [
      { name: "POSTGRES_PASSWORD", secret: "db-password" },
      { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
    ],
    ports: [{ name: "pg", port: 5432, expose: "tcp" as const }],
    resources: { cpu: 500, memory: 512 },
    volumes: [{ name: "data", mount: "/var/lib/postgresql/data", size: 1024, storageClass: "standard" }],
  };
  const web = {
    name: "web",
    image: "nginx:1.27",
    env: [{ name: "DB_HOST", value: "db" }],
    ports: [{ name: "http", port: 80, expose: "http" as const }],
    resources: { cpu: 250, memory: 128 },
  };
  const v2 = (services: ManifestInput[]) => {
    const { manifest, specHash } = canonicalizeManifest({
      version: 2,
      name: "shop",
      services,
      secrets: [{ name: "db-password", digest: secretDigest(salt, "s3cret") }],
    } as ManifestInput);
    return {
      leaseId: "200",
      tenant,
      specHash,
      manifest,
      exposure,
      secretValues: { "db-password": "s3cret" },
    };
  };
  const running = (s: Awaited<ReturnType<typeof readLeaseStatus>>) =>
    s.pods.length === 2 && s.pods.every((p) => p.phase === "Running" && p.ready);

  it("applies with KubeBid's token only (no 403, no 422), reaches Running, and a re-apply changes nothing", async () => {
    const input = v2([web, db] as unknown as ManifestInput[]);
    const first = await applyLeaseWorkload(client, input);
    expect(first.objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      "Namespace/kb-lease-200",
      "ResourceQuota/kb-quota",
      "LimitRange/kb-limits",
      "NetworkPolicy/kb-ingress-same-namespace",
      "NetworkPolicy/kb-egress",
      "NetworkPolicy/kb-http-web",
      "NetworkPolicy/kb-public-db",
      "Secret/kb-secrets",
      "PersistentVolumeClaim/db-data",
      "Service/web",
      "Service/db",
      "Service/db-public",
      "Deployment/web",
      "Deployment/db",
      "Ingress/web",
    ]);
    const status = await until(() => readLeaseStatus(client, "200"), running);
    expect(
      status.pods.map((p) => [p.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, ""), p.phase, p.ready]).sort(),
    ).toEqual([
      ["db", "Running", true],
      ["web", "Running", true],
    ]);
    const nodePort = await client.requestJson<{ spec: { ports: Array<{ nodePort?: number }> } }>(
      "/api/v1/namespaces/kb-lease-200/services/db-public",
    );
    expect(nodePort.spec.ports[0]?.nodePort).toBeGreaterThanOrEqual(30000);

    await new Promise((r) => setTimeout(r, 300));
    // Secrets cannot be read back with KubeBid's token: compare everything else.
    const readable = first.objects.filter((o) => o.kind !== "Secret");
    const before = await Promise.all(
      readable.map(async (o) => ({
        kind: o.kind,
        name: o.name,
        resourceVersion: (
          await client.requestJson<{ metadata: { resourceVersion: string } }>(
            leaseObjectPath({ kind: o.kind, metadata: { name: o.name, namespace: "kb-lease-200" } }),
          )
        ).metadata.resourceVersion,
      })),
    );
    const second = await applyLeaseWorkload(client, input);
    expect(second.objects.filter((o) => o.kind !== "Secret")).toEqual(before);
    expect(second.pruned).toEqual([]);
  });

  it("an update without the web service prunes its objects and keeps the database's volume", async () => {
    const pvc = () =>
      client.requestJson<{ metadata: { uid: string } }>(
        "/api/v1/namespaces/kb-lease-200/persistentvolumeclaims/db-data",
      );
    const uid = (await pvc()).metadata.uid;
    const result = await applyLeaseWorkload(client, v2([db] as unknown as ManifestInput[]));
    expect(result.pruned).toEqual([
      "Deployment/web",
      "Ingress/web",
      "Service/web",
      "NetworkPolicy/kb-http-web",
    ]);
    expect((await pvc()).metadata.uid).toBe(uid);
    const quota = await client.requestJson<{ spec: { hard: Record<string, string> } }>(
      "/api/v1/namespaces/kb-lease-200/resourcequotas/kb-quota",
    );
    expect(quota.spec.hard).toMatchObject({ pods: "1", services: "2", persistentvolumeclaims: "1" });
    const status = await until(
      () => readLeaseStatus(client, "200"),
      (s) => s.pods.length === 1 && s.pods[0]?.phase === "Running",
    );
    expect(status.pods.map((p) => p.name)).toEqual([expect.stringMatching(/^db-/)]);
  });

  it("builds objects kube-apiserver takes under strict field validation, with every exposure option", async () => {
    const admin = simClient(sim.cluster("work"));
    const autoscaled = { ...web, autoscale: { min: 1, max: 3, cpuPercent: 60, memoryPercent: 80 } };
    const { objects } = buildLeaseObjects({
      ...v2([autoscaled, db] as unknown as ManifestInput[]),
      leaseId: "202",
      userNamespaces: true,
      exposure: {
        ...exposure,
        ingressPodLabels: { "app.kubernetes.io/name": "ingress-nginx" },
        tls: { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "letsencrypt" },
        ports: "loadbalancer",
      },
    });
    try {
      for (const o of objects) {
        const collection = leaseObjectPath(o).replace(/\/[^/]+$/, "");
        const created = await admin.requestJson<{ kind: string }>(collection, {
          method: "POST",
          query: { fieldValidation: "Strict" },
          body: o,
        });
        expect(created.kind).toBe(o.kind);
      }
      expect(objects.map((o) => o.kind)).toContain("HorizontalPodAutoscaler");
    } finally {
      await admin.close();
    }
  });

  it("refuses secrets whose value is missing before touching the cluster", async () => {
    const input = { ...v2([web, db] as unknown as ManifestInput[]), leaseId: "201", secretValues: {} };
    await expect(applyLeaseWorkload(client, input)).rejects.toMatchObject({
      message: expect.stringMatching(/secret "db-password" is missing/),
    });
    expect((await readLeaseStatus(client, "201")).exists).toBe(false);
  });
});

describe("a spec update rolled out on a cluster", () => {
  it("switches a Deployment between Recreate and RollingUpdate as the spare allows and reports the rollout", async () => {
    // Bought: 2 replicas of 500m/256Mi. Revision 1 runs one replica of a new image: room for a surge pod.
    const first = lease("160");
    const bought = manifestTotals(first.manifest);
    await applyLeaseWorkload(client, first);
    const strategy = async () =>
      (await client.apps.readNamespacedDeployment({ namespace: "kb-lease-160", name: "web" })).spec?.strategy;
    expect(await strategy()).toEqual({ type: "Recreate" });

    const next = lease("160", { image: "ghcr.io/acme/web:1.1", replicas: 1 });
    await applyLeaseWorkload(client, { ...next, bought });
    expect(await strategy()).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const quota = await client.core.readNamespacedResourceQuota({
      namespace: "kb-lease-160",
      name: "kb-quota",
    });
    // What was bought, and one pod more for the surge.
    expect(quota.spec?.hard).toMatchObject({ "requests.cpu": "1000m", pods: "2" });
    const done = await until(
      () => readLeaseStatus(client, "160"),
      (s) => s.rollouts.every((r) => r.complete && r.specHash === next.specHash),
    );
    expect(done.rollouts).toEqual([
      {
        name: "web",
        specHash: next.specHash,
        replicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        complete: true,
      },
    ]);

    // Back to two replicas: no room left, Recreate again (the rollingUpdate fields KubeBid set are gone).
    await applyLeaseWorkload(client, { ...lease("160", { image: "ghcr.io/acme/web:1.1" }), bought });
    expect(await strategy()).toEqual({ type: "Recreate" });
    await teardownLeaseWorkload(client, "160");
  });
});
