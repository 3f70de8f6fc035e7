import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { downtimeRefunds, leaseDowntime, leaseSla, leases } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { readServiceLevel } from "./read-service-level";

// The lease page's service level from what the indexer and the lease controller stored: the
// attested start and start deadline (lease row), uptime with its downtime intervals, the SLA refunds
// (downtime_refunds), and the cancellation of a lease that never started. Another lease's rows never
// leak in.

let handle: DbHandle;
let log = 0;
const T0 = Date.parse("2026-11-30T10:00:00Z");
const sec = (ms: number) => Math.floor(ms / 1000);
const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";

const lease = (id: string, over: Partial<typeof leases.$inferInsert> = {}) => ({
  id,
  orderId: id,
  tenant,
  provider: "0xp",
  pricePerHour: "3600",
  deposit: "100000",
  startedAt: new Date(T0),
  endsAt: new Date(T0 + 3600_000),
  createdBlock: 1n,
  settledAt: new Date(T0),
  ...over,
});
const refund = (leaseId: string, seconds: number, fromEarnings: string, fromBond: string, atMs: number) => ({
  leaseId,
  provider: "0xp",
  seconds,
  fromEarnings,
  fromBond,
  blockNumber: BigInt(++log),
  txHash: `0x${String(log).padStart(64, "0")}`,
  logIndex: 0,
  at: new Date(atMs),
});

let started: Awaited<ReturnType<typeof readServiceLevel>>;
let unstarted: Awaited<ReturnType<typeof readServiceLevel>>;
let waiting: Awaited<ReturnType<typeof readServiceLevel>>;

beforeAll(async () => {
  handle = await createTestDb();
  const db = handle.db;
  await db.insert(leases).values([
    // Attested 41 s after settlement (the chain's figure); the deployer's record says 40 s.
    lease("1", { attestedAt: new Date(T0 + 41_000), startDeadline: new Date(T0 + 300_000) }),
    lease("2", {
      status: "closed",
      startDeadline: new Date(T0 + 120_000),
      closedAt: new Date(T0 + 130_000),
      unstartedRefund: "100000",
      unstartedSlash: "2500",
    }),
    lease("3", { startDeadline: new Date(T0 + 600_000) }),
  ]);
  // Lease 1: down 2 min (cluster) then 30 s (pods); refunded twice.
  await db
    .insert(leaseSla)
    .values({ leaseId: "1", attestedAt: new Date(T0 + 40_000), attestedDowntimeSeconds: 150 });
  await db.insert(leaseDowntime).values([
    {
      leaseId: "1",
      cause: "cluster-unreachable",
      startedAt: new Date(T0 + 600_000),
      endedAt: new Date(T0 + 720_000),
    },
    {
      leaseId: "1",
      cause: "pods-not-ready",
      startedAt: new Date(T0 + 900_000),
      endedAt: new Date(T0 + 930_000),
    },
    { leaseId: "3", cause: "pods-not-ready", startedAt: new Date(T0), endedAt: null },
  ]);
  await db
    .insert(downtimeRefunds)
    .values([
      refund("1", 120, "120", "0", T0 + 780_000),
      refund("1", 30, "10", "20", T0 + 960_000),
      refund("4", 99, "99", "0", T0 + 960_000),
    ]);
  const now = new Date(T0 + 3_600_000);
  const levelOf = async (id: string) => {
    const [row] = await db.select().from(leases).where(eq(leases.id, id));
    if (!row) throw new Error(`lease ${id} missing`);
    return readServiceLevel({ db, lease: row, now });
  };
  started = await levelOf("1");
  unstarted = await levelOf("2");
  waiting = await levelOf("3");
});
afterAll(async () => {
  await handle?.close();
});

describe("readServiceLevel", () => {
  it("a started lease: the chain's attested start, its deadline, uptime, intervals and refunds", () => {
    expect(started.settledAt).toBe(sec(T0));
    // The indexed LeaseStartAttested time wins over the deployer's record (40 s).
    expect(started.attestedAt).toBe(sec(T0) + 41);
    expect(started.startDeadline).toBe(sec(T0) + 300);
    expect(started.downtimeSeconds).toBe(150);
    expect(started.uptimePercent).toBeLessThan(100);
    expect(started.uptimePercent).toBeGreaterThan(95);
    expect(started.intervals).toEqual([
      {
        from: new Date(T0 + 600_000).toISOString(),
        to: new Date(T0 + 720_000).toISOString(),
        seconds: 120,
        reason: "cluster unreachable",
      },
      {
        from: new Date(T0 + 900_000).toISOString(),
        to: new Date(T0 + 930_000).toISOString(),
        seconds: 30,
        reason: "pods not ready",
      },
    ]);
    expect(started.refunds.map((r) => [r.seconds, r.fromEarnings, r.fromBond])).toEqual([
      [120, "120", "0"],
      [30, "10", "20"],
    ]);
    expect(started.unstarted).toBeNull();
  });

  it("a lease the provider never started: no start, what the tenant got back and the slash", () => {
    expect(unstarted.attestedAt).toBeNull();
    expect(unstarted.startDeadline).toBe(sec(T0) + 120);
    expect(unstarted.uptimePercent).toBeNull();
    expect(unstarted.unstarted).toMatchObject({ refund: "100000", slashed: "2500" });
    expect(unstarted.refunds).toEqual([]);
  });

  it("a lease still waiting for its start counts no downtime and claims no uptime", () => {
    expect(waiting.attestedAt).toBeNull();
    expect(waiting.startDeadline).toBe(sec(T0) + 600);
    expect(waiting.uptimePercent).toBeNull();
    expect(waiting.downtimeSeconds).toBe(0);
    expect(waiting.intervals).toEqual([]);
  });
});
