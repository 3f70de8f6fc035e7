import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  maxUint256,
  type PublicClient,
} from "viem";

import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AutoTopUpState, autoTopUpDecision, readAutoTopUpState, runAutoTopUp } from "./auto-top-up";
import { type DeployedMarket, deployMarket, devIntegrityParams } from "./deploy-market";
import { devRoles } from "./dev-accounts";
import { computeMarketAbi, mockStablecoinAbi } from "./generated/contracts";
import { attributeId, type Order, toBytes32Text } from "./order-types";
import { type AnvilInstance, startAnvil } from "./start-anvil";


const USD = 1_000_000n;
const HOUR = 3600;

describe("autoTopUpDecision", () => {
  // A 24-hour lease at 1 USD/h started at t=1000 with 10 USD escrow; rule: 5 USD while < 12 h, cap 12 USD.
  const base: AutoTopUpState = {
    status: 4,
    tenant: "0x0000000000000000000000000000000000000001",
    pricePerHour: USD,
    startedAt: 1000,
    endsAt: 1000 + 24 * HOUR,
    escrow: 10n * USD,
    rule: { amountPerTopUp: 5n * USD, totalCap: 12n * USD, minRunwaySeconds: 12 * HOUR },
    used: 0n,
    allowance: maxUint256,
    balance: 100n * USD,
  };
  const cases: { name: string; state: Partial<AutoTopUpState>; at: number; want: string }[] = [
    { name: "runway 10 h < 12 h", state: {}, at: 1000, want: "due" },
    {
      name: "no rule",
      state: { rule: { amountPerTopUp: 0n, totalCap: 0n, minRunwaySeconds: 0 } },
      at: 1000,
      want: "NoAutoTopUpRule",
    },
    { name: "closed", state: { status: 5 }, at: 1000, want: "NotActive" },
    { name: "exhausted", state: {}, at: 1000 + 10 * HOUR, want: "LeaseOver" },
    { name: "past its end", state: { escrow: 30n * USD }, at: 1000 + 24 * HOUR, want: "LeaseOver" },
    { name: "runway exactly 12 h", state: { escrow: 12n * USD }, at: 1000, want: "RunwayNotLow" },
    { name: "one second below 12 h", state: { escrow: 12n * USD }, at: 1001, want: "due" },
    {
      name: "escrow covers the rest of the lease",
      state: { escrow: 24n * USD },
      at: 1000 + 20 * HOUR,
      want: "RunwayNotLow",
    },
    { name: "cap would be exceeded", state: { used: 10n * USD }, at: 1000, want: "AutoTopUpCapReached" },
    { name: "cap reached exactly", state: { used: 7n * USD }, at: 1000, want: "due" },
    { name: "allowance too small", state: { allowance: 5n * USD - 1n }, at: 1000, want: "allowance" },
    { name: "balance too small", state: { balance: 1n }, at: 1000, want: "balance" },
  ];
  it.each(cases)("$name → $want", ({ state, at, want }) => {
    const d = autoTopUpDecision({ ...base, ...state }, at);
    expect(d.due ? "due" : d.reason).toBe(want);
    if (d.due) expect(d.amount).toBe(5n * USD);
  });
});

