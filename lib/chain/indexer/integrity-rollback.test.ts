import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bondEvents, downtimeRefunds, leases, orders, providers, sealedBids } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { toBytes32Text } from "@/lib/chain/order-types";
import { getLeaseIntegrity, getProviderBond, getSealedAuctionView } from "@/lib/market/market-integrity";
import { applyMarketEvent, emptyEventRows, eventKeys } from "./apply-market-event";
import type { MarketEvent } from "./decode-market-log";
import {
  insertBondSnapshots,
  insertChainEvents,
  insertEventRows,
  loadMarketState,
  saveMarketState,
} from "./market-store";
import { rollBackToFork } from "./roll-back-to-fork";

// The integrity events through the indexer's store (the same calls indexRange makes, without a chain),
// then a reorg: everything from the fork block up is undone, folds replayed, bond readings of dropped
// blocks deleted so the bond reads as it was at the ancestor. Also the read models D and C2 use.

const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const provider = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const rival = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const zero32 = `0x${"0".repeat(64)}` as Hex;
const T0 = 1_900_000_000;
let h: Awaited<ReturnType<typeof createTestDb>>;

beforeAll(async () => {
  h = await createTestDb();
});
afterAll(async () => {
  await h?.close();
});

let logIndex = 0;
function ev(block: number, e: Pick<MarketEvent, "name" | "args">): MarketEvent & { at: Date } {
  return {
    ...e,
    blockNumber: BigInt(block),
    blockHash: `0x${block.toString(16).padStart(64, "0")}` as Hex,
    txHash: `0x${(1000 + logIndex).toString(16).padStart(64, "0")}` as Hex,
    logIndex: logIndex++,
    at: new Date((T0 + block * 10) * 1000),
  } as MarketEvent & { at: Date };
}

/** What indexRange does with a batch, minus the RPC: store, fold, save, insert rows and bond readings. */
async function index(events: (MarketEvent & { at: Date })[], bonds: [string, bigint, bigint][] = []) {
  await h.db.transaction(async (tx) => {
    const located = events.map((e) => ({ ...e, ...eventKeys(e) }));
    await insertChainEvents(tx, located);
    const state = await loadMarketState(tx, {
      orderIds: located.flatMap((e) => (e.orderId ? [e.orderId] : [])),
      providers: located.flatMap((e) => (e.provider ? [e.provider] : [])),
    });
    const rows = emptyEventRows();
    for (const e of located) expect(applyMarketEvent(state, e, e.at, rows)).toBeUndefined();
    for (const [id, row] of state.orders) if (row === null) state.orders.delete(id);
    for (const [id, row] of state.leases) if (row === null) state.leases.delete(id);
    await saveMarketState(tx, state);
    await insertEventRows(tx, rows);
    const last = events.at(-1)!;
    await insertBondSnapshots(
      tx,
      bonds.map(([p, total, locked]) => ({
        provider: p,
        blockNumber: last.blockNumber,
        total,
        locked,
        unbonding: 0n,
        unbondAt: 0,
        at: last.at,
      })),
    );
  });
}

const orderArgs = (id: bigint, sealed: boolean) => ({
  orderId: id,
  tenant,
  orderHash: `0x${"c".repeat(64)}`,
  bidEnd: BigInt(T0 + 100),
  order: {
    tenant,
    specHash: `0x${"d".repeat(64)}`,
    cpuMillicores: 1000n,
    memoryMiB: 1024n,
    storageMiB: 0n,
    gpuCount: 0n,
    gpuModel: zero32,
    requiredAttributes: [],
    maxPricePerHour: 3600n,
    duration: 3600n,
    deposit: 3600n,
    bidWindow: 100n,
    nonce: id,
    deadline: 0n,
    startDeadline: 600n,
    auctionFormat: sealed ? 1n : 0n,
    revealWindow: sealed ? 300n : 0n,
    minReputation: 0n,
  },
});

