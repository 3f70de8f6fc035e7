import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import {
  bids,
  chainEvents,
  indexedBlocks,
  indexerCursor,
  leases,
  meta,
  orders,
  payments,
  providers,
} from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { devRoles } from "@/lib/chain/dev-accounts";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { compareWithChain, dumpIndexedTables } from "./compare-with-chain";
import { ChainChangedError, indexRange } from "./index-range";
import { createMarketDriver, type MarketDriver, USD } from "./market-test-driver";
import { syncOnce } from "./sync-once";

// Reorgs on anvil: evm_snapshot, index a branch, evm_revert, build another branch, index again. The rolled
// back database must equal one that indexed the surviving chain from scratch, match the contract's views,
// and keep what other parts of the app wrote into the same rows (lease deploy state, provider profile).

const quiet = () => {};
const [p0, p1, p2] = devRoles.providers.map((p) => p.address);
const [t0] = devRoles.tenants.map((t) => t.address);
const operator = devRoles.bidEngineOperator.address;

let anvil: AnvilInstance;
let m: MarketDriver;
let main: Awaited<ReturnType<typeof createTestDb>>;
let fresh: Awaited<ReturnType<typeof createTestDb>>;
let x: bigint;
let z: bigint;
/** An order open for a week that no test settles. */
let x0: bigint;

const sync = (db: DbHandle["db"]) =>
  syncOnce({ db, client: m.pub, market: m.market, startBlock: m.deployBlock, confirmations: 0, log: quiet });

/** What the rest of the app writes into chain-derived rows; must survive a rollback. */
async function offChainEdits(db: DbHandle["db"]) {
  await db
    .update(leases)
    .set({ deployState: "running", namespace: "lease-z" })
    .where(eq(leases.id, z.toString()));
  await db.update(providers).set({ name: "Acme" }).where(eq(providers.address, p1!.toLowerCase()));
}

/** A database indexing the current chain from scratch, with the same off-chain edits. */
async function reindexedFromScratch() {
  for (const t of [
    chainEvents,
    bids,
    payments,
    leases,
    orders,
    providers,
    indexerCursor,
    indexedBlocks,
    meta,
  ]) {
    await fresh.db.delete(t);
  }
  await sync(fresh.db);
  await offChainEdits(fresh.db);
  return dumpIndexedTables(fresh.db);
}

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl, feeBps: 50 });
  [main, fresh] = await Promise.all([createTestDb(), createTestDb()]);
  await m.fund(t0!);
  await m.register(p0!, { operator, region: "eu-west" });
  await m.register(p1!, { region: "us-east" });
  x = await m.createOrder(await m.makeOrder(t0!, { bidWindow: 7 * 24 * 3600 }));
  await m.bid(operator, x, p0!, 2n * USD);
  z = await m.createOrder(await m.makeOrder(t0!));
  await m.bid(p1!, z, p1!, USD);
  await m.accept(t0!, z);
  x0 = await m.createOrder(await m.makeOrder(t0!, { bidWindow: 7 * 24 * 3600 }));
  await sync(main.db);
  await offChainEdits(main.db);
});

afterAll(async () => {
  await main?.close();
  await fresh?.close();
  await anvil?.stop();
});

