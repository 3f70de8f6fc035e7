// Drives a freshly deployed ComputeMarket on anvil for the indexer's integration tests and its benchmark:
// dev-account wallets, funding, and one short helper per market call (each waits for its receipt and fails
// on a revert). Not a test file itself; it is the "test-data builder" the tests share.
import "server-only";

import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  maxUint256,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { type LocalAccount, privateKeyToAccount } from "viem/accounts";
import { deployMarket, devIntegrityParams } from "@/lib/chain/deploy-market";
import { devAccounts, devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { leaseUpdateTypedData } from "@/lib/chain/lease-update-types";
import { type Order, orderTypedData, toBytes32Text } from "@/lib/chain/order-types";

export const USD = 1_000_000n;

/** What `register` deposits as the provider's bond unless told otherwise: five leases at the dev bond cap. */
export const DEFAULT_BOND = 5n * devIntegrityParams.bondCap;

export type MarketDriver = Awaited<ReturnType<typeof createMarketDriver>>;

export async function createMarketDriver(opts: { rpcUrl: string; feeBps?: number }) {
  const transport = http(opts.rpcUrl);
  const pub = createPublicClient({ transport, pollingInterval: 50 }) as PublicClient;
  const test = createTestClient({ transport, mode: "anvil" });
  const deployed = await deployMarket({
    integrity: devIntegrityParams,
    deployer: devRoles.attester.address,
    rpcUrl: opts.rpcUrl,
    deployerPrivateKey: devRoles.deployer.privateKey,
    feeBps: opts.feeBps ?? 0,
  });
  const { marketAddress: market, tokenAddress: token, chainId } = deployed;
  // Anvil funds only mnemonic indexes 0–9: the attesting deployer key needs gas of its own.
  await test.setBalance({ address: devRoles.attester.address, value: 10n ** 20n });
  const wallets = new Map(
    [...devAccounts, devRoles.attester].map((a) => [
      a.address.toLowerCase(),
      createWalletClient({ account: privateKeyToAccount(a.privateKey), transport }),
    ]),
  );
  const wallet = (who: Address) => {
    const w = wallets.get(who.toLowerCase());
    if (!w) throw new Error(`no dev wallet for ${who}`);
    return w;
  };

  const send = async (hash: Promise<Hex>): Promise<TransactionReceipt> => {
    const receipt = await pub.waitForTransactionReceipt({ hash: await hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };
  const call = (from: Address, functionName: string, args: readonly unknown[]) =>
    send(
      wallet(from).writeContract({
        address: market,
        abi: computeMarketAbi,
        functionName,
        args,
        chain: undefined,
      } as never),
    );

  let nonce = 0n;
  const driver = {
    pub,
    test,
    market,
    token,
    chainId,
    deployBlock: deployed.deployBlock,
    send,
    async fund(who: Address, amount = 100_000n * USD) {
      const w = wallet(who);
      await send(
        w.writeContract({
          address: token,
          abi: mockStablecoinAbi,
          functionName: "faucet",
          args: [amount],
          chain: undefined,
        }),
      );
      return send(
        w.writeContract({
          address: token,
          abi: mockStablecoinAbi,
          functionName: "approve",
          args: [market, maxUint256],
          chain: undefined,
        }),
      );
    },
    /** Registers, then funds and deposits `bond` (DEFAULT_BOND; 0 for none) so the provider can bid. */
    async register(
      provider: Address,
      o: {
        operator?: Address;
        region?: string;
        gpus?: string[];
        attributes?: [string, string][];
        bond?: bigint;
      } = {},
    ) {
      const receipt = await call(provider, "registerProvider", [
        o.operator ?? "0x0000000000000000000000000000000000000000",
        o.region ? toBytes32Text(o.region) : `0x${"0".repeat(64)}`,
        (o.gpus ?? []).map(toBytes32Text),
        (o.attributes ?? []).map(([key, value]) => ({
          key: toBytes32Text(key),
          value: toBytes32Text(value),
        })),
      ]);
      const bond = o.bond ?? DEFAULT_BOND;
      if (bond > 0n) await driver.depositBond(provider, bond);
      return receipt;
    },
    async depositBond(provider: Address, amount: bigint) {
      await driver.fund(provider, amount);
      return call(provider, "depositBond", [amount]);
    },
    getBond: (provider: Address) =>
      pub.readContract({ address: market, abi: computeMarketAbi, functionName: "getBond", args: [provider] }),
    /** The deployer role attests the lease's start (specHash: its current spec, else a placeholder). */
    async attestStart(leaseId: bigint, specHash?: Hex) {
      const [current] = await pub.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getLeaseSpec",
        args: [leaseId],
      });
      const hash = specHash ?? (BigInt(current) === 0n ? toBytes32Text(`started-${leaseId}`) : current);
      return call(devRoles.attester.address, "attestStart", [leaseId, hash]);
    },
    attestDowntime: (leaseIds: bigint[], seconds: number[]) =>
      call(devRoles.attester.address, "attestDowntime", [leaseIds, seconds]),
    cancelUnstarted: (from: Address, leaseId: bigint) => call(from, "cancelUnstarted", [leaseId]),
    commitBid: (from: Address, orderId: bigint, provider: Address, commitment: Hex, required: readonly Hex[] = []) =>
      call(from, "commitBid", [orderId, provider, commitment, required]),
    revealBid: (from: Address, orderId: bigint, provider: Address, price: bigint, salt: Hex) =>
      call(from, "revealBid", [orderId, provider, price, salt]),
    update(provider: Address, o: { region?: string; gpus?: string[]; attributes?: [string, string][] }) {
      return call(provider, "updateProvider", [
        o.region ? toBytes32Text(o.region) : `0x${"0".repeat(64)}`,
        (o.gpus ?? []).map(toBytes32Text),
        (o.attributes ?? []).map(([key, value]) => ({
          key: toBytes32Text(key),
          value: toBytes32Text(value),
        })),
      ]);
    },
    setOperator: (provider: Address, operator: Address) => call(provider, "setOperator", [operator]),
    deregister: (provider: Address) => call(provider, "deregisterProvider", []),
    async makeOrder(tenant: Address, o: Partial<Order> = {}): Promise<Order> {
      const now = (await pub.getBlock()).timestamp;
      return {
        tenant,
        specHash: toBytes32Text(`manifest-${nonce}`),
        cpuMillicores: 2000,
        memoryMiB: 4096,
        storageMiB: 10240,
        gpuCount: 0,
        gpuModel: `0x${"0".repeat(64)}`,
        requiredAttributes: [],
        maxPricePerHour: 2n * USD,
        duration: 24 * 3600,
        deposit: 48n * USD,
        bidWindow: 600,
        nonce: nonce++,
        deadline: now + 3600n,
        startDeadline: 600,
        auctionFormat: 0,
        revealWindow: 0,
        minReputation: 0,
        ...o,
      };
    },
    /** Create as the tenant; returns the order id. */
    async createOrder(order: Order): Promise<bigint> {
      await call(order.tenant, "createOrder", [order]);
      return (await driver.nextOrderId()) - 1n;
    },
    /** Relay an order signed by its tenant. */
    async relayOrder(order: Order, relayer: Address): Promise<bigint> {
      const signature = await wallet(order.tenant).signTypedData(orderTypedData(order, chainId, market));
      await call(relayer, "createOrderWithSignature", [order, signature]);
      return (await driver.nextOrderId()) - 1n;
    },
    nextOrderId: () =>
      pub.readContract({ address: market, abi: computeMarketAbi, functionName: "nextOrderId" }),
    bid: (from: Address, orderId: bigint, provider: Address, price: bigint, required: readonly Hex[] = []) =>
      call(from, "placeBid", [orderId, provider, price, required]),
    settle: (from: Address, orderId: bigint) => call(from, "settle", [orderId]),
    accept: (tenant: Address, orderId: bigint) => call(tenant, "acceptBid", [orderId]),
    cancel: (tenant: Address, orderId: bigint) => call(tenant, "cancelOrder", [orderId]),
    withdraw: (from: Address, leaseId: bigint) => call(from, "withdraw", [leaseId]),
    topUp: (from: Address, leaseId: bigint, amount: bigint) => call(from, "topUp", [leaseId, amount]),
    close: (from: Address, leaseId: bigint, reason: string) =>
      call(from, "closeLease", [leaseId, toBytes32Text(reason)]),
    setDelegate: (tenant: Address, delegate: Address, leaseId: bigint, allowed: boolean) =>
      call(tenant, "setDelegate", [delegate, leaseId, allowed]),
    setLeaseSpec: (from: Address, leaseId: bigint, spec: string) =>
      call(from, "setLeaseSpec", [leaseId, toBytes32Text(spec)]),
    /** An update signed by `signer` (tenant or deploy key; any local account) at the lease's revision, relayed. */
    async relaySpecUpdate(signer: LocalAccount, relayer: Address, leaseId: bigint, spec: string) {
      const [, revision] = await pub.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getLeaseSpec",
        args: [leaseId],
      });
      const update = {
        leaseId,
        specHash: toBytes32Text(spec),
        nonce: BigInt(revision),
        deadline: (await pub.getBlock()).timestamp + 3600n,
      };
      const signature = await signer.signTypedData(leaseUpdateTypedData(update, chainId, market));
      return call(relayer, "updateLeaseSpec", [update, signer.address, signature]);
    },
    setAutoTopUp: (tenant: Address, leaseId: bigint, amount: bigint, cap: bigint, minRunwaySeconds: number) =>
      call(tenant, "setAutoTopUp", [leaseId, amount, cap, minRunwaySeconds]),
    autoTopUp: (from: Address, leaseId: bigint) => call(from, "autoTopUp", [leaseId]),
    async advance(seconds: number) {
      await test.increaseTime({ seconds });
      await test.mine({ blocks: 1 });
    },
    head: () => pub.getBlockNumber({ cacheTime: 0 }),
  };
  return driver;
}
