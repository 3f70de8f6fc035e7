import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi, mockStablecoinAbi } from "../../lib/chain/generated/contracts";
import { attributeId, orderTypedData, serializeOrder } from "../../lib/chain/order-types";
import { canonicalizeManifest, type ManifestInput, manifestTotals } from "../../lib/market/manifest";

// Creates an order on the market the way a tenant's script would: store the manifest with the app
// (next to the tenant's signature over the order), approve the deposit, createOrder. Providers bid
// only on orders whose manifest the market holds (they size and price the workload from it). The
// tenant is anvil's dev account 5 (a demo tenant the seed funds with test tokens; the key is public,
// dev only). Returns the order id from the OrderCreated event.

const TENANT_KEY: Hex = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";

export interface CreateOrderOptions {
  rpcUrl: string;
  marketAddress: Address;
  tokenAddress: Address;
  /** Only providers in this region may bid (none: any provider). */
  region?: string;
  cpuMillis?: number;
  memoryMiB?: number;
  storageMiB?: number;
  /** Token base units per hour (6 decimals). */
  maxPricePerHour?: bigint;
  durationSeconds?: number;
  bidWindowSeconds?: number;
  /** Another funded dev account as the tenant (default: dev account 5). */
  tenantKey?: Hex;
  /** The app the manifest is stored with (default: the e2e stack's, BASE_URL). */
  appUrl?: string;
  /** The workload (its totals are what the order buys); default: one nginx service of the sizes above. */
  manifest?: ManifestInput;
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
  // A one-service deployment of exactly what the order buys; a unique name makes a unique hash.
  const { manifest, specHash } = canonicalizeManifest(
    opts.manifest ?? {
      version: 2,
      name: `e2e-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
      services: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ port: 80 }],
          resources: {
            cpu: opts.cpuMillis ?? 1000,
            memory: opts.memoryMiB ?? 2048,
            storage: opts.storageMiB ?? 1024,
          },
        },
      ],
    },
  );
  const totals = manifestTotals(manifest);
  if (totals.gpuCount > 0) throw new Error("createOrder orders CPU workloads only");
  const order = {
    tenant: account.address,
    specHash,
    cpuMillicores: totals.cpuMillis,
    memoryMiB: totals.memoryMiB,
    storageMiB: totals.storageMiB,
    gpuCount: 0,
    gpuModel: `0x${"00".repeat(32)}` as Hex,
    requiredAttributes: opts.region ? [attributeId("region", opts.region)] : [],
    maxPricePerHour,
    duration,
    deposit,
    bidWindow: opts.bidWindowSeconds ?? 20,
    nonce: BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000)),
    deadline: block.timestamp + 3600n,
    startDeadline: 600,
    auctionFormat: 0,
    revealWindow: 0,
    minReputation: 0,
  };
  const chainId = await publicClient.getChainId();
  const signature = await wallet.signTypedData(orderTypedData(order, chainId, opts.marketAddress));
  const appUrl = opts.appUrl ?? process.env.BASE_URL;
  if (!appUrl) throw new Error("createOrder needs the app's URL (BASE_URL) to store the order's manifest");
  const stored = await fetch(`${appUrl}/api/manifests`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ manifest, order: serializeOrder(order), signature }),
  });
  if (!stored.ok) throw new Error(`storing the manifest failed: ${stored.status} ${await stored.text()}`);
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

/**
 * The tenant accepts the best bid as soon as there is one (the seeded providers' bid engine bids
 * within seconds): the lease starts, with the order's id.
 */
export async function acceptBestBid(opts: {
  rpcUrl: string;
  marketAddress: Address;
  orderId: bigint;
  tenantKey?: Hex;
  timeoutMs?: number;
}): Promise<void> {
  const { account, publicClient, wallet } = marketClients(opts.rpcUrl, opts.tenantKey);
  const until = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const sim = await publicClient
      .simulateContract({
        account,
        address: opts.marketAddress,
        abi: computeMarketAbi,
        functionName: "acceptBid",
        args: [opts.orderId],
      })
      .catch(() => null);
    if (sim) {
      const receipt = await publicClient.waitForTransactionReceipt({
        hash: await wallet.writeContract({ ...sim.request, chain: null }),
      });
      if (receipt.status === "success") return;
    }
    if (Date.now() > until) throw new Error(`order ${opts.orderId}: no bid to accept`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
