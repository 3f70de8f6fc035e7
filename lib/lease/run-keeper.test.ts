import { and, eq } from "drizzle-orm";
import { type Address, parseEther } from "viem";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { keeperActions, leases } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { createMarketDriver, type MarketDriver, USD } from "@/lib/chain/indexer/market-test-driver";
import { syncOnce } from "@/lib/chain/indexer/sync-once";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { readSettlement } from "@/lib/market/read-settlement";
import { createKeeperChain, type KeeperChain } from "./keeper-chain";
import { runKeeperTick } from "./run-keeper";

// The keeper against a real market on anvil, with the database filled by the real indexer: orders
// past their window settle with nobody calling settle, finished leases close, and two keepers on one
// database send each transaction once.

const [provider] = devRoles.providers.map((p) => p.address);
const tenant = devRoles.tenants[0].address;
const operator = devRoles.bidEngineOperator.address;
const other = devRoles.e2e[0].address;
const keeperAddress = devRoles.keeper.address;

let anvil: AnvilInstance;
let m: MarketDriver;
let h: Awaited<ReturnType<typeof createTestDb>>;

const keeperChain = (): KeeperChain =>
  createKeeperChain({
    privateKey: devRoles.keeper.privateKey,
    market: m.market,
    rpcUrl: anvil.rpcUrl,
    chainId: anvil.chainId,
    client: m.pub,
  });

const sync = () =>
  syncOnce({
    db: h.db,
    client: m.pub,
    market: m.market,
    startBlock: m.deployBlock,
    confirmations: 0,
    log: () => {},
  });
const orderStatus = async (id: bigint) => (await keeperChain().getOrder(id)).status;
const actions = () => h.db.select().from(keeperActions);
const keeperNonce = () =>
  m.pub.getTransactionCount({ address: keeperAddress as Address, blockTag: "latest" });

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl });
  h = await createTestDb();
  await m.test.setBalance({ address: keeperAddress, value: parseEther("10") });
  await m.fund(tenant);
  await m.register(provider!, { operator });
});

afterAll(async () => {
  await h?.close();
  await anvil?.stop();
});

beforeEach(async () => {
  await h.db.delete(keeperActions);
});

