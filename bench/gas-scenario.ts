// The scripted flow behind bench/gas.ts: deploys, then performs each market operation once (settle after
// 1, 10 and 100 bids; spec updates by a relayed deploy key; auto top-up by a keeper) and records the receipt's gasUsed (intrinsic 21k + calldata included).
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  maxUint256,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { deployMarket } from "@/lib/chain/deploy-market";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { leaseUpdateTypedData } from "@/lib/chain/lease-update-types";
import { attributeId, type Order, orderTypedData, toBytes32Text } from "@/lib/chain/order-types";

export type GasTarget = number;

const USD = 1_000_000n; // 6 decimals

export async function runGasScenario(rpcUrl: string): Promise<Map<string, bigint>> {
  const transport = http(rpcUrl);
  const pub = createPublicClient({ transport }) as PublicClient;
  const test = createTestClient({ transport, mode: "anvil" });
  // The attesting deployer key: a funded anvil account here (the dev stack's index-11 key has no gas).
  const attesterKey = devRoles.e2e[1].privateKey;
  const { marketAddress, tokenAddress, chainId } = await deployMarket({
    rpcUrl,
    deployerPrivateKey: devRoles.deployer.privateKey,
    feeBps: 100,
    deployer: privateKeyToAccount(attesterKey).address,
  });
  const wallet = (key: Hex) => createWalletClient({ account: privateKeyToAccount(key), transport });
  const tenant = wallet(devRoles.tenants[0].privateKey);
  const relayer = wallet(devRoles.e2e[0].privateKey);
  const operator = wallet(devRoles.bidEngineOperator.privateKey);
  const providers = devRoles.providers.map((p) => wallet(p.privateKey));
  const attester = wallet(attesterKey);
  const results = new Map<string, bigint>();

  const send = async (hashPromise: Promise<Hex>): Promise<bigint> => {
    const receipt = await pub.waitForTransactionReceipt({ hash: await hashPromise });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt.gasUsed;
  };
  const market = { address: marketAddress, abi: computeMarketAbi, chain: null } as const;
  const token = { address: tokenAddress, abi: mockStablecoinAbi, chain: null } as const;
  const advance = async (seconds: number) => {
    await test.increaseTime({ seconds });
    await test.mine({ blocks: 1 });
  };

  // Setup (not measured): funds, approvals, providers with the operator and a region.
  const region = toBytes32Text("eu-west");
  const required = [attributeId("region", "eu-west")];
  for (const w of [tenant, ...providers]) {
    await send(w.writeContract({ ...token, functionName: "faucet", args: [100_000n * USD] }));
  }
  await send(tenant.writeContract({ ...token, functionName: "approve", args: [marketAddress, maxUint256] }));
  for (const p of providers) {
    await send(
      p.writeContract({
        ...market,
        functionName: "registerProvider",
        args: [operator.account.address, region, [toBytes32Text("nvidia-a100")], []],
      }),
    );
    await send(p.writeContract({ ...token, functionName: "approve", args: [marketAddress, maxUint256] }));
  }
  // Bonds: the first deposit is measured (fresh bond slot), the others are setup.
  results.set(
    "depositBond",
    await send(
      providers[0]!.writeContract({ ...market, functionName: "depositBond", args: [20_000n * USD] }),
    ),
  );
  for (const p of providers.slice(1)) {
    await send(p.writeContract({ ...market, functionName: "depositBond", args: [20_000n * USD] }));
  }
  const attest = (id: bigint) =>
    send(
      attester.writeContract({
        ...market,
        functionName: "attestStart",
        args: [id, toBytes32Text(`manifest-${id - 1n}`)],
      }),
    );

  let nonce = 0n;
  const now = async () => (await pub.getBlock()).timestamp;
  const makeOrder = async (deposit = 48n * USD): Promise<Order> => ({
    tenant: tenant.account.address,
    specHash: toBytes32Text(`manifest-${nonce}`),
    cpuMillicores: 2000,
    memoryMiB: 4096,
    storageMiB: 20480,
    gpuCount: 1,
    gpuModel: toBytes32Text("nvidia-a100"),
    requiredAttributes: required,
    maxPricePerHour: 2n * USD,
    duration: 24 * 3600,
    deposit,
    bidWindow: 600,
    nonce: nonce++,
    deadline: (await now()) + 3600n,
    startDeadline: 600,
    auctionFormat: 0,
    revealWindow: 0,
    minReputation: 0,
  });
  const create = async (deposit?: bigint) => {
    const order = await makeOrder(deposit);
    const gas = await send(tenant.writeContract({ ...market, functionName: "createOrder", args: [order] }));
    const id =
      (await pub.readContract({
        address: marketAddress,
        abi: computeMarketAbi,
        functionName: "nextOrderId",
      })) - 1n;
    return { id, gas };
  };
  const bid = (id: bigint, provider: Address, price: bigint) =>
    send(
      operator.writeContract({ ...market, functionName: "placeBid", args: [id, provider, price, required] }),
    );
  const p0 = providers[0]!.account.address;
  const p1 = providers[1]!.account.address;

  // Warm-up (not measured): the market's very first deposit also pays the token's 0 -> non-zero balance
  // write (+17.1k, once per market lifetime), which says nothing about createOrder itself.
  const other = wallet(devRoles.tenants[1].privateKey);
  await send(other.writeContract({ ...token, functionName: "faucet", args: [100n * USD] }));
  await send(other.writeContract({ ...token, functionName: "transfer", args: [marketAddress, 1n] }));

  // createOrder: the tenant's first order (its nonce bitmap word is fresh: the worst case per tenant).
  const first = await create();
  results.set("createOrder", first.gas);

  // createOrderWithSignature: relayed, EIP-712 signed by the tenant.
  const signed = await makeOrder();
  const signature = await tenant.signTypedData(orderTypedData(signed, chainId, marketAddress));
  results.set(
    "createOrderWithSignature",
    await send(
      relayer.writeContract({
        ...market,
        functionName: "createOrderWithSignature",
        args: [signed, signature],
      }),
    ),
  );

  // Bids on the first order: the first bid, then an undercut by another provider.
  results.set("placeBid_first", await bid(first.id, p0, 2n * USD));
  results.set("placeBid_undercut", await bid(first.id, p1, 2n * USD - 1000n));

  // Settle after 1, 10 and 100 bids (the last two on fresh orders).
  const settleAfter = async (bids: number) => {
    const o = await create();
    for (let i = 0; i < bids; i++) await bid(o.id, i % 2 === 0 ? p0 : p1, 2n * USD - BigInt(i) * 1000n);
    await advance(601);
    return send(tenant.writeContract({ ...market, functionName: "settle", args: [o.id] }));
  };
  results.set("settle_after_1_bid", await settleAfter(1));
  results.set("settle_after_10_bids", await settleAfter(10));
  results.set("settle_after_100_bids", await settleAfter(100));

  // acceptBid: the tenant accepts early on a fresh order.
  const early = await create();
  await bid(early.id, p0, USD);
  results.set(
    "acceptBid",
    await send(tenant.writeContract({ ...market, functionName: "acceptBid", args: [early.id] })),
  );

  // Lease operations on the early-accepted lease: the deployer attests its start, an hour passes.
  results.set("attestStart", await attest(early.id));
  await advance(3600);
  results.set(
    "withdraw",
    await send(providers[0]!.writeContract({ ...market, functionName: "withdraw", args: [early.id] })),
  );
  results.set(
    "topUp",
    await send(tenant.writeContract({ ...market, functionName: "topUp", args: [early.id, 10n * USD] })),
  );

  // Spec updates on the same lease: a deploy key scoped to it signs, the relayer submits. The first update
  // writes two fresh slots (hash, revision); later ones rewrite them.
  const deployKey = privateKeyToAccount(generatePrivateKey());
  results.set(
    "setDelegate",
    await send(
      tenant.writeContract({
        ...market,
        functionName: "setDelegate",
        args: [deployKey.address, early.id, true],
      }),
    ),
  );
  const relayUpdate = async (revision: bigint, spec: string) => {
    const update = {
      leaseId: early.id,
      specHash: toBytes32Text(spec),
      nonce: revision,
      deadline: (await now()) + 3600n,
    };
    const sig = await deployKey.signTypedData(leaseUpdateTypedData(update, chainId, marketAddress));
    return send(
      relayer.writeContract({
        ...market,
        functionName: "updateLeaseSpec",
        args: [update, deployKey.address, sig],
      }),
    );
  };
  results.set("updateLeaseSpec_first", await relayUpdate(0n, "manifest-v2"));
  results.set("updateLeaseSpec", await relayUpdate(1n, "manifest-v3"));
  results.set(
    "setLeaseSpec",
    await send(
      tenant.writeContract({
        ...market,
        functionName: "setLeaseSpec",
        args: [early.id, toBytes32Text("manifest-v1")],
      }),
    ),
  );

  // Auto top-up on a lease funded for 10 of its 24 hours: the rule, then the keeper's first top-up (the
  // lease's counter slot is fresh) and a second one 4 hours later.
  const low = await create(10n * USD);
  await bid(low.id, p0, USD);
  await send(tenant.writeContract({ ...market, functionName: "acceptBid", args: [low.id] }));
  await attest(low.id);
  results.set(
    "setAutoTopUp",
    await send(
      tenant.writeContract({
        ...market,
        functionName: "setAutoTopUp",
        args: [low.id, 5n * USD, 20n * USD, 12 * 3600],
      }),
    ),
  );
  results.set(
    "autoTopUp_first",
    await send(relayer.writeContract({ ...market, functionName: "autoTopUp", args: [low.id] })),
  );
  await advance(4 * 3600);
  results.set(
    "autoTopUp",
    await send(relayer.writeContract({ ...market, functionName: "autoTopUp", args: [low.id] })),
  );

  await advance(1800);
  results.set(
    "attestDowntime_1_lease",
    await send(
      attester.writeContract({ ...market, functionName: "attestDowntime", args: [[early.id], [120]] }),
    ),
  );
  results.set(
    "attestReputation_3_providers",
    await send(
      attester.writeContract({
        ...market,
        functionName: "attestReputation",
        args: [providers.map((p) => p.account.address), [90, 80, 70]],
      }),
    ),
  );
  results.set(
    "closeLease",
    await send(
      tenant.writeContract({
        ...market,
        functionName: "closeLease",
        args: [early.id, toBytes32Text("done")],
      }),
    ),
  );

  // A lease never started: past its start deadline (600 s) anyone cancels it (the keeper does).
  const unstarted = await create();
  await bid(unstarted.id, p0, USD);
  await send(tenant.writeContract({ ...market, functionName: "acceptBid", args: [unstarted.id] }));
  await advance(601);
  results.set(
    "cancelUnstarted",
    await send(relayer.writeContract({ ...market, functionName: "cancelUnstarted", args: [unstarted.id] })),
  );

  // Sealed-bid second-price auction: two commits, two reveals, settle at the second price.
  const sealedOrder = { ...(await makeOrder()), auctionFormat: 1, revealWindow: 300 };
  await send(tenant.writeContract({ ...market, functionName: "createOrder", args: [sealedOrder] }));
  const sealedId =
    (await pub.readContract({ address: marketAddress, abi: computeMarketAbi, functionName: "nextOrderId" })) -
    1n;
  const salt = (i: number) => toBytes32Text(`salt-${i}`);
  const sealedBids: [Address, bigint][] = [
    [p0, USD],
    [p1, USD + 100_000n],
  ];
  for (const [i, [provider, price]] of sealedBids.entries()) {
    const commitment = await pub.readContract({
      address: marketAddress,
      abi: computeMarketAbi,
      functionName: "bidCommitment",
      args: [sealedId, provider, price, salt(i)],
    });
    const gas = await send(
      operator.writeContract({
        ...market,
        functionName: "commitBid",
        args: [sealedId, provider, commitment, required],
      }),
    );
    if (i === 0) results.set("commitBid", gas);
  }
  await advance(601);
  for (const [i, [provider, price]] of sealedBids.entries()) {
    const gas = await send(
      operator.writeContract({
        ...market,
        functionName: "revealBid",
        args: [sealedId, provider, price, salt(i)],
      }),
    );
    results.set(i === 0 ? "revealBid_first" : "revealBid_second", gas);
  }
  await advance(301);
  results.set(
    "settle_sealed",
    await send(tenant.writeContract({ ...market, functionName: "settle", args: [sealedId] })),
  );
  return results;
}
