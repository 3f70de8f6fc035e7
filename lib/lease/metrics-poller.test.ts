import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, leases, metricSamples } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { waitFor } from "@/dev/k8s-sim/test-helpers";
import { applyLeaseWorkload } from "@/lib/k8s/apply-lease-workload";
import { LABELS } from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { readClusterLeasePods } from "@/lib/k8s/read-cluster-lease-pods";
import { simClient } from "@/lib/k8s/sim-test-client";
import { MetricsHub } from "@/lib/lease/metrics-hub";
import { createMetricsPoller } from "@/lib/lease/metrics-poller";
import type { LiveMessage } from "@/lib/lease/types";
import { canonicalizeManifest } from "@/lib/market/manifest";

// The poller against two simulated clusters over HTTPS: requests counted at the simulator.

let handle: DbHandle;
let sim: Simulator;
const clients = new Map<string, ClusterClient>();
const clusterIds: Record<"a" | "b", string> = { a: "", b: "" };
const tenant = "0x1111111111111111111111111111111111111111";
const onA = ["7", "8"];
const onB = ["20", "21", "22", "23", "24", "25"];

function workload(leaseId: string, replicas: number) {
  const { manifest, specHash } = canonicalizeManifest({
    name: "web",
    image: "ghcr.io/acme/web:1.0",
    ports: [{ port: 8080 }],
    resources: { cpu: 100, memory: 64 },
    replicas,
  });
  return { leaseId, tenant, specHash, manifest };
}

beforeAll(async () => {
  sim = await startSimulator({
    podStartDelayMs: 40,
    tickMs: 20,
    clusters: [
      { name: "a", nodes: [{ name: "a1", cpu: "16", memory: "64Gi" }] },
      { name: "b", nodes: [{ name: "b1", cpu: "16", memory: "64Gi" }] },
    ],
  });
  handle = await createTestDb();
  for (const name of ["a", "b"] as const) {
    const [row] = await handle.db
      .insert(clusters)
      .values({
        providerAddress: `0xp${name}`,
        name,
        kubeconfigEnc: "x",
        server: sim.cluster(name).server,
        status: "up",
      })
      .returning();
    clusterIds[name] = row?.id ?? "";
    clients.set(row?.id ?? "", simClient(sim.cluster(name)));
  }
  const a = clients.get(clusterIds.a) as ClusterClient;
  const b = clients.get(clusterIds.b) as ClusterClient;
  await applyLeaseWorkload(a, workload("7", 2));
  await applyLeaseWorkload(a, workload("8", 1));
  for (const id of onB) await applyLeaseWorkload(b, workload(id, 1));
  // Cluster a also runs a namespace for lease 20, which is b's (a provider trying to write into
  // another provider's lease), and a pod with KubeBid's labels outside any lease namespace.
  await applyLeaseWorkload(a, workload("20", 1));
  await a.core.createNamespace({ body: { metadata: { name: "sneaky" } } });
  await a.core.createNamespacedPod({
    namespace: "sneaky",
    body: {
      metadata: { name: "web-x", labels: { [LABELS.managedBy]: "kubebid", [LABELS.lease]: "7" } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
        containers: [{ name: "web", image: "ghcr.io/acme/web:1.0" }],
      },
    },
  });
  const rows = [
    ...onA.map((id) => ({ id, clusterId: clusterIds.a, status: "active" as const })),
    ...onB.map((id) => ({ id, clusterId: clusterIds.b, status: "active" as const })),
    { id: "99", clusterId: clusterIds.a, status: "closed" as const },
  ];
  await handle.db.insert(leases).values(
    rows.map((r) => ({
      id: r.id,
      orderId: r.id,
      tenant,
      provider: "0xp",
      pricePerHour: "1",
      deposit: "1",
      startedAt: new Date(),
      createdBlock: 1n,
      deployState: "running" as const,
      status: r.status,
      clusterId: r.clusterId,
    })),
  );
  // Every pod running and measured before the requests are counted.
  await waitFor(
    async () => {
      const [ra, rb] = await Promise.all([
        readClusterLeasePods(a, { leaseIds: [...onA, "20"] }),
        readClusterLeasePods(b, { leaseIds: onB }),
      ]);
      return [...ra.leases.values(), ...rb.leases.values()].every(
        (l) => l.usage.length === l.pods.length && l.pods.length > 0,
      );
    },
    15_000,
    "pods running",
  );
}, 60_000);