describe("keeper", () => {
  it("settles an order whose window ended while no block was mined (the latest block still inside it)", async () => {
    // A quiet chain (or anvil mining on demand): the latest block's time stays inside the window; the
    // settle goes into the next block, which is what the keeper simulates against.
    const order = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 3 }));
    await m.bid(operator, order, provider!, USD);
    await sync();
    await new Promise((r) => setTimeout(r, 4500));
    expect(await runKeeperTick({ db: h.db, chain: keeperChain() })).toEqual({
      settled: 1,
      closed: 0,
      toppedUp: 0,
      failed: 0,
      cancelledUnstarted: 0,
      forfeited: 0,
    });
    expect(await orderStatus(order)).toBe("active");
    // The deployer attests the start, so later ticks neither cancel it as unstarted nor find it over.
    await m.attestStart(order);
  });

  it("settles an order past its window with nobody calling settle, and expires one without a bid", async () => {
    const withBid = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 60 }));
    await m.bid(operator, withBid, provider!, USD);
    const noBid = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 60 }));
    await sync();

    // Still in the window: nothing to do.
    expect(await runKeeperTick({ db: h.db, chain: keeperChain() })).toEqual({
      settled: 0,
      closed: 0,
      toppedUp: 0,
      failed: 0,
      cancelledUnstarted: 0,
      forfeited: 0,
    });
    expect(await actions()).toEqual([]);

    await m.advance(61);
    const r = await runKeeperTick({ db: h.db, chain: keeperChain() });
    expect(r).toEqual({ settled: 2, closed: 0, toppedUp: 0, failed: 0, cancelledUnstarted: 0, forfeited: 0 });
    expect(await orderStatus(withBid)).toBe("active");
    await m.attestStart(withBid);
    expect(await orderStatus(noBid)).toBe("expired");

    const rows = await actions();
    const byId = new Map(rows.map((a) => [a.targetId, a]));
    expect(byId.get(withBid.toString())).toMatchObject({
      kind: "settle",
      result: "done",
      detail: "lease started",
      attempts: 1,
    });
    expect(byId.get(noBid.toString())).toMatchObject({
      kind: "settle",
      result: "done",
      detail: "expired without a usable bid: deposit refunded",
    });
    // Once indexed, the order page says the keeper settled it, at the block's time.
    await sync();
    const settlement = await readSettlement({ db: h.db, orderId: withBid.toString(), tenant });
    expect(settlement).toMatchObject({
      by: "keeper",
      early: false,
      txHash: byId.get(withBid.toString())!.txHash,
    });
    // The recorded hash is the keeper's own mined transaction.
    const tx = await m.pub.getTransaction({ hash: byId.get(withBid.toString())!.txHash as `0x${string}` });
    expect(tx.from.toLowerCase()).toBe(keeperAddress.toLowerCase());
  });

  it("closes a lease whose escrow is used up, and leaves a running one alone", async () => {
    // 1 USD/h with a 1 USD deposit: exhausted after an hour; the other has a day's deposit.
    const short = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 30, deposit: USD }));
    await m.bid(operator, short, provider!, USD);
    const long = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 30 }));
    await m.bid(operator, long, provider!, USD);
    await m.advance(31);
    await sync();
    expect((await runKeeperTick({ db: h.db, chain: keeperChain() })).settled).toBe(2);
    // Leases accrue (and run out of escrow) only from their attested start.
    await m.attestStart(short);
    await m.attestStart(long);
    await sync();

    await m.advance(1800);
    expect((await runKeeperTick({ db: h.db, chain: keeperChain() })).closed).toBe(0);
    await m.advance(1801);
    const r = await runKeeperTick({ db: h.db, chain: keeperChain() });
    expect(r).toEqual({ settled: 0, closed: 1, toppedUp: 0, failed: 0, cancelledUnstarted: 0, forfeited: 0 });
    expect((await keeperChain().getLease(short)).status).toBe("closed");
    expect((await keeperChain().getLease(long)).status).toBe("active");
    const [closed] = await h.db.select().from(keeperActions).where(eq(keeperActions.kind, "close"));
    expect(closed).toMatchObject({
      targetId: short.toString(),
      result: "done",
      detail: "lease closed (escrow exhausted)",
    });
    // The indexer sees the close with the keeper's reason.
    await sync();
    const [row] = await h.db.select().from(leases).where(eq(leases.id, short.toString()));
    expect(row).toMatchObject({ status: "closed", closeReason: "escrow exhausted" });
  });

  it("sends each settle once with two keepers on one database, and never again while the indexer lags", async () => {
    const id = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 30 }));
    await m.bid(operator, id, provider!, USD);
    await m.advance(31);
    await sync();
    const before = await keeperNonce();

    const [a, b] = await Promise.all([
      runKeeperTick({ db: h.db, chain: keeperChain() }),
      runKeeperTick({ db: h.db, chain: keeperChain() }),
    ]);
    expect(a.settled + b.settled).toBe(1);
    expect(a.failed + b.failed).toBe(0);
    expect(await keeperNonce()).toBe(before + 1);

    // The database still shows the order open (no sync yet): a later tick of either sends nothing.
    await runKeeperTick({ db: h.db, chain: keeperChain() });
    expect(await keeperNonce()).toBe(before + 1);
    expect(await actions()).toMatchObject([{ targetId: id.toString(), result: "done", attempts: 1 }]);
    await m.attestStart(id);
  });

  it("leaves an order someone else settled first, and closes its claim of a failed attempt as skipped", async () => {
    const id = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 30 }));
    await m.bid(operator, id, provider!, USD);
    await m.advance(31);
    await sync();
    // An earlier attempt failed (e.g. out of gas); before the retry, someone else settles.
    await h.db
      .insert(keeperActions)
      .values({ kind: "settle", targetId: id.toString(), result: "failed", detail: "x" });
    await m.settle(other, id);
    await m.attestStart(id);
    const before = await keeperNonce();
    expect(await runKeeperTick({ db: h.db, chain: keeperChain() })).toEqual({
      settled: 0,
      closed: 0,
      toppedUp: 0,
      failed: 0,
      cancelledUnstarted: 0,
      forfeited: 0,
    });
    expect(await keeperNonce()).toBe(before);
    expect(await actions()).toMatchObject([{ result: "skipped", detail: "already active on-chain" }]);
  });

  it("records a transaction that cannot be sent as failed, and retries it later", async () => {
    const id = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 30 }));
    await m.advance(31);
    await sync();
    await m.test.setBalance({ address: keeperAddress, value: 0n });
    try {
      const r = await runKeeperTick({ db: h.db, chain: keeperChain() });
      expect(r.failed).toBeGreaterThanOrEqual(1);
      const [row] = await h.db.select().from(keeperActions).where(eq(keeperActions.targetId, id.toString()));
      expect(row?.result).toBe("failed");
      expect(row?.detail).toMatch(/fund|balance|gas/i);
    } finally {
      await m.test.setBalance({ address: keeperAddress, value: parseEther("10") });
    }
    // Not retried at once (a persisting revert would cost a call per tick)…
    expect((await runKeeperTick({ db: h.db, chain: keeperChain() })).settled).toBe(0);
    // …but once the retry delay has passed.
    await h.db.update(keeperActions).set({ updatedAt: new Date(Date.now() - 60_000) });
    expect((await runKeeperTick({ db: h.db, chain: keeperChain() })).settled).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(id)).toBe("expired");
    const [row] = await h.db.select().from(keeperActions).where(eq(keeperActions.targetId, id.toString()));
    expect(row).toMatchObject({ result: "done", attempts: 2 });
  });
});

