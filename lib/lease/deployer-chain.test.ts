import { eq } from "drizzle-orm";
import { type Address, createWalletClient, erc20Abi, type Hex, http, parseEther, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployerTxs, leaseDeploys, leaseDowntime, leaseSla, leases } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { createMarketDriver, type MarketDriver, USD } from "@/lib/chain/indexer/market-test-driver";
import { syncOnce } from "@/lib/chain/indexer/sync-once";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { createDeployerChain } from "./deployer-chain";
import { DeployerRevertError, type DeployerState, listDeployerTxs, runDeployerTick } from "./run-deployer";

// The deployer loop against the real ComputeMarket on anvil, its leases indexed by the real indexer:
// it attests a Running lease's start once (accrual starts), refunds measured downtime once per second
// (the tenant's balance grows by price × seconds / 3600, DowntimeRefunded on chain) also when run
// again by a restarted process, attests changed reputation, and a key that is not the deployer's is
// refused by name.

const [provider] = devRoles.providers.map((p) => p.address);
const tenant = devRoles.tenants[0].address;
const operator = devRoles.bidEngineOperator.address;
const attester = devRoles.attester;

let anvil: AnvilInstance;
let m: MarketDriver;
let h: Awaited<ReturnType<typeof createTestDb>>;

const deployerChain = (privateKey = attester.privateKey) =>
  createDeployerChain({
    privateKey,
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
const tick = (state: DeployerState, extra = {}) =>
  runDeployerTick({
    db: h.db,
    chain: deployerChain(),
    state,
    downtimeIntervalMs: 0,
    log: () => {},
    ...extra,
  });
/** A call signed by a dev key, awaited; throws when it reverts. */
async function ownCall(key: Hex, functionName: string, args: readonly unknown[]) {
  const wallet = createWalletClient({ account: privateKeyToAccount(key), transport: http(anvil.rpcUrl) });
  return m.send(
    wallet.writeContract({
      address: m.market,
      abi: computeMarketAbi,
      functionName,
      args,
      chain: undefined,
    } as never),
  );
}
const balance = (who: Address) =>
  m.pub.readContract({ address: m.token, abi: erc20Abi, functionName: "balanceOf", args: [who] });

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl });
  h = await createTestDb();
  await m.test.setBalance({ address: attester.address, value: parseEther("10") });
  // The owner names the marketplace's deployer (the dev stack does this at deploy).
  await ownCall(devRoles.deployer.privateKey, "setDeployer", [attester.address]);
  await m.fund(tenant);
  await m.fund(provider!);
  await m.register(provider!, { operator });
  // A bond for the bid's lock (where bonds are enforced; stage 1 of the contract does not have them).
  await ownCall(devRoles.providers[0].privateKey, "depositBond", [1_000n * USD]).catch(() => {});
}, 60_000);

afterAll(async () => {
  await h?.close();
  await anvil?.stop();
});

/** A settled lease, indexed, whose workload the lease controller has Running with its spec. */
async function runningLease(): Promise<bigint> {
  const id = await m.createOrder(
    await m.makeOrder(tenant, { bidWindow: 30, maxPricePerHour: 36n * USD, deposit: 100n * USD }),
  );
  await m.bid(operator, id, provider!, 36n * USD); // 36 USD/h = 0.01 USD per second
  await m.advance(31);
  await m.settle(operator, id);
  await sync();
  const [lease] = await h.db.select().from(leases).where(eq(leases.id, id.toString()));
  if (!lease?.specHash) throw new Error("lease not indexed");
  await h.db.update(leases).set({ deployState: "running" }).where(eq(leases.id, lease.id));
  await h.db.insert(leaseDeploys).values({
    leaseId: lease.id,
    specHash: lease.specHash.toLowerCase(),
    clusterId: "00000000-0000-0000-0000-000000000001",
    appliedAt: new Date(),
  });
  return id;
}

