import { type Address, createPublicClient, createWalletClient, type Hex, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi, mockStablecoinAbi } from "../../lib/chain/generated/contracts";
import { attributeId } from "../../lib/chain/order-types";

// Creates an order on the market the way a tenant's script would: approve the deposit, createOrder.
// The tenant is anvil's dev account 5 (a demo tenant the seed funds with test tokens; the key is
// public, dev only). Returns the order id from the OrderCreated event.

const TENANT_KEY: Hex = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";

export interface CreateOrderOptions {
  rpcUrl: string;
  marketAddress: Address;
  tokenAddress: Address;
  region: string;
  cpuMillis?: number;
  memoryMiB?: number;
  storageMiB?: number;
  /** Token base units per hour (6 decimals). */
  maxPricePerHour?: bigint;
  durationSeconds?: number;
  bidWindowSeconds?: number;
  /** Another funded dev account as the tenant (default: dev account 5). */
  tenantKey?: Hex;
}

export function marketClients(rpcUrl: string, tenantKey: Hex = TENANT_KEY) {
  const transport = http(rpcUrl);
  const account = privateKeyToAccount(tenantKey);
  return {
    account,
    publicClient: createPublicClient({ transport }),
    wallet: createWalletClient({ account, transport }),
  };
}

export async function createOrder(opts: CreateOrderOptions): Promise<bigint> {
  const { account, publicClient, wallet } = marketClients(opts.rpcUrl, opts.tenantKey);
  const maxPricePerHour = opts.maxPricePerHour ?? 2_000_000n;
  const duration = opts.durationSeconds ?? 3600;
  const deposit = (maxPricePerHour * BigInt(duration)) / 3600n;
  const block = await publicClient.getBlock();
  const order = {
    tenant: account.address,
    specHash: keccak256(toHex(`e2e-order-${Date.now()}-${Math.random()}`)),
    cpuMillicores: opts.cpuMillis ?? 1000,
    memoryMiB: opts.memoryMiB ?? 2048,
    storageMiB: opts.storageMiB ?? 1024,
    gpuCount: 0,
    gpuModel: `0x${"00".repeat(32)}` as Hex,
    requiredAttributes: [attributeId("region", opts.region)],
    maxPricePerHour,
    duration,
    deposit,
    bidWindow: opts.bidWindowSeconds ?? 20,
    nonce: BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000)),
    deadline: block.timestamp + 3600n,
  };
  const approve = await wallet.writeContract({
    chain: null,
    address: opts.tokenAddress,
    abi: mockStablecoinAbi,
    functionName: "approve",
    args: [opts.marketAddress, deposit],
  });
  await publicClient.waitForTransactionReceipt({ hash: approve });
  const { request, result } = await publicClient.simulateContract({
    account,
    address: opts.marketAddress,
    abi: computeMarketAbi,
    functionName: "createOrder",
    args: [order],
  });
  const hash = await wallet.writeContract({ ...request, chain: null });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("createOrder reverted");
  return result;
}

/** OrderStatus.Open in ComputeMarket's enum. */
const OPEN = 1;

/**
 * Settles an order after its bid window (anyone may call), unless the server's keeper, which settles
 * every order once its window ends, already did: either way the order is settled when this returns.
 */
export async function settleOrder(opts: {
  rpcUrl: string;
  marketAddress: Address;
  orderId: bigint;
}): Promise<void> {
  const { publicClient, wallet } = marketClients(opts.rpcUrl);
  const settled = async () => (await getOrderInfo(opts)).status !== OPEN;
  if (await settled()) return;
  try {
    const hash = await wallet.writeContract({
      chain: null,
      address: opts.marketAddress,
      abi: computeMarketAbi,
      functionName: "settle",
      args: [opts.orderId],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error("settle reverted");
  } catch (error) {
    // The keeper's transaction landed between the read and ours (UnexpectedStatus).
    if (!(await settled())) throw error;
  }
}

export async function getOrderInfo(opts: { rpcUrl: string; marketAddress: Address; orderId: bigint }) {
  const { publicClient } = marketClients(opts.rpcUrl);
  return publicClient.readContract({
    address: opts.marketAddress,
    abi: computeMarketAbi,
    functionName: "getOrder",
    args: [opts.orderId],
  });
}

export async function tokenBalance(opts: {
  rpcUrl: string;
  tokenAddress: Address;
  account: Address;
}): Promise<bigint> {
  const { publicClient } = marketClients(opts.rpcUrl);
  return publicClient.readContract({
    address: opts.tokenAddress,
    abi: mockStablecoinAbi,
    functionName: "balanceOf",
    args: [opts.account],
  });
}

export async function getLeaseInfo(opts: { rpcUrl: string; marketAddress: Address; leaseId: bigint }) {
  const { publicClient } = marketClients(opts.rpcUrl);
  return publicClient.readContract({
    address: opts.marketAddress,
    abi: computeMarketAbi,
    functionName: "getLease",
    args: [opts.leaseId],
  });
}