describe("reorg handling", () => {
  it("rolls back a replaced branch at the same height and re-indexes the new one", async () => {
    const snapshot = await m.test.snapshot();
    // Branch 1: a bid, a new order, an attribute update, a top-up, a deregistration.
    await m.bid(p1!, x, p1!, 15n * (USD / 10n));
    const y = await m.createOrder(await m.makeOrder(t0!));
    await m.update(p0!, { region: "ap-south" });
    await m.topUp(t0!, z, 5n * USD);
    await m.register(p2!, { region: "eu-west" });
    await sync(main.db);
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);
    const [orderY] = await main.db.select().from(orders).where(eq(orders.id, y.toString()));
    expect(orderY).toBeDefined();
    const [cursor] = await main.db.select().from(indexerCursor);

    // Branch 2 replaces it, and grows past the old cursor.
    await m.test.revert({ id: snapshot });
    await m.advance(60);
    await m.bid(operator, x, p0!, 17n * (USD / 10n));
    await m.cancel(t0!, x);
    await m.advance(7200);
    await m.close(p1!, z, "provider-stop");
    await m.test.mine({ blocks: 10 });
    expect(await m.head()).toBeGreaterThan(cursor!.blockNumber);

    const result = await sync(main.db);
    expect(result.reorg).toBeDefined();
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);
    // p2 registered only on branch 1: its row stays (others may own it) with the on-chain part reset.
    const p2Rows = await main.db.select().from(providers).where(eq(providers.address, p2!.toLowerCase()));
    expect(p2Rows).toMatchObject([{ registered: false, operator: null, attributes: [], registeredAt: null }]);
    await main.db.delete(providers).where(eq(providers.address, p2!.toLowerCase()));
    expect(await dumpIndexedTables(main.db)).toEqual(await reindexedFromScratch());

    // Branch 1's order is gone, the top-up undone, the lease kept its controller state.
    expect(await main.db.select().from(orders).where(eq(orders.id, y.toString()))).toEqual([]);
    const [leaseZ] = await main.db.select().from(leases).where(eq(leases.id, z.toString()));
    expect(leaseZ).toMatchObject({
      status: "closed",
      deposit: (48n * USD).toString(),
      deployState: "running",
      namespace: "lease-z",
    });
    const [orderX] = await main.db.select().from(orders).where(eq(orders.id, x.toString()));
    expect(orderX).toMatchObject({
      status: "cancelled",
      bidCount: 2,
      bestPrice: (17n * (USD / 10n)).toString(),
    });
    const [provider0] = await main.db
      .select()
      .from(providers)
      .where(eq(providers.address, p0!.toLowerCase()));
    expect(provider0?.attributes).toEqual(["region=eu-west"]);
    const [provider1] = await main.db
      .select()
      .from(providers)
      .where(eq(providers.address, p1!.toLowerCase()));
    expect(provider1?.name).toBe("Acme");
  });

  it("rolls back when the chain got shorter than the cursor", async () => {
    const snapshot = await m.test.snapshot();
    const w = await m.createOrder(await m.makeOrder(t0!));
    await m.bid(operator, w, p0!, USD);
    await m.deregister(p1!);
    await sync(main.db);
    const [before] = await main.db.select().from(indexerCursor);

    await m.test.revert({ id: snapshot });
    const head = await m.head();
    expect(head).toBeLessThan(before!.blockNumber);
    const result = await sync(main.db);
    expect(result.reorg).toBeDefined();
    const [after] = await main.db.select().from(indexerCursor);
    expect(after?.blockNumber).toBe(head);
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);
    expect(await dumpIndexedTables(main.db)).toEqual(await reindexedFromScratch());
    expect(await main.db.select().from(orders).where(eq(orders.id, w.toString()))).toEqual([]);
  });

  it("refuses to append a range that does not follow the indexed chain", async () => {
    const snapshot = await m.test.snapshot();
    await m.bid(operator, x0, p0!, USD);
    await sync(main.db);
    const [cursor] = await main.db.select().from(indexerCursor);

    await m.test.revert({ id: snapshot });
    await m.bid(operator, x0, p0!, USD / 2n);
    await m.test.mine({ blocks: 3 });
    const range = { fromBlock: cursor!.blockNumber + 1n, toBlock: cursor!.blockNumber + 2n };
    const before = await dumpIndexedTables(main.db);
    await expect(
      indexRange({ db: main.db, client: m.pub, market: m.market, ...range, log: quiet }),
    ).rejects.toThrow(ChainChangedError);
    expect(await dumpIndexedTables(main.db)).toEqual(before);

    expect((await sync(main.db)).reorg).toBeDefined();
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);
    const [orderX0] = await main.db.select().from(orders).where(eq(orders.id, x0.toString()));
    expect(orderX0).toMatchObject({ bidCount: 1, bestPrice: (USD / 2n).toString() });
  });
});
