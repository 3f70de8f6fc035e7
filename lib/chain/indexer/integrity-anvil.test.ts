// Issue-13 flows through the real contract on anvil and the indexer: a bond deposit, a bid that locks part
// of it, an attested start, attested downtime refunded from earnings and then the bond, a lease cancelled
// as unstarted past its start deadline, and a sealed bid whose commitment the bid engine computes
// (lib/market/bid-engine/sealed-commitment.ts) exactly as the contract's `bidCommitment` view does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/db/test-db";
import { devIntegrityParams } from "@/lib/chain/deploy-market";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { randomSalt, sealedCommitment } from "@/lib/market/bid-engine/sealed-commitment";
import { bondRequired } from "@/lib/market/bond-required";
import { getLeaseIntegrity, getProviderBond, getSealedAuctionView } from "@/lib/market/market-integrity";
import { compareWithChain } from "./compare-with-chain";
import { createMarketDriver, DEFAULT_BOND, type MarketDriver, USD } from "./market-test-driver";
import { syncOnce } from "./sync-once";

const [p0, p1] = devRoles.providers.map((p) => p.address);
const [t0] = devRoles.tenants.map((t) => t.address);

let anvil: AnvilInstance;
let m: MarketDriver;
let h: Awaited<ReturnType<typeof createTestDb>>;

const sync = () =>
  syncOnce({ db: h.db, client: m.pub, market: m.market, startBlock: m.deployBlock, confirmations: 0, log: () => {} });

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl });
  h = await createTestDb();
  await m.fund(t0!);
  await m.register(p0!, { region: "eu-west" });
  await m.register(p1!, { region: "us-east" });
});

afterAll(async () => {
  await h?.close();
  await anvil?.stop();
});

describe("integrity on anvil through the indexer", () => {
  it("indexes a bond, an attested start, a downtime refund and an unstarted cancel", async () => {
    // 1 USD/h for 24 h: the bid locks 20 % of 24 USD.
    const lock = bondRequired(USD, 24 * 3600, devIntegrityParams);
    expect(lock).toBe(4_800_000n);
    const run = await m.createOrder(await m.makeOrder(t0!, { maxPricePerHour: USD }));
    await m.bid(p0!, run, p0!, USD);
    await m.accept(t0!, run);
    expect((await m.getBond(p0!)).locked).toBe(lock);
    await m.attestStart(run);
    await m.advance(3600);
    // 1.5 h of downtime after about an hour of earnings: the refund exceeds what was earned, so the rest
    // comes out of the bond.
    await m.attestDowntime([run], [5400]);

    const idle = await m.createOrder(await m.makeOrder(t0!, { maxPricePerHour: USD }));
    await m.bid(p1!, idle, p1!, USD);
    await m.accept(t0!, idle);
    await m.advance(601);
    await m.cancelUnstarted(t0!, idle);

    await sync();
    expect(await compareWithChain(h.db, m.pub, m.market)).toEqual([]);

    const ran = await getLeaseIntegrity(h.db, run.toString());
    expect(ran).toMatchObject({ start: "attested", downtimeSeconds: 5400, unstarted: null });
    expect(ran?.attestedAt).toBeInstanceOf(Date);
    expect(ran?.refunds).toHaveLength(1);
    const [refund] = ran!.refunds;
    expect(refund!.seconds).toBe(5400);
    expect(BigInt(refund!.fromEarnings) + BigInt(refund!.fromBond)).toBe(1_500_000n);
    expect(BigInt(refund!.fromBond)).toBeGreaterThan(0n);
    expect(BigInt(refund!.fromEarnings)).toBeGreaterThanOrEqual(USD);
    expect(ran?.slaRefunded).toBe("1500000");

    const cancelled = await getLeaseIntegrity(h.db, idle.toString());
    expect(cancelled).toMatchObject({
      start: "unstarted",
      attestedAt: null,
      unstarted: { refund: (48n * USD).toString(), slash: ((lock * 5000n) / 10_000n).toString() },
    });

    // Bonds as indexed equal the contract's view: p0 lost the SLA shortfall and still locks its running
    // lease; p1 lost half its lock and locks nothing.
    for (const [p, slashed, locked] of [
      [p0!, BigInt(refund!.fromBond), lock],
      [p1!, lock / 2n, 0n],
    ] as const) {
      const chain = await m.getBond(p);
      expect(chain.total).toBe(DEFAULT_BOND - slashed);
      expect(chain.locked).toBe(locked);
      expect(await getProviderBond(h.db, p)).toMatchObject({
        total: chain.total.toString(),
        locked: chain.locked.toString(),
        unbonding: "0",
      });
    }
  });

  it("computes the contract's sealed-bid commitment, and a commit and reveal go through", async () => {
    const order = await m.createOrder(
      await m.makeOrder(t0!, { maxPricePerHour: 2n * USD, auctionFormat: 1, revealWindow: 300 }),
    );
    const price = 15n * (USD / 10n);
    const salt = randomSalt();
    const commitment = sealedCommitment({ orderId: order, provider: p1!, price, salt });
    const onChain = await m.pub.readContract({
      address: m.market,
      abi: computeMarketAbi,
      functionName: "bidCommitment",
      args: [order, p1!, price, salt],
    });
    expect(commitment).toBe(onChain);
    // A different salt or price is a different commitment.
    expect(sealedCommitment({ orderId: order, provider: p1!, price: price + 1n, salt })).not.toBe(onChain);

    await m.commitBid(p1!, order, p1!, commitment);
    await m.advance(601);
    await m.revealBid(p1!, order, p1!, price, salt);
    const commit = await m.pub.readContract({
      address: m.market,
      abi: computeMarketAbi,
      functionName: "getCommit",
      args: [order, p1!],
    });
    expect(commit).toMatchObject({ commitment, price, revealed: true });

    await sync();
    const view = await getSealedAuctionView(h.db, order.toString());
    expect(view?.commits.map((c) => c.provider)).toEqual([p1!.toLowerCase()]);
    expect(view?.reveals).toMatchObject([{ provider: p1!.toLowerCase(), price: price.toString() }]);
  });
});
