import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusters, clusterUptime, inventorySnapshots } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { refreshAllClusters, startInventoryLoop } from "./inventory-loop";
import { encryptKubeconfig } from "./kubeconfig-crypto";
import { simKubeconfig } from "./sim-test-client";

let sim: Simulator;
let handle: Awaited<ReturnType<typeof createTestDb>>;
const key = randomBytes(32);
const ids: Record<string, string> = {};

beforeAll(async () => {
  [sim, handle] = await Promise.all([
    startSimulator({
      clusters: [
        { name: "a", region: "eu-west-1", nodes: [{ name: "a1", cpu: "8", memory: "32Gi" }] },
        {
          name: "b",
          region: "us-east-1",
          nodes: [
            { name: "b1", cpu: "16", memory: "64Gi", gpus: 2, gpuProduct: "NVIDIA-L4" },
            { name: "b2", cpu: "16", memory: "64Gi", ready: false },
          ],
          metricsApi: false,
        },
      ],
    }),
    createTestDb(),
  ]);
  for (const c of sim.clusters) {
    const [row] = await handle.db
      .insert(clusters)
      .values({
        providerAddress: "0x00000000000000000000000000000000000000aa",
        name: c.name,
        server: c.server,
        kubeconfigEnc: encryptKubeconfig(simKubeconfig(c), key),
      })
      .returning({ id: clusters.id });
    ids[c.name] = row?.id ?? "";
  }
});

afterAll(async () => {
  await sim?.stop();
  await handle?.close();
});

const opts = () => ({ db: handle.db, key, allowPrivate: true, timeoutMs: 2000 });
const row = async (name: string) =>
  (
    await handle.db
      .select()
      .from(clusters)
      .where(eq(clusters.id, ids[name] ?? ""))
  )[0];

describe("refreshAllClusters", () => {
  it("writes a snapshot and marks every cluster up", async () => {
    const summary = await refreshAllClusters(opts());
    expect(summary).toMatchObject({ clusters: 2, up: 2, down: 0, nodes: 3 });
    const b = await row("b");
    expect(b).toMatchObject({ status: "up", lastError: null, region: "us-east-1", metricsApi: false });
    expect(b?.version).toMatch(/^v1\./);
    expect(b?.lastSeenAt).toBeInstanceOf(Date);
    expect((await row("a"))?.metricsApi).toBe(true);
    const [snap] = await handle.db
      .select()
      .from(inventorySnapshots)
      .where(eq(inventorySnapshots.clusterId, ids.b ?? ""));
    expect(snap?.allocatable).toEqual({
      cpuMillis: 16_000,
      memoryBytes: 64 * 1024 ** 3,
      gpus: { "NVIDIA-L4": 2 },
    });
    expect(snap?.nodes.map((n) => [n.name, n.ready])).toEqual([
      ["b1", true],
      ["b2", false],
    ]);
  });

  it("marks a stopped cluster down with its error, and up again once it answers", async () => {
    const a = sim.cluster("a");
    const idA = (await row("a"))!.id;
    const checks = async () => {
      const rows = await handle.db.select().from(clusterUptime).where(eq(clusterUptime.clusterId, idA));
      return rows.reduce((s, r) => ({ up: s.up + r.upChecks, down: s.down + r.downChecks }), {
        up: 0,
        down: 0,
      });
    };
    const before = await checks();
    await a.stop();
    try {
      const started = Date.now();
      const summary = await refreshAllClusters(opts());
      expect(Date.now() - started).toBeLessThan(3000);
      expect(summary).toMatchObject({ up: 1, down: 1 });
      const down = await row("a");
      expect(down?.status).toBe("down");
      expect(down?.lastError).toMatch(/could not connect/);
      expect((await row("b"))?.status).toBe("up");
    } finally {
      await a.start();
    }
    await refreshAllClusters(opts());
    expect(await row("a")).toMatchObject({ status: "up", lastError: null });
    // Each outcome counted into the cluster's day (reputation's cluster uptime).
    expect(await checks()).toEqual({ up: before.up + 1, down: before.down + 1 });
  });

  it("prunes snapshots beyond the window but keeps each cluster's latest", async () => {
    const old = new Date(Date.now() - 3 * 3600_000);
    for (const id of Object.values(ids))
      await handle.db.insert(inventorySnapshots).values({
        clusterId: id,
        takenAt: old,
        allocatable: { cpuMillis: 0, memoryBytes: 0, gpus: {} },
        free: { cpuMillis: 0, memoryBytes: 0, gpus: {} },
        nodes: [],
      });
    const summary = await refreshAllClusters({ ...opts(), retentionMs: 60_000 });
    expect(summary.pruned).toBe(2);
    // Everything but the recent passes is gone; a cluster whose only snapshot is old keeps it.
    const rows = await handle.db.select().from(inventorySnapshots);
    expect(rows.every((r) => r.takenAt > old)).toBe(true);
    await refreshAllClusters({ ...opts(), retentionMs: 0 });
    const left = await handle.db.select().from(inventorySnapshots);
    expect(left).toHaveLength(2);
  });
});

describe("startInventoryLoop", () => {
  it("runs passes on an interval until stopped, recovering a cluster by itself", async () => {
    const passes: Array<{ up: number; down: number }> = [];
    const a = sim.cluster("a");
    await a.stop();
    let restarted = false;
    const stop = startInventoryLoop({
      ...opts(),
      intervalMs: 50,
      onPass: (s) => {
        passes.push({ up: s.up, down: s.down });
        if (!restarted) {
          restarted = true;
          void a.start();
        }
      },
    });
    await expect.poll(() => passes.at(-1)?.up, { timeout: 10_000 }).toBe(2);
    await stop();
    const count = passes.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(passes.length).toBe(count);
    expect(passes[0]).toEqual({ up: 1, down: 1 });
    expect(await row("a")).toMatchObject({ status: "up" });
  });
});
