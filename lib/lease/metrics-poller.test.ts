import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, leases, metricSamples } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { MetricsHub } from "@/lib/lease/metrics-hub";
import { createMetricsPoller } from "@/lib/lease/metrics-poller";
import type { LiveMessage } from "@/lib/lease/types";
import type { LeaseWorkload } from "@/lib/lease/workload";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  const [c] = await handle.db
    .insert(clusters)
    .values({
      providerAddress: "0xp",
      name: "c1",
      kubeconfigEnc: "x",
      server: "https://127.0.0.1:1",
      status: "up",
    })
    .returning();
  await handle.db.insert(leases).values({
    id: "7",
    orderId: "7",
    tenant: "0xt",
    provider: "0xp",
    pricePerHour: "1",
    deposit: "1",
    startedAt: new Date(),
    createdBlock: 1n,
    deployState: "running",
    clusterId: c?.id,
  });
});
afterAll(async () => handle.close());

function counting(opts: { fail?: () => boolean } = {}) {
  const count = { metrics: 0, status: 0 };
  const workload: LeaseWorkload = {
    apply: async () => ({ namespace: "x" }),
    teardown: async () => {},
    async status() {
      count.status++;
      return { pods: [], events: [], endpoints: [] };
    },
    async metrics() {
      count.metrics++;
      if (opts.fail?.()) throw new Error("connect ECONNREFUSED");
      return { available: true, usage: [{ pod: "web-0", cpuMillis: 120, memoryBytes: 50_000_000 }] };
    },
  };
  return { workload, count };
}

describe("metrics poller", () => {
  it("polls the cluster once per lease and interval however many subscribers watch, and keeps samples", async () => {
    const hub = new MetricsHub();
    const { workload, count } = counting();
    const poller = createMetricsPoller({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      hub,
      intervalMs: 1000,
      log: () => {},
    });
    const received: LiveMessage[][] = Array.from({ length: 50 }, () => []);
    const unsubscribe = received.map((list) => hub.subscribe("7", (m) => list.push(m)));
    for (let i = 0; i < 3; i++) await poller.tick();
    expect(count.metrics).toBe(3);
    for (const list of received) expect(list.filter((m) => m.type === "sample")).toHaveLength(3);
    const rows = await handle.db.select().from(metricSamples);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ leaseId: "7", pod: "web-0", cpuMillis: 120 });
    for (const u of unsubscribe) u();
    // Nobody watching: still one poll per interval (history keeps filling), not zero and not more.
    await poller.tick();
    expect(count.metrics).toBe(4);
  });

  it("backs off exponentially while the cluster is down and tells the subscribers", async () => {
    let now = 1_000_000;
    let down = true;
    const hub = new MetricsHub();
    const { workload, count } = counting({ fail: () => down });
    const poller = createMetricsPoller({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      hub,
      intervalMs: 1000,
      now: () => new Date(now),
      log: () => {},
    });
    const errors: LiveMessage[] = [];
    hub.subscribe("7", (m) => m.type === "error" && errors.push(m));
    await poller.tick(); // fails: next try in 2 s
    now += 1000;
    await poller.tick(); // skipped
    expect(count.metrics).toBe(1);
    now += 1000;
    await poller.tick(); // fails again: next in 4 s
    expect(count.metrics).toBe(2);
    now += 3000;
    await poller.tick(); // skipped
    expect(count.metrics).toBe(2);
    down = false;
    now += 1000;
    await poller.tick(); // recovers
    expect(count.metrics).toBe(3);
    expect(poller.backoffState().size).toBe(0);
    expect(errors.length).toBe(2);
  });
});
