import { asc, eq } from "drizzle-orm";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import {
  bids,
  chainEvents,
  indexedBlocks,
  indexerCursor,
  leaseDelegates,
  leaseSpecRevisions,
  leases,
  meta,
  orders,
  payments,
  providers,
} from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { devAccounts, devRoles } from "@/lib/chain/dev-accounts";
import { toBytes32Text } from "@/lib/chain/order-types";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { compareWithChain, dumpIndexedTables } from "./compare-with-chain";
import { createMarketDriver, type MarketDriver, USD } from "./market-test-driver";
import { syncOnce } from "./sync-once";

// Spec updates (signed by a scoped deploy key and relayed, or sent by the tenant), delegate grants and auto
// top-ups on anvil, indexed into lease_spec_revisions, lease_delegates, the lease's current spec and the
// order's auto top-up columns; checked against the contract's views, and through a reorg.

const quiet = () => {};
const [p0] = devRoles.providers.map((p) => p.address);
const [t0] = devRoles.tenants.map((t) => t.address);
const tenantAccount = privateKeyToAccount(devAccounts.find((a) => a.address === t0)!.privateKey);
const relayer = devRoles.e2e[0].address;
const keeper = devRoles.e2e[1].address;
const deployKey = privateKeyToAccount(generatePrivateKey());

let anvil: AnvilInstance;
let m: MarketDriver;
let main: Awaited<ReturnType<typeof createTestDb>>;
let fresh: Awaited<ReturnType<typeof createTestDb>>;
let lease: bigint;

const sync = (db: DbHandle["db"]) =>
  syncOnce({ db, client: m.pub, market: m.market, startBlock: m.deployBlock, confirmations: 0, log: quiet });

async function reindexedFromScratch() {
  for (const t of [
    chainEvents,
    bids,
    payments,
    leaseSpecRevisions,
    leaseDelegates,
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
  return dumpIndexedTables(fresh.db);
}

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl, feeBps: 100 });
  [main, fresh] = await Promise.all([createTestDb(), createTestDb()]);
  await m.fund(t0!);
  await m.register(p0!, { region: "eu-west" });
  // 1 USD/h for 24 h with 10 USD escrowed: 10 hours of runway.
  lease = await m.createOrder(await m.makeOrder(t0!, { maxPricePerHour: USD, deposit: 10n * USD }));
  await m.bid(p0!, lease, p0!, USD);
  await m.accept(t0!, lease);
  await m.attestStart(lease);
});

afterAll(async () => {
  await main?.close();
  await fresh?.close();
  await anvil?.stop();
});

describe("indexing spec updates, delegates and auto top-ups", () => {
  it("records every revision, grant and top-up as the contract reports them", async () => {
    await m.setDelegate(t0!, deployKey.address, lease, true);
    await m.setDelegate(t0!, deployKey.address, 0n, true);
    await m.setDelegate(t0!, deployKey.address, 0n, false);
    await m.relaySpecUpdate(deployKey, relayer, lease, "manifest-v2");
    await m.relaySpecUpdate(tenantAccount, relayer, lease, "manifest-v3");
    await m.setLeaseSpec(t0!, lease, "manifest-v2"); // a rollback: a new revision of an earlier hash
    await m.setAutoTopUp(t0!, lease, 5n * USD, 12n * USD, 12 * 3600);
    await m.autoTopUp(keeper, lease);
    await sync(main.db);
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);

    const id = lease.toString();
    const revisions = await main.db
      .select()
      .from(leaseSpecRevisions)
      .where(eq(leaseSpecRevisions.leaseId, id))
      .orderBy(asc(leaseSpecRevisions.revision));
    expect(revisions.map((r) => [r.revision, r.specHash, r.signer])).toEqual([
      [1, toBytes32Text("manifest-v2"), deployKey.address.toLowerCase()],
      [2, toBytes32Text("manifest-v3"), t0!.toLowerCase()],
      [3, toBytes32Text("manifest-v2"), t0!.toLowerCase()],
    ]);
    for (const r of revisions) {
      expect(r.blockNumber).toBeGreaterThan(m.deployBlock);
      expect(r.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(r.at).toBeInstanceOf(Date);
    }
    const [row] = await main.db.select().from(leases).where(eq(leases.id, id));
    expect(row).toMatchObject({
      specHash: toBytes32Text("manifest-v2"),
      specRevision: 3,
      deposit: "15000000",
    });

    const grants = await main.db
      .select()
      .from(leaseDelegates)
      .orderBy(asc(leaseDelegates.blockNumber), asc(leaseDelegates.logIndex));
    expect(grants.map((g) => [g.tenant, g.delegate, g.leaseId, g.allowed])).toEqual([
      [t0!.toLowerCase(), deployKey.address.toLowerCase(), id, true],
      [t0!.toLowerCase(), deployKey.address.toLowerCase(), "0", true],
      [t0!.toLowerCase(), deployKey.address.toLowerCase(), "0", false],
    ]);

    const [order] = await main.db.select().from(orders).where(eq(orders.id, id));
    expect(order).toMatchObject({
      autoTopUpAmount: "5000000",
      autoTopUpCap: "12000000",
      autoTopUpMinRunwaySeconds: 12 * 3600,
      autoTopUpUsed: "5000000",
    });
    // The auto top-up is a top-up paid by the tenant (whoever the keeper was).
    const topUps = await main.db.select().from(payments).where(eq(payments.kind, "topup"));
    expect(topUps.map((p) => [p.leaseId, p.account, p.amount])).toEqual([[id, t0!.toLowerCase(), "5000000"]]);
    expect(await dumpIndexedTables(main.db)).toEqual(await reindexedFromScratch());
  });

  it("undoes revisions, grants and top-ups of a replaced branch", async () => {
    const snapshot = await m.test.snapshot();
    await m.setLeaseSpec(t0!, lease, "branch-1");
    await m.setDelegate(t0!, deployKey.address, 0n, true);
    await m.advance(4 * 3600);
    await m.autoTopUp(keeper, lease);
    await sync(main.db);
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);
    expect(
      (await main.db.select().from(orders).where(eq(orders.id, lease.toString())))[0]?.autoTopUpUsed,
    ).toBe("10000000");

    await m.test.revert({ id: snapshot });
    await m.advance(60);
    await m.relaySpecUpdate(deployKey, relayer, lease, "branch-2");
    await m.setAutoTopUp(t0!, lease, 0n, 0n, 0);
    await m.test.mine({ blocks: 10 });
    expect((await sync(main.db)).reorg).toBeDefined();
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);
    expect(await dumpIndexedTables(main.db)).toEqual(await reindexedFromScratch());

    const [row] = await main.db.select().from(leases).where(eq(leases.id, lease.toString()));
    expect(row).toMatchObject({ specHash: toBytes32Text("branch-2"), specRevision: 4, deposit: "15000000" });
    const [order] = await main.db.select().from(orders).where(eq(orders.id, lease.toString()));
    expect(order).toMatchObject({ autoTopUpAmount: "0", autoTopUpCap: "0", autoTopUpUsed: "5000000" });
    expect(await main.db.select().from(leaseDelegates)).toHaveLength(3);
  });
});