describe("integrity events through the store, and a reorg", () => {
  it("indexes bonds, an attested lease with downtime, a sealed auction; a reorg undoes the later blocks", async () => {
    await index(
      [
        ev(1, { name: "BondDeposited", args: { provider, amount: 1000n, total: 1000n } }),
        ev(1, { name: "OrderCreated", args: orderArgs(1n, false) } as never),
        ev(1, { name: "OrderCreated", args: orderArgs(2n, true) } as never),
        ev(2, { name: "BidPlaced", args: { orderId: 1n, provider, bidder: provider, pricePerHour: 3600n } }),
        ev(2, { name: "BidCommitted", args: { orderId: 2n, provider, bidder: provider } }),
        ev(2, { name: "BidCommitted", args: { orderId: 2n, provider: rival, bidder: rival } }),
      ],
      [[provider, 1000n, 1440n]],
    );
    await index(
      [
        ev(3, {
          name: "LeaseStarted",
          args: {
            leaseId: 1n,
            provider,
            tenant,
            pricePerHour: 3600n,
            startedAt: BigInt(T0 + 30),
            endsAt: BigInt(T0 + 3630),
            feeBps: 0n,
            early: false,
          },
        }),
        ev(3, { name: "BidRevealed", args: { orderId: 2n, provider, price: 2000n } }),
        ev(3, { name: "BidRevealed", args: { orderId: 2n, provider: rival, price: 2500n } }),
      ],
      [[provider, 1000n, 1120n]],
    );
    // Fork from block 4 on: the attestation, the downtime and its slash, and the reputation get dropped.
    await index(
      [
        ev(4, {
          name: "LeaseStartAttested",
          args: {
            leaseId: 1n,
            specHash: `0x${"d".repeat(64)}`,
            startedAt: BigInt(T0 + 70),
            endsAt: BigInt(T0 + 3670),
          },
        }),
        ev(5, {
          name: "DowntimeRefunded",
          args: { leaseId: 1n, downtimeSeconds: 60n, fromEarnings: 40n, fromBond: 20n },
        }),
        ev(5, {
          name: "BondSlashed",
          args: { provider, leaseId: 1n, amount: 20n, to: tenant, reason: toBytes32Text("sla") },
        }),
        ev(5, { name: "ReputationAttested", args: { provider, score: 80n } }),
      ],
      [[provider, 980n, 720n]],
    );

    const now = new Date((T0 + 670) * 1000);
    expect(await getProviderBond(h.db, provider)).toMatchObject({ total: "980", locked: "720", free: "260" });
    const lease = await getLeaseIntegrity(h.db, "1", { now });
    expect(lease).toMatchObject({
      start: "attested",
      secondsToStart: 40,
      downtimeSeconds: 60,
      slaRefunded: "60",
      runSeconds: 600,
      uptimePercent: 90,
    });
    expect(lease?.refunds).toMatchObject([{ seconds: 60, fromEarnings: "40", fromBond: "20" }]);
    const auction = await getSealedAuctionView(h.db, "2");
    expect(auction).toMatchObject({
      bestProvider: provider,
      bestPrice: "2000",
      secondPrice: "2500",
      clearingPrice: "2500",
    });
    expect(auction?.commits).toHaveLength(2);
    expect(auction?.reveals.map((r) => r.price)).toEqual(["2000", "2500"]);
    expect(await getSealedAuctionView(h.db, "1")).toBeNull();
    const [p] = await h.db.select().from(providers);
    expect(p).toMatchObject({ reputation: 80 });

    await rollBackToFork({
      db: h.db,
      name: "market",
      forkBlock: 4n,
      ancestor: { number: 3n, hash: `0x${"3".padStart(64, "0")}` },
      log: () => {},
    });
    expect(await getProviderBond(h.db, provider)).toMatchObject({ total: "1000", locked: "1120", free: "0" });
    const [l] = await h.db.select().from(leases);
    expect(l).toMatchObject({
      attestedAt: null,
      downtimeSeconds: 0,
      slaRefunded: "0",
      settledAt: new Date((T0 + 30) * 1000),
    });
    expect(await h.db.select().from(downtimeRefunds)).toHaveLength(0);
    expect((await h.db.select().from(bondEvents)).map((b) => b.kind)).toEqual(["deposit"]);
    const [p2] = await h.db.select().from(providers);
    expect(p2).toMatchObject({ reputation: 0, reputationAttestedAt: null });
    expect(await h.db.select().from(sealedBids)).toHaveLength(4);
    const [o2] = (await h.db.select().from(orders)).filter((o) => o.id === "2");
    expect(o2).toMatchObject({ commitCount: 2, revealCount: 2, secondPrice: "2500" });
    expect((await getLeaseIntegrity(h.db, "1", { now }))?.start).toBe("missed");
  });
});