describe("runAutoTopUp against the deployed contract", () => {
  let anvil: AnvilInstance;
  let deployed: DeployedMarket;
  let pub: PublicClient;

  beforeAll(async () => {
    anvil = await startAnvil();
    deployed = await deployMarket({
      integrity: devIntegrityParams,
      deployer: devRoles.attester.address,
      rpcUrl: anvil.rpcUrl,
      deployerPrivateKey: devRoles.deployer.privateKey,
    });
    pub = createPublicClient({ transport: http(anvil.rpcUrl) }) as PublicClient;
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it("tops up exactly when the contract would, and its refusals match the contract's errors", async () => {
    const wallet = (key: Hex) =>
      createWalletClient({ account: privateKeyToAccount(key), transport: http(anvil.rpcUrl) });
    const tenant = wallet(devRoles.tenants[0].privateKey);
    const provider = wallet(devRoles.providers[0].privateKey);
    const keeper = wallet(devRoles.e2e[0].privateKey);
    const test = createTestClient({ transport: http(anvil.rpcUrl), mode: "anvil" });
    const market = { address: deployed.marketAddress, abi: computeMarketAbi, chain: null } as const;
    const token = { address: deployed.tokenAddress, abi: mockStablecoinAbi, chain: null } as const;
    const mined = async (hash: Promise<Hex>) => {
      const receipt = await pub.waitForTransactionReceipt({ hash: await hash });
      expect(receipt.status).toBe("success");
    };
    const advance = async (seconds: number) => {
      await test.increaseTime({ seconds });
      await test.mine({ blocks: 1 });
    };
    await mined(tenant.writeContract({ ...token, functionName: "faucet", args: [100n * USD] }));
    await mined(
      tenant.writeContract({ ...token, functionName: "approve", args: [deployed.marketAddress, maxUint256] }),
    );
    await mined(
      provider.writeContract({
        ...market,
        functionName: "registerProvider",
        args: [provider.account.address, toBytes32Text("eu-west"), [], []],
      }),
    );
    // A bid locks part of the provider's bond.
    await mined(provider.writeContract({ ...token, functionName: "faucet", args: [100n * USD] }));
    await mined(
      provider.writeContract({ ...token, functionName: "approve", args: [deployed.marketAddress, maxUint256] }),
    );
    await mined(provider.writeContract({ ...market, functionName: "depositBond", args: [100n * USD] }));
    const order: Order = {
      tenant: tenant.account.address,
      specHash: toBytes32Text("v1"),
      cpuMillicores: 1000,
      memoryMiB: 1024,
      storageMiB: 1024,
      gpuCount: 0,
      gpuModel: toBytes32Text(""),
      requiredAttributes: [attributeId("region", "eu-west")],
      maxPricePerHour: USD,
      duration: 24 * HOUR,
      deposit: 10n * USD,
      bidWindow: 600,
      nonce: 0n,
      deadline: 4_000_000_000n,
      startDeadline: 600,
      auctionFormat: 0,
      revealWindow: 0,
      minReputation: 0,
    };
    await mined(tenant.writeContract({ ...market, functionName: "createOrder", args: [order] }));
    await mined(
      provider.writeContract({
        ...market,
        functionName: "placeBid",
        args: [1n, provider.account.address, USD, order.requiredAttributes],
      }),
    );
    await mined(tenant.writeContract({ ...market, functionName: "acceptBid", args: [1n] }));
    // The runway shrinks only from the deployer's attested start (its key needs gas on anvil).
    const attester = wallet(devRoles.attester.privateKey);
    await test.setBalance({ address: attester.account.address, value: 10n ** 20n });
    await mined(attester.writeContract({ ...market, functionName: "attestStart", args: [1n, order.specHash] }));
    await mined(
      tenant.writeContract({
        ...market,
        functionName: "setAutoTopUp",
        args: [1n, 5n * USD, 12n * USD, 12 * HOUR],
      }),
    );

    const opts = {
      client: pub,
      keeper,
      market: deployed.marketAddress,
      token: deployed.tokenAddress,
      leaseId: 1n,
    };
    // What the contract says right now, for comparison with a refusal.
    const contractError = async () => {
      try {
        await pub.simulateContract({
          address: deployed.marketAddress,
          abi: computeMarketAbi,
          account: keeper.account,
          functionName: "autoTopUp",
          args: [1n],
        });
        return undefined;
      } catch (err) {
        const reverted =
          err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError);
        // The token's own errors (ERC20InsufficientAllowance) are not in the market's ABI: no name then.
        if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName ?? "reverted";
        throw err;
      }
    };
    const escrow = async () =>
      (await pub.readContract({ ...market, functionName: "getLease", args: [1n] })).escrow;

    // 10 h of runway < 12 h: due.
    expect(await runAutoTopUp(opts)).toMatchObject({ sent: true, amount: 5n * USD });
    expect(await escrow()).toBe(15n * USD);

    // 15 h now: not due, and the contract agrees.
    const again = await runAutoTopUp(opts);
    expect(again).toMatchObject({ sent: false, decision: { reason: "RunwayNotLow" } });
    // 15 h, less the seconds the chain's clock moved on since the attested start (blocks follow the wall
    // clock: on a busy machine a second or two pass between the transactions above).
    const runway = (again as { decision: { runwaySeconds: bigint } }).decision.runwaySeconds;
    expect(runway).toBeLessThanOrEqual(15n * 3600n);
    expect(runway).toBeGreaterThan(15n * 3600n - 60n);
    expect(await contractError()).toBe("RunwayNotLow");

    // 4 h later 11 h are left: due again (used 10 of 12).
    await advance(4 * HOUR);
    expect(await runAutoTopUp(opts)).toMatchObject({ sent: true });
    // 5 h more: 11 h left, but another 5 would exceed the cap.
    await advance(5 * HOUR);
    expect(await runAutoTopUp(opts)).toMatchObject({
      sent: false,
      decision: { reason: "AutoTopUpCapReached" },
    });
    expect(await contractError()).toBe("AutoTopUpCapReached");

    // A higher cap, but the allowance withdrawn: the helper does not send a transaction that would revert.
    await mined(
      tenant.writeContract({
        ...market,
        functionName: "setAutoTopUp",
        args: [1n, 5n * USD, 20n * USD, 12 * HOUR],
      }),
    );
    await mined(
      tenant.writeContract({ ...token, functionName: "approve", args: [deployed.marketAddress, 0n] }),
    );
    expect(await runAutoTopUp(opts)).toMatchObject({ sent: false, decision: { reason: "allowance" } });
    expect(await contractError()).toBe("reverted");
    const state = await readAutoTopUpState(opts);
    expect(state.used).toBe(10n * USD);
    expect(state.escrow).toBe(20n * USD);
  });
});