afterAll(async () => {
  for (const c of clients.values()) await c.close();
  await sim?.stop();
  await handle?.close();
});

function poller(hub: MetricsHub, now?: () => Date) {
  return createMetricsPoller({
    db: handle.db,
    clientFor: async (id) => {
      const client = clients.get(id);
      if (!client) throw new Error("no such cluster");
      return client;
    },
    hub,
    intervalMs: 1000,
    now,
    log: () => {},
  });
}

const requestsOf = (name: string) => sim.cluster(name).stats.requests;

describe("metrics poller", () => {
  it("asks each cluster twice per interval for all its leases, and keeps a sample per pod", async () => {
    const hub = new MetricsHub();
    const p = poller(hub);
    const before = { a: requestsOf("a"), b: requestsOf("b") };
    const pathsBefore = new Map(sim.cluster("b").stats.byPath);
    await p.tick();
    expect(requestsOf("a") - before.a).toBe(2);
    expect(requestsOf("b") - before.b).toBe(2);
    const paths = [...sim.cluster("b").stats.byPath].filter(
      ([path, n]) => n !== (pathsBefore.get(path) ?? 0),
    );
    expect(paths.map(([path]) => path).sort()).toEqual(["/api/v1/pods", "/apis/metrics.k8s.io/v1beta1/pods"]);

    const rows = await handle.db
      .select({
        leaseId: metricSamples.leaseId,
        pods: sql<number>`count(*) filter (where container = '')::int`,
        containers: sql<number>`count(*) filter (where container = 'web')::int`,
      })
      .from(metricSamples)
      .groupBy(metricSamples.leaseId);
    const counts = Object.fromEntries(rows.map((r) => [r.leaseId, r.pods]));
    expect(counts).toEqual({ "7": 2, "8": 1, "20": 1, "21": 1, "22": 1, "23": 1, "24": 1, "25": 1 });
    // And one row per container (each pod here has one, "web"), the figures the pod's are summed from.
    expect(rows.every((r) => r.containers === r.pods)).toBe(true);
    expect(hub.latestStatus("7")?.status.pods.map((pod) => pod.phase)).toEqual(["Running", "Running"]);

    // Three more ticks: still two requests per cluster and tick.
    for (let i = 0; i < 3; i++) await p.tick();
    expect(requestsOf("b") - before.b).toBe(8);
  });

  it("ignores pods a cluster shows outside its own leases' namespaces", async () => {
    const hub = new MetricsHub();
    await handle.db.delete(metricSamples);
    await poller(hub).tick();
    const bPods = (
      await readClusterLeasePods(clients.get(clusterIds.b) as ClusterClient, { leaseIds: ["20"] })
    ).leases
      .get("20")
      ?.pods.map((pod) => pod.name);
    const podRows = (leaseId: string) =>
      handle.db
        .select()
        .from(metricSamples)
        .where(and(eq(metricSamples.leaseId, leaseId), eq(metricSamples.container, "")));
    const lease20 = await podRows("20");
    // Lease 20 is b's: cluster a's namespace kb-lease-20 contributes nothing.
    expect(lease20.map((r) => r.pod)).toEqual(bPods);
    expect(hub.latestStatus("20")?.status.pods.map((pod) => pod.name)).toEqual(bPods);
    // The pod in namespace "sneaky" carries lease 7's label but is not lease 7's.
    const lease7 = await podRows("7");
    expect(lease7.map((r) => r.pod)).not.toContain("web-x");
    expect(lease7).toHaveLength(2);
    expect(hub.latestStatus("99")).toBeNull();
  });

  it("reads events and endpoints only for leases somebody watches", async () => {
    const hub = new MetricsHub();
    const received: LiveMessage[] = [];
    const unsubscribe = hub.subscribe("21", (m) => received.push(m));
    const before = { a: requestsOf("a"), b: requestsOf("b") };
    await poller(hub).tick();
    expect(requestsOf("a") - before.a).toBe(2);
    expect(requestsOf("b") - before.b).toBeGreaterThan(2);
    const status = received.find((m) => m.type === "status");
    expect(status?.type === "status" && status.status.endpoints.map((e) => e.name)).toEqual(["web"]);
    expect(hub.latestStatus("21")?.detailsAt).toBe(status?.at);
    expect(hub.latestStatus("22")?.detailsAt).toBeNull();
    expect(hub.latestStatus("22")?.status.endpoints).toEqual([]);
    unsubscribe();
  });

  it("backs off a cluster that does not answer, alone, and tells its leases' subscribers", async () => {
    let now = Date.now();
    const hub = new MetricsHub();
    const p = poller(hub, () => new Date(now));
    const errors: LiveMessage[] = [];
    hub.subscribe("22", (m) => m.type === "error" && errors.push(m));
    await sim.cluster("b").stop();
    try {
      const beforeA = requestsOf("a");
      await p.tick();
      expect(errors).toHaveLength(1);
      expect([...p.backoffState().keys()]).toEqual([clusterIds.b]);
      expect(requestsOf("a") - beforeA).toBe(2);
      now += 1000;
      await p.tick(); // b skipped: next try after 2 s
      expect(errors).toHaveLength(1);
    } finally {
      await sim.cluster("b").start();
    }
    now += 1500;
    await p.tick();
    expect(p.backoffState().size).toBe(0);
    expect(hub.latestStatus("22")?.status.pods).toHaveLength(1);
  });

  it("stores what an untrusted cluster reports only after clamping it", async () => {
    const hub = new MetricsHub();
    await handle.db.delete(metricSamples);
    const pod = (name: string) => ({
      metadata: { name, namespace: "kb-lease-7" },
      status: { phase: "Running" },
    });
    const liar = {
      requestJson: async (path: string) =>
        path.startsWith("/api/v1/pods")
          ? { items: [pod("web-0"), pod("web-1")] }
          : {
              items: [
                {
                  metadata: { name: "web-0", namespace: "kb-lease-7" },
                  containers: [
                    { name: "web", usage: { cpu: "1e30", memory: "5Pi" } },
                    { name: "side", usage: { cpu: "1e30", memory: "5Pi" } },
                  ],
                },
                {
                  metadata: { name: "web-1", namespace: "kb-lease-7" },
                  containers: [{ name: "web", usage: { cpu: "-5", memory: "x" } }],
                },
              ],
            },
    } as unknown as ClusterClient;
    const p = createMetricsPoller({
      db: handle.db,
      clientFor: async (id) => (id === clusterIds.a ? liar : (clients.get(id) as ClusterClient)),
      hub,
      intervalMs: 1000,
      log: () => {},
    });
    await p.tick();
    const rows = await handle.db.select().from(metricSamples).where(eq(metricSamples.leaseId, "7"));
    expect(rows.map((r) => [r.pod, r.container, r.cpuMillis, r.memoryBytes]).sort()).toEqual([
      ["web-0", "", 2 ** 31 - 1, 2 ** 42],
      ["web-0", "side", 2 ** 31 - 1, 2 ** 42],
      ["web-0", "web", 2 ** 31 - 1, 2 ** 42],
      ["web-1", "", 0, 0],
      ["web-1", "web", 0, 0],
    ]);
    // The other cluster's leases were stored in the same tick.
    expect((await handle.db.select().from(metricSamples).where(eq(metricSamples.leaseId, "21"))).length).toBe(
      2,
    );
  });

  it("polls a bounded number of clusters at a time", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
    await handle.db.insert(leases).values(
      ids.map((clusterId, i) => ({
        id: String(300 + i),
        orderId: String(300 + i),
        tenant,
        provider: "0xp",
        pricePerHour: "1",
        deposit: "1",
        startedAt: new Date(),
        createdBlock: 1n,
        deployState: "running" as const,
        clusterId,
      })),
    );
    let inFlight = 0;
    let most = 0;
    const polled = new Set<string>();
    const slow = (clusterId: string) =>
      ({
        async requestJson() {
          inFlight++;
          most = Math.max(most, inFlight);
          polled.add(clusterId);
          await new Promise((r) => setTimeout(r, 20));
          inFlight--;
          return { items: [] };
        },
      }) as unknown as ClusterClient;
    const p = createMetricsPoller({
      db: handle.db,
      clientFor: async (id) => clients.get(id) ?? slow(id),
      hub: new MetricsHub(),
      intervalMs: 1000,
      clusterConcurrency: 2,
      log: () => {},
    });
    try {
      await p.tick();
      expect(polled.size).toBe(6);
      // Two lists per cluster, at most two clusters at once (the real clusters a and b count too).
      expect(most).toBeLessThanOrEqual(4);
      expect(most).toBeGreaterThanOrEqual(2);
    } finally {
      await handle.db.delete(leases).where(sql`${leases.id} in ('300','301','302','303','304','305')`);
    }
  });
});