describe("keeper auto top-up", () => {
  const escrowOf = async (id: bigint) => (await keeperChain().getLease(id)).escrow;
  // Leases of earlier tests stay on the chain (the keeper may close them as time moves on): assertions
  // look at the lease under test.
  const topUps = (id: bigint) =>
    h.db
      .select()
      .from(keeperActions)
      .where(and(eq(keeperActions.kind, "top-up"), eq(keeperActions.targetId, id.toString())));
  const autoTopUpTxs = async (id: bigint) =>
    (
      await m.pub.getContractEvents({
        address: m.market,
        abi: computeMarketAbi,
        eventName: "AutoToppedUp",
        args: { leaseId: id },
        fromBlock: m.deployBlock,
      })
    ).length;

  /** A running lease at 1 USD/h for a day with 2 USD of escrow (2 h of runway), rule set and indexed. */
  async function leaseWithRule(rule: { amount: bigint; cap: bigint; minRunwaySeconds: number }) {
    const id = await m.createOrder(await m.makeOrder(tenant, { bidWindow: 30, deposit: 2n * USD }));
    await m.bid(operator, id, provider!, USD);
    await m.advance(31);
    await sync();
    expect((await runKeeperTick({ db: h.db, chain: keeperChain() })).settled).toBe(1);
    // The runway shrinks only from the attested start.
    await m.attestStart(id);
    await m.setAutoTopUp(tenant, id, rule.amount, rule.cap, rule.minRunwaySeconds);
    await sync();
    return id;
  }

  it("tops up only once the runway is below the threshold, once per episode, and stops at the cap", async () => {
    const id = await leaseWithRule({ amount: USD, cap: 2n * USD, minRunwaySeconds: 3600 });
    const tick = () => runKeeperTick({ db: h.db, chain: keeperChain() });

    // Two hours of runway, threshold one hour: nothing to do, nothing sent, nothing recorded.
    let before = await keeperNonce();
    expect(await tick()).toMatchObject({ toppedUp: 0, failed: 0 });
    expect(await keeperNonce()).toBe(before);
    expect(await topUps(id)).toEqual([]);

    // Past the first hour the runway is below it: the keeper tops up by the rule's amount.
    await m.advance(3700);
    expect(await tick()).toMatchObject({ toppedUp: 1, failed: 0 });
    expect(await escrowOf(id)).toBe(3n * USD);
    expect(await topUps(id)).toMatchObject([
      { targetId: id.toString(), episode: "0", result: "done", detail: `topped up by ${USD} base units` },
    ]);
    // Right after, the runway is back near two hours (the indexer has not caught up): no second top-up.
    before = await keeperNonce();
    expect(await tick()).toMatchObject({ toppedUp: 0, failed: 0 });
    expect(await keeperNonce()).toBe(before);

    // The next low-runway episode gets the next top-up, which uses up the cap.
    await m.advance(3600);
    expect(await tick()).toMatchObject({ toppedUp: 1, failed: 0 });
    expect(await escrowOf(id)).toBe(4n * USD);
    const [, used] = await m.pub.readContract({
      address: m.market,
      abi: computeMarketAbi,
      functionName: "getAutoTopUp",
      args: [id],
    });
    expect(used).toBe(2n * USD);

    // Low again, but another top-up would pass the cap: nothing is sent, before and after indexing.
    await m.advance(3600);
    before = await keeperNonce();
    expect(await tick()).toMatchObject({ toppedUp: 0, failed: 0 });
    await sync();
    expect(await tick()).toMatchObject({ toppedUp: 0, failed: 0 });
    expect(await keeperNonce()).toBe(before);
    expect(await escrowOf(id)).toBe(4n * USD);
    expect((await topUps(id)).map((a) => [a.episode, a.result])).toEqual([
      ["0", "done"],
      [USD.toString(), "done"],
    ]);
  });

  it("sends one top-up with two keepers on one database", async () => {
    const id = await leaseWithRule({ amount: USD, cap: 10n * USD, minRunwaySeconds: 3600 });
    await m.advance(3700);
    const [a, b] = await Promise.all([
      runKeeperTick({ db: h.db, chain: keeperChain() }),
      runKeeperTick({ db: h.db, chain: keeperChain() }),
    ]);
    expect(a.toppedUp + b.toppedUp).toBe(1);
    expect(a.failed + b.failed).toBe(0);
    expect(await autoTopUpTxs(id)).toBe(1);
    expect(await escrowOf(id)).toBe(3n * USD);
    // Either keeper's next tick finds the runway long again.
    await runKeeperTick({ db: h.db, chain: keeperChain() });
    expect(await autoTopUpTxs(id)).toBe(1);
    expect(await topUps(id)).toMatchObject([{ targetId: id.toString(), result: "done", attempts: 1 }]);
  });

  it("records a top-up someone else made between the decision and the send as skipped", async () => {
    const id = await leaseWithRule({ amount: USD, cap: 10n * USD, minRunwaySeconds: 3600 });
    await m.advance(3700);
    const base = keeperChain();
    // Anyone may call autoTopUp: another sender gets in after the keeper decided it was due.
    const racing: KeeperChain = {
      ...base,
      async autoTopUpDue(leaseId) {
        const due = await base.autoTopUpDue(leaseId);
        if (leaseId === id) await m.autoTopUp(other, leaseId);
        return due;
      },
    };
    await runKeeperTick({ db: h.db, chain: racing });
    // The other sender's top-up only: the keeper's re-check before sending found the runway long again.
    expect(await autoTopUpTxs(id)).toBe(1);
    expect(await escrowOf(id)).toBe(3n * USD);
    expect(await topUps(id)).toMatchObject([
      { episode: "0", result: "skipped", detail: "not due when sent (RunwayNotLow)" },
    ]);
  });
});