describe("deployer chain (anvil)", () => {
  it("reads a lease as not attested, and the deployer's nonces", async () => {
    const id = await runningLease();
    const chain = deployerChain();
    const lease = await chain.getLease(id);
    expect(lease).toMatchObject({ status: "active", attestedAt: 0, downtimeSeconds: 0 });
    expect(lease.startDeadline).toBeGreaterThan(await chain.chainSeconds());
    const nonces = await chain.nonces();
    expect(nonces.pending).toBeGreaterThanOrEqual(nonces.mined);
    expect(await chain.reputationOf(provider!)).toBe(0);
  });

  it("refuses a key that is not the deployer's by the revert's name, without sending", async () => {
    const id = await runningLease();
    const stranger = createDeployerChain({
      privateKey: devRoles.e2e[0].privateKey,
      market: m.market,
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      client: m.pub,
    });
    const before = await stranger.nonces();
    const error = await stranger
      .send({ call: "attestStart", leaseId: id.toString(), specHash: `0x${"00".repeat(32)}` }, before.pending)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployerRevertError);
    expect((error as Error).message).toMatch(/NotDeployer|Unauthorized|deployer/i);
    expect(await stranger.nonces()).toEqual(before);
  });

  it("attests the start once, refunds each second of downtime once, and attests changed reputation", async () => {
    await h.db.delete(deployerTxs);
    // Only this test's lease is Running (the others' workloads "failed"): one start to attest.
    await h.db.update(leases).set({ deployState: "failed" });
    const id = await runningLease();
    const leaseId = id.toString();
    let state: DeployerState = { lastDowntimeAt: 0, lastReputationAt: 0 };
    const r1 = await tick(state);
    expect(r1).toMatchObject({ started: 1, failed: 0 });
    const onChain = await deployerChain().getLease(id);
    expect(onChain.attestedAt).toBeGreaterThan(0);
    const [sla] = await h.db.select().from(leaseSla).where(eq(leaseSla.leaseId, leaseId));
    expect(sla?.attestedAt).toBeInstanceOf(Date);
    expect((await tick(state)).started).toBe(0);

    // 120 s of measured downtime, from 10 s to 130 s into a lease started 200 s ago (the server's clock
    // moved back by as much: the chain's time plays no part in measuring).
    if (!sla?.attestedAt) throw new Error("no attested start recorded");
    const from = Date.now() - 200_000;
    await h.db
      .update(leaseSla)
      .set({ attestedAt: new Date(from) })
      .where(eq(leaseSla.leaseId, leaseId));
    await m.advance(200); // and the chain's, so the lease has run that long there too
    await h.db.insert(leaseDowntime).values({
      leaseId,
      cause: "cluster-unreachable",
      startedAt: new Date(from + 10_000),
      endedAt: new Date(from + 130_000),
    });
    const tenantBefore = await balance(tenant);
    const r2 = await tick(state);
    expect(r2).toMatchObject({ downtimeLeases: 1, downtimeSeconds: 120, failed: 0 });
    expect((await deployerChain().getLease(id)).downtimeSeconds).toBe(120);
    // 36 USD/h × 120 s = 1.2 USD, to the tenant at once.
    expect((await balance(tenant)) - tenantBefore).toBe((36n * USD * 120n) / 3600n);
    const [downtimeTx] = await listDeployerTxs(h.db, ["attest-downtime"]);
    expect(downtimeTx?.state).toBe("mined");
    const receipt = await m.pub.getTransactionReceipt({ hash: downtimeTx?.txHash as Hex });
    const refunded = parseEventLogs({
      abi: computeMarketAbi,
      logs: receipt.logs,
      eventName: "DowntimeRefunded",
    });
    expect(refunded.map((e) => [e.args.leaseId, e.args.downtimeSeconds])).toEqual([[id, 120]]);

    // A restarted process, again and again: nothing more to refund.
    state = { lastDowntimeAt: 0, lastReputationAt: 0 };
    expect((await tick(state)).downtimeSeconds).toBe(0);
    expect((await tick({ lastDowntimeAt: 0, lastReputationAt: 0 })).downtimeSeconds).toBe(0);
    expect((await deployerChain().getLease(id)).downtimeSeconds).toBe(120);
    expect(await listDeployerTxs(h.db, ["attest-downtime"])).toHaveLength(1);

    const r3 = await tick(state, { reputations: async () => [{ provider: provider!, score: 87 }] });
    expect(r3.reputations).toBe(1);
    expect(await deployerChain().reputationOf(provider!)).toBe(87);
    const r4 = await tick(
      { lastDowntimeAt: 0, lastReputationAt: 0 },
      {
        reputations: async () => [{ provider: provider!, score: 87 }],
      },
    );
    expect(r4.reputations).toBe(0);
  }, 60_000);
});
