import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, clusterUptime, downtimeRefunds, leases, providers } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import {
  emptyReputationParts,
  getProviderReputation,
  listProviderReputations,
  NEUTRAL_REPUTATION,
  scoreReputation,
} from "./reputation";

const now = new Date("2030-06-30T12:00:00Z");
const good = "0x00000000000000000000000000000000000000a1";
const bad = "0x00000000000000000000000000000000000000b2";
const fresh = "0x00000000000000000000000000000000000000c3";
const operator = "0x00000000000000000000000000000000000000ff";
const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const min = (m: number) => new Date(now.getTime() - m * 60_000);

let handle: DbHandle;
let leaseNo = 0;
const lease = (provider: string, over: Partial<typeof leases.$inferInsert>) => {
  const id = String(++leaseNo);
  return {
    id,
    orderId: id,
    tenant,
    provider,
    pricePerHour: "1000000",
    deposit: "100000000",
    startedAt: min(600),
    settledAt: min(600),
    startDeadline: min(590),
    endsAt: min(0),
    createdBlock: 1n,
    ...over,
  };
};

beforeAll(async () => {
  handle = await createTestDb();
  const db = handle.db;
  await db.insert(providers).values([
    { address: good, registered: true, reputation: 70, reputationAttestedAt: min(30) },
    { address: bad, registered: true, operator },
    { address: fresh, registered: true },
  ]);
  const [cg, cb] = await db
    .insert(clusters)
    .values([
      { providerAddress: good, name: "g", kubeconfigEnc: "x", server: "https://g" },
      { providerAddress: bad, name: "b", kubeconfigEnc: "x", server: "https://b" },
    ])
    .returning({ id: clusters.id });
  await db.insert(clusterUptime).values([
    { clusterId: cg!.id, day: "2030-06-29", upChecks: 998, downChecks: 0 },
    { clusterId: cg!.id, day: "2030-06-30", upChecks: 1000, downChecks: 2 },
    // Older than the 30-day window: does not count.
    { clusterId: cb!.id, day: "2030-01-01", upChecks: 5000, downChecks: 0 },
    { clusterId: cb!.id, day: "2030-06-30", upChecks: 500, downChecks: 500 },
  ]);
  await db.insert(leases).values([
    // good: two leases attested within 30 s and 50 s, run 10 h, one closed normally by the tenant.
    lease(good, {
      attestedAt: new Date(min(600).getTime() + 30_000),
      status: "closed",
      closedAt: min(0),
      closedBy: tenant,
    }),
    lease(good, { attestedAt: new Date(min(600).getTime() + 50_000) }),
    // bad: one attested late (after its deadline, 15 min), then closed early by its operator;
    lease(bad, {
      attestedAt: min(585),
      status: "closed",
      closedAt: min(300),
      closedBy: operator,
    }),
    // one cancelled unstarted (not "closed early": it never started);
    lease(bad, { status: "closed", closedAt: min(580), unstartedRefund: "100000000", unstartedSlash: "5" }),
    // one past its deadline, never attested (the keeper has not cancelled it yet).
    lease(bad, {}),
  ]);
  await db.insert(downtimeRefunds).values([
    {
      leaseId: "3",
      provider: bad,
      seconds: 1200,
      fromEarnings: "300000",
      fromBond: "33333",
      blockNumber: 5n,
      txHash: "0x01",
      logIndex: 0,
      at: min(400),
    },
    {
      leaseId: "3",
      provider: bad,
      seconds: 0,
      fromEarnings: "0",
      fromBond: "0",
      blockNumber: 6n,
      txHash: "0x02",
      logIndex: 0,
      at: min(350),
    },
  ]);
});
afterAll(async () => {
  await handle?.close();
});

describe("scoreReputation", () => {
  it("gives a provider with no history the neutral score, every part at 0.5", () => {
    const { score, subScores } = scoreReputation(emptyReputationParts());
    expect(score).toBe(NEUTRAL_REPUTATION);
    expect(Object.values(subScores)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it("scores start speed linearly between 60 s and 600 s and SLA by refunded share of run time", () => {
    const parts = { ...emptyReputationParts(), medianStartSeconds: 330, attestedRunSeconds: 10_000 };
    parts.slaRefunds = { count: 1, seconds: 500, amount: "1" };
    const { subScores } = scoreReputation(parts);
    expect(subScores.startSpeed).toBeCloseTo(0.5);
    expect(subScores.sla).toBeCloseTo(0.5);
    expect(scoreReputation({ ...parts, medianStartSeconds: 30 }).subScores.startSpeed).toBe(1);
    expect(scoreReputation({ ...parts, medianStartSeconds: 900 }).subScores.startSpeed).toBe(0);
  });
});

describe("provider reputation from the database", () => {
  it("measures each part for a reliable provider", async () => {
    const r = await getProviderReputation(handle.db, good.toUpperCase().replace("0X", "0x"), { now });
    expect(r.address).toBe(good);
    expect(r.parts).toMatchObject({
      upChecks: 1998,
      downChecks: 2,
      leasesStartedOnTime: 2,
      leasesStartDue: 2,
      leasesEndedEarly: 0,
      leasesClosed: 1,
      slaRefunds: { count: 0, seconds: 0, amount: "0" },
      attestedRunSeconds: 2 * 600 * 60 - 80,
      medianStartSeconds: 40,
    });
    expect(r.parts.clusterUptimePercent).toBeCloseTo(99.9);
    expect(r.score).toBeGreaterThan(80);
    expect(r.onChainScore).toBe(70);
    expect(r.onChainAttestedAt).toEqual(min(30));
  });

  it("counts late starts, unstarted leases, early closes by the operator and SLA refunds against a provider", async () => {
    const r = await getProviderReputation(handle.db, bad, { now });
    expect(r.parts).toMatchObject({
      upChecks: 500,
      downChecks: 500,
      clusterUptimePercent: 50,
      leasesStartedOnTime: 0,
      leasesStartDue: 3,
      leasesEndedEarly: 1,
      leasesClosed: 1,
      slaRefunds: { count: 1, seconds: 1200, amount: "333333" },
      attestedRunSeconds: 285 * 60,
      medianStartSeconds: 15 * 60,
    });
    expect(r.score).toBeLessThan(NEUTRAL_REPUTATION);
    expect(r.onChainScore).toBe(0);
  });

  it("lists every provider, best first, unknown ones neutral", async () => {
    const list = await listProviderReputations(handle.db, { now });
    expect(list.map((r) => r.address)).toEqual([good, fresh, bad]);
    expect(list[1]?.score).toBe(NEUTRAL_REPUTATION);
    const stranger = await getProviderReputation(handle.db, "0x00000000000000000000000000000000000000dd", {
      now,
    });
    expect(stranger.score).toBe(NEUTRAL_REPUTATION);
  });
});
