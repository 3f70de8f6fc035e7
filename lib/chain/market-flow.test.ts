// End-to-end ComputeMarket flow on a real anvil through viem: providers, direct and relayed (EIP-712) orders,
// undercutting bids, early accept, settle, withdraw, top-up, close, exhaustion close by anyone, and replays
// rejected with the custom error decoded by name.
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  maxUint256,
  type PublicClient,
  parseEventLogs,
} from "viem";

import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LeaseTerms, leaseMoneyAt } from "@/lib/lease/lease-money-at";
import { type DeployedMarket, deployMarket, devIntegrityParams } from "./deploy-market";
import { devRoles } from "./dev-accounts";
import { computeMarketAbi, mockStablecoinAbi } from "./generated/contracts";
import { attributeId, hashOrder, type Order, orderTypedData, toBytes32Text } from "./order-types";
import { type AnvilInstance, startAnvil } from "./start-anvil";


const USD = 1_000_000n;
const HOUR = 3600;

async function revertName(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof BaseError) {
      const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName;
    }
    throw err;
  }
  return undefined;
}

describe("ComputeMarket on anvil", () => {
  let anvil: AnvilInstance;
  let deployed: DeployedMarket;
  let pub: PublicClient;
  let test: ReturnType<typeof createTestClient>;
  const wallet = (key: Hex) =>
    createWalletClient({ account: privateKeyToAccount(key), transport: http(anvil.rpcUrl) });
  let tenantA: ReturnType<typeof wallet>;
  let tenantB: ReturnType<typeof wallet>;
  let relayer: ReturnType<typeof wallet>;
  let operator: ReturnType<typeof wallet>;
  let provider1: ReturnType<typeof wallet>;
  let provider2: ReturnType<typeof wallet>;
  let stranger: ReturnType<typeof wallet>;
  let attester: ReturnType<typeof wallet>;
  /** The deployer role attests the lease's start: from then on it accrues. */
  const attestStart = (id: bigint) =>
    mined(
      attester.writeContract({
        ...market(),
        functionName: "attestStart",
        args: [id, toBytes32Text(`manifest-${id}`)],
      }),
    );
  const region = attributeId("region", "eu-west");
  let nonce = 0n;

  const market = () => ({ address: deployed.marketAddress, abi: computeMarketAbi, chain: null }) as const;
  const token = () => ({ address: deployed.tokenAddress, abi: mockStablecoinAbi, chain: null }) as const;
  const mined = async (hash: Promise<Hex>) => {
    const receipt = await pub.waitForTransactionReceipt({ hash: await hash });
    expect(receipt.status).toBe("success");
    return receipt;
  };
  const balance = (who: Address) =>
    pub.readContract({ ...token(), functionName: "balanceOf", args: [who] }) as Promise<bigint>;
  const advance = async (seconds: number) => {
    await test.increaseTime({ seconds });
    await test.mine({ blocks: 1 });
  };
  const lease = (id: bigint) => pub.readContract({ ...market(), functionName: "getLease", args: [id] });
  // The terms the app sends to the page, read the way lib/lease/read-lease-terms.ts reads them.
  const termsOf = async (id: bigint): Promise<LeaseTerms> => {
    const l = await lease(id);
    return {
      status: l.status === 5 ? "closed" : "active",
      pricePerHour: l.pricePerHour.toString(),
      startedAt: Number(l.startedAt),
      endsAt: Number(l.endsAt),
      escrow: l.escrow.toString(),
      paidOut: l.paidOut.toString(),
    };
  };
  const makeOrder = async (tenant: Address, overrides: Partial<Order> = {}): Promise<Order> => ({
    tenant,
    specHash: toBytes32Text(`manifest-${nonce}`),
    cpuMillicores: 1000,
    memoryMiB: 2048,
    storageMiB: 10_240,
    gpuCount: 0,
    gpuModel: toBytes32Text(""),
    requiredAttributes: [region],
    maxPricePerHour: 2n * USD,
    duration: 24 * HOUR,
    deposit: 48n * USD,
    bidWindow: 600,
    nonce: nonce++,
    deadline: (await pub.getBlock()).timestamp + 3600n,
    startDeadline: 600,
    auctionFormat: 0,
    revealWindow: 0,
    minReputation: 0,
    ...overrides,
  });
  const createdId = (receipt: Awaited<ReturnType<typeof mined>>) => {
    const [event] = parseEventLogs({ abi: computeMarketAbi, eventName: "OrderCreated", logs: receipt.logs });
    if (!event) throw new Error("no OrderCreated");
    return event.args;
  };

  beforeAll(async () => {
    anvil = await startAnvil();
    deployed = await deployMarket({
      integrity: devIntegrityParams,
      deployer: devRoles.attester.address,
      rpcUrl: anvil.rpcUrl,
      deployerPrivateKey: devRoles.deployer.privateKey,
      feeBps: 100,
    });
    pub = createPublicClient({ transport: http(anvil.rpcUrl) }) as PublicClient;
    test = createTestClient({ transport: http(anvil.rpcUrl), mode: "anvil" });
    tenantA = wallet(devRoles.tenants[0].privateKey);
    tenantB = wallet(devRoles.tenants[1].privateKey);
    relayer = wallet(devRoles.e2e[0].privateKey);
    stranger = wallet(devRoles.e2e[1].privateKey);
    attester = wallet(devRoles.attester.privateKey);
    // Anvil funds only mnemonic indexes 0–9: the attesting deployer key needs gas.
    await test.setBalance({ address: attester.account.address, value: 10n ** 20n });
    operator = wallet(devRoles.bidEngineOperator.privateKey);
    provider1 = wallet(devRoles.providers[0].privateKey);
    provider2 = wallet(devRoles.providers[1].privateKey);
    for (const t of [tenantA, tenantB, relayer]) {
      await mined(t.writeContract({ ...token(), functionName: "faucet", args: [1_000n * USD] }));
      await mined(
        t.writeContract({ ...token(), functionName: "approve", args: [deployed.marketAddress, maxUint256] }),
      );
    }
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it("registers providers with an operator and attributes", async () => {
    for (const p of [provider1, provider2]) {
      await mined(
        p.writeContract({
          ...market(),
          functionName: "registerProvider",
          args: [operator.account.address, toBytes32Text("eu-west"), [], []],
        }),
      );
      // A bid locks part of the provider's bond: deposit one.
      await mined(p.writeContract({ ...token(), functionName: "faucet", args: [2_000n * USD] }));
      await mined(
        p.writeContract({ ...token(), functionName: "approve", args: [deployed.marketAddress, maxUint256] }),
      );
      await mined(p.writeContract({ ...market(), functionName: "depositBond", args: [2_000n * USD] }));
    }
    const info = await pub.readContract({
      ...market(),
      functionName: "getProvider",
      args: [provider1.account.address],
    });
    expect(info).toMatchObject({ registered: true, operator: operator.account.address, activeLeases: 0 });
    expect(
      await pub.readContract({
        ...market(),
        functionName: "providerHasAttribute",
        args: [provider2.account.address, region],
      }),
    ).toBe(true);
  });

  let leaseA: bigint;
  let leaseB: bigint;
  let relayed: { order: Order; signature: Hex };

  it("creates an order as the tenant and one relayed with the tenant's EIP-712 signature", async () => {
    const direct = await makeOrder(tenantA.account.address);
    const r1 = await mined(
      tenantA.writeContract({ ...market(), functionName: "createOrder", args: [direct] }),
    );
    const e1 = createdId(r1);
    leaseA = e1.orderId;
    expect(e1.orderHash).toBe(hashOrder(direct, deployed.chainId, deployed.marketAddress));
    expect(e1.order.specHash).toBe(direct.specHash);

    // Small deposit (3 h at the winning price) so the lease can run dry later.
    const order = await makeOrder(tenantB.account.address, { deposit: 3n * USD });
    const signature = await tenantB.signTypedData(
      orderTypedData(order, deployed.chainId, deployed.marketAddress),
    );
    relayed = { order, signature };
    const before = await balance(tenantB.account.address);
    const r2 = await mined(
      relayer.writeContract({
        ...market(),
        functionName: "createOrderWithSignature",
        args: [order, signature],
      }),
    );
    leaseB = createdId(r2).orderId;
    expect(await balance(tenantB.account.address)).toBe(before - 3n * USD);
    expect(
      await pub.readContract({ ...market(), functionName: "nonceUsed", args: [order.tenant, order.nonce] }),
    ).toBe(true);
  });

  it("rejects a replayed signed order with NonceAlreadyUsed", async () => {
    expect(
      await revertName(
        relayer.writeContract({
          ...market(),
          functionName: "createOrderWithSignature",
          args: [relayed.order, relayed.signature],
        }),
      ),
    ).toBe("NonceAlreadyUsed");
  });

  it("rejects a tampered signed order with InvalidSignature", async () => {
    const order = await makeOrder(tenantB.account.address);
    const signature = await tenantB.signTypedData(
      orderTypedData(order, deployed.chainId, deployed.marketAddress),
    );
    expect(
      await revertName(
        relayer.writeContract({
          ...market(),
          functionName: "createOrderWithSignature",
          args: [{ ...order, deposit: 1n }, signature],
        }),
      ),
    ).toBe("InvalidSignature");
  });

  it("runs a descending auction: undercut, reject non-lower and above-max bids, accept early", async () => {
    const bid = (w: typeof operator, provider: Address, price: bigint) =>
      w.writeContract({ ...market(), functionName: "placeBid", args: [leaseA, provider, price, [region]] });
    expect(await revertName(bid(operator, provider1.account.address, 2n * USD + 1n))).toBe("PriceAboveMax");
    await mined(bid(operator, provider1.account.address, 15n * (USD / 10n)));
    await mined(bid(provider2, provider2.account.address, 12n * (USD / 10n)));
    expect(await revertName(bid(operator, provider1.account.address, 12n * (USD / 10n)))).toBe("BidNotLower");
    expect(await revertName(bid(stranger, provider1.account.address, USD))).toBe("NotProviderOrOperator");

    const [best, price] = await pub.readContract({ ...market(), functionName: "bestBid", args: [leaseA] });
    expect(best).toBe(provider2.account.address);
    expect(price).toBe(12n * (USD / 10n));

    await mined(tenantA.writeContract({ ...market(), functionName: "acceptBid", args: [leaseA] }));
    expect((await lease(leaseA)).status).toBe(4); // Active
    await attestStart(leaseA);
  });

  it("settles the relayed order after its window (anyone may settle)", async () => {
    await mined(
      operator.writeContract({
        ...market(),
        functionName: "placeBid",
        args: [leaseB, provider1.account.address, USD, [region]],
      }),
    );
    expect(
      await revertName(stranger.writeContract({ ...market(), functionName: "settle", args: [leaseB] })),
    ).toBe("BiddingOpen");
    await advance(601);
    await mined(stranger.writeContract({ ...market(), functionName: "settle", args: [leaseB] }));
    await attestStart(leaseB);
    const l = await lease(leaseB);
    expect(l.provider).toBe(provider1.account.address);
    expect(l.pricePerHour).toBe(USD);
  });

  it("streams per second: the provider withdraws what accrued, minus the 1% fee", async () => {
    const startedAt = Number((await lease(leaseA)).startedAt);
    // What the console shows as withdrawable at that chain time is what withdraw pays.
    const shown = leaseMoneyAt(await termsOf(leaseA), startedAt + HOUR).withdrawable;
    await test.setNextBlockTimestamp({ timestamp: BigInt(startedAt + HOUR) });
    const before = await balance(provider2.account.address);
    const receipt = await mined(
      provider2.writeContract({ ...market(), functionName: "withdraw", args: [leaseA] }),
    );
    const [withdrawn] = parseEventLogs({ abi: computeMarketAbi, eventName: "Withdrawn", logs: receipt.logs });
    expect(withdrawn?.args.amount).toBe(shown);
    const gross = 12n * (USD / 10n); // one hour at 1.2 USD/h
    expect(await balance(provider2.account.address)).toBe(before + gross - gross / 100n);
    expect((await lease(leaseA)).paidOut).toBe(gross);
    expect(await pub.readContract({ ...market(), functionName: "feesAccrued" })).toBe(gross / 100n);
  });

  it("lets anyone top up a running lease", async () => {
    await mined(relayer.writeContract({ ...market(), functionName: "topUp", args: [leaseA, 5n * USD] }));
    expect((await lease(leaseA)).escrow).toBe(53n * USD);
  });

  it("closes on the tenant's request: provider paid to date, tenant refunded the rest", async () => {
    const l = await lease(leaseA);
    // An odd second: the page's arithmetic rounds exactly as the contract does.
    const closeAt = Number(l.startedAt) + 2 * HOUR + 1;
    const shown = leaseMoneyAt(await termsOf(leaseA), closeAt);
    await test.setNextBlockTimestamp({ timestamp: BigInt(closeAt) });
    const tenantBefore = await balance(tenantA.account.address);
    const receipt = await mined(
      tenantA.writeContract({
        ...market(),
        functionName: "closeLease",
        args: [leaseA, toBytes32Text("done")],
      }),
    );
    const [closed] = parseEventLogs({ abi: computeMarketAbi, eventName: "LeaseClosed", logs: receipt.logs });
    const earned = 24n * (USD / 10n) + 333n; // two hours and a second at 1.2 (333.33… rounded down)
    expect(closed?.args.providerAmount).toBe(earned - 12n * (USD / 10n));
    expect(closed?.args.providerAmount).toBe(shown.withdrawable);
    expect(closed?.args.tenantRefund).toBe(shown.left);
    expect(closed?.args.tenantRefund).toBe(53n * USD - earned);
    expect(await balance(tenantA.account.address)).toBe(tenantBefore + 53n * USD - earned);
    expect((await lease(leaseA)).status).toBe(5); // Closed
  });

  it("lets anyone close an exhausted lease, and only then", async () => {
    const close = () =>
      stranger.writeContract({
        ...market(),
        functionName: "closeLease",
        args: [leaseB, toBytes32Text("exhausted")],
      });
    expect(await revertName(close())).toBe("NotAuthorizedToClose");
    await advance(3 * HOUR);
    expect(await pub.readContract({ ...market(), functionName: "accrued", args: [leaseB] })).toBe(3n * USD);
    const providerBefore = await balance(provider1.account.address);
    await mined(close());
    expect(await balance(provider1.account.address)).toBe(providerBefore + 3n * USD - (3n * USD) / 100n);
    expect(
      (
        await pub.readContract({
          ...market(),
          functionName: "getProvider",
          args: [provider1.account.address],
        })
      ).activeLeases,
    ).toBe(0);
  });

  it("refunds the deposit when the auction ends without a bid", async () => {
    const order = await makeOrder(tenantA.account.address, { deposit: 7n * USD });
    const id = createdId(
      await mined(tenantA.writeContract({ ...market(), functionName: "createOrder", args: [order] })),
    ).orderId;
    const before = await balance(tenantA.account.address);
    await advance(601);
    await mined(stranger.writeContract({ ...market(), functionName: "settle", args: [id] }));
    expect(await balance(tenantA.account.address)).toBe(before + 7n * USD);
    expect((await pub.readContract({ ...market(), functionName: "getOrder", args: [id] })).status).toBe(3); // Expired
  });

  it("keeps only unclaimed fees and the providers' bonds once every lease is closed, and pays the fees to the treasury", async () => {
    const fees = await pub.readContract({ ...market(), functionName: "feesAccrued" });
    let bonds = 0n;
    for (const p of [provider1, provider2]) {
      const bond = await pub.readContract({ ...market(), functionName: "getBond", args: [p.account.address] });
      // Every lease is closed: nothing stays locked, and nothing was slashed.
      expect(bond.locked).toBe(0n);
      expect(bond.total).toBe(2_000n * USD);
      bonds += bond.total;
    }
    expect(await balance(deployed.marketAddress)).toBe(fees + bonds);
    const treasury = devRoles.deployer.address;
    const before = await balance(treasury);
    await mined(stranger.writeContract({ ...market(), functionName: "claimFees" }));
    expect(await balance(treasury)).toBe(before + fees);
    expect(await balance(deployed.marketAddress)).toBe(bonds);
  });
});
