import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { alertDeliveries, alertSettings, alerts, leaseStatus, leases } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { evaluateAlerts } from "@/lib/alerts/evaluate-alerts";
import { insertLease, insertOrder, termsFromRow } from "@/lib/testing/alert-test-data";

// The alerts loop's pass over a real database: which conditions raise which alerts, once per episode.

const HOUR = 3600_000;
const T0 = new Date("2026-06-01T12:00:00Z");
const A = "0x000000000000000000000000000000000000000a";
const B = "0x000000000000000000000000000000000000000b";
let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

const at = (ms: number) => new Date(T0.getTime() + ms);

async function evaluate(now: Date) {
  return evaluateAlerts({
    db: handle.db,
    now,
    chainSeconds: now.getTime() / 1000,
    readTerms: async (lease) => termsFromRow(lease),
    emailEnabled: true,
  });
}

async function alertsOf(wallet: string) {
  return handle.db.select().from(alerts).where(eq(alerts.wallet, wallet)).orderBy(alerts.id);
}

describe("evaluateAlerts", () => {
  it("raises runway-low once per crossing, and again after a top-up runs low", async () => {
    // 1 token/h, 10 tokens of escrow, started 5 h ago: 5 h left, under the default 6 h.
    await insertLease(handle.db, { id: "1", tenant: A, startedAt: at(-5 * HOUR), deployState: "running" });
    expect(await evaluate(T0)).toBe(1);
    expect(await evaluate(T0)).toBe(0);
    expect(await evaluate(at(HOUR))).toBe(0);
    let runway = (await alertsOf(A)).filter((a) => a.kind === "runway-low");
    expect(runway).toHaveLength(1);
    expect(runway[0]?.message).toBe(
      "Lease #1 has 5h 0m of runway left, below your 6h 0m threshold. Top up its escrow to keep it running.",
    );
    expect(runway[0]?.leaseId).toBe("1");

    // A top-up to 20 tokens: 14 h left at T0 + 1 h, no alert; 10 h later 4 h left, a new crossing.
    await handle.db.update(leases).set({ deposit: "20000000" }).where(eq(leases.id, "1"));
    expect(await evaluate(at(HOUR))).toBe(0);
    expect(await evaluate(at(11 * HOUR))).toBe(1);
    runway = (await alertsOf(A)).filter((a) => a.kind === "runway-low");
    expect(runway.map((a) => a.episode)).toEqual(["10000000@21600", "20000000@21600"]);
  });

  it("raises an episode once when two passes overlap (a standby that took over early)", async () => {
    const D = "0x000000000000000000000000000000000000000d";
    await insertLease(handle.db, { id: "3", tenant: D, startedAt: at(-9 * HOUR) });
    const counts = await Promise.all([evaluate(T0), evaluate(T0), evaluate(T0)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await alertsOf(D)).toHaveLength(1);
  });

  it("follows the wallet's threshold and kinds", async () => {
    // 20 h left: above the default threshold, below a 24 h one.
    await insertLease(handle.db, { id: "2", tenant: B, deposit: "25000000", startedAt: at(-5 * HOUR) });
    expect(await evaluate(T0)).toBe(0);
    await handle.db
      .insert(alertSettings)
      .values({ wallet: B, kinds: ["runway-low"], runwayThresholdSeconds: 24 * 3600 });
    expect(await evaluate(T0)).toBe(1);
    await handle.db.update(alertSettings).set({ kinds: [] }).where(eq(alertSettings.wallet, B));
    await handle.db
      .update(leases)
      .set({ deployState: "failed", deployError: "quota" })
      .where(eq(leases.id, "2"));
    expect(await evaluate(T0)).toBe(0);
    expect((await alertsOf(B)).map((a) => a.kind)).toEqual(["runway-low"]);
  });

  it("raises crash loops and OOM kills per pod, failed deploys, closes and bid-less orders once", async () => {
    const C = "0x000000000000000000000000000000000000000c";
    await handle.db.insert(alertSettings).values({
      wallet: C,
      kinds: ["pod-crash-loop", "pod-oom-killed", "deploy-failed", "lease-closed", "order-no-bids"],
      runwayThresholdSeconds: 3600,
      webhookUrl: "https://hooks.example.com/kb",
      webhookSecret: "whsec_test",
    });
    await insertLease(handle.db, { id: "10", tenant: C, deployState: "running", startedAt: at(-HOUR) });
    const pod = (name: string, reasons: string[]) => ({
      name,
      phase: "Running",
      ready: false,
      readyContainers: 0,
      containers: 1,
      restarts: 4,
      node: "node-1",
      createdAt: null,
      reason: reasons[0] ?? null,
      reasons,
      requests: { cpuMillis: 100, memoryBytes: 1 << 20 },
      limits: { cpuMillis: 100, memoryBytes: 1 << 20 },
      containerStatuses: [],
    });
    await handle.db.insert(leaseStatus).values({
      leaseId: "10",
      observedAt: T0,
      status: {
        pods: [
          pod("web-a", ["CrashLoopBackOff", "OOMKilled"]),
          pod("web-b", ["CrashLoopBackOff"]),
          pod("ok", []),
        ],
        events: [],
        endpoints: [],
      },
    });
    await insertLease(handle.db, {
      id: "11",
      tenant: C,
      deployState: "failed",
      deployError: "image pull failed",
    });
    await insertLease(handle.db, {
      id: "12",
      tenant: C,
      status: "closed",
      closedAt: at(-HOUR),
      closeReason: "tenant",
    });
    await insertLease(handle.db, { id: "13", tenant: C, status: "closed", closedAt: at(-72 * HOUR) });
    await insertOrder(handle.db, { id: "20", tenant: C, bidWindowEndsAt: at(-60_000) });
    await insertOrder(handle.db, { id: "21", tenant: C, bidWindowEndsAt: at(60_000) });
    await insertOrder(handle.db, { id: "22", tenant: C, bidWindowEndsAt: at(-60_000), bidCount: 2 });
    await insertOrder(handle.db, { id: "23", tenant: C, bidWindowEndsAt: at(-60_000), status: "leased" });

    expect(await evaluate(T0)).toBe(6);
    expect(await evaluate(at(30_000))).toBe(0);
    // Order 21's window ends at T0 + 1 min: then it too is bid-less.
    expect(await evaluate(at(60_000))).toBe(1);
    const raised = (await alertsOf(C)).map((a) => [a.kind, a.subject]);
    expect(raised.sort()).toEqual(
      [
        ["pod-crash-loop", "lease:10/pod:web-a"],
        ["pod-oom-killed", "lease:10/pod:web-a"],
        ["pod-crash-loop", "lease:10/pod:web-b"],
        ["deploy-failed", "lease:11"],
        ["lease-closed", "lease:12"],
        ["order-no-bids", "order:20"],
        ["order-no-bids", "order:21"],
      ].sort(),
    );
    const closed = (await alertsOf(C)).find((a) => a.kind === "lease-closed");
    expect(closed?.message).toBe("Lease #12 was closed (tenant).");

    // Each alert queued one webhook delivery (no verified email).
    const deliveries = await handle.db.select().from(alertDeliveries).where(eq(alertDeliveries.wallet, C));
    expect(deliveries).toHaveLength(7);
    expect(new Set(deliveries.map((d) => `${d.channel} ${d.target} ${d.status}`))).toEqual(
      new Set(["webhook https://hooks.example.com/kb pending"]),
    );

    // A new deploy error is a new episode.
    await handle.db.update(leases).set({ deployError: "quota exceeded" }).where(eq(leases.id, "11"));
    expect(await evaluate(at(120_000))).toBe(1);
    expect(await evaluate(at(120_000))).toBe(0);
  });
});
