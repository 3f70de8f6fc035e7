// Deploys the payment token (MockStablecoin, unless one is given) and ComputeMarket with viem; used by the
// local dev stack right after startAnvil, by tests and by the gas bench.
import "server-only";
import { type Address, createPublicClient, createWalletClient, getAddress, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  computeMarketAbi,
  computeMarketBytecode,
  computeMarketExtensionConstructorAbi,
  computeMarketExtensionBytecode,
  computeMarketViewsConstructorAbi,
  computeMarketViewsBytecode,
  mockStablecoinAbi,
  mockStablecoinBytecode,
} from "@/lib/chain/generated/contracts";

/** `IComputeMarket.IntegrityParams`: the market's immutable bond, slash and forfeit rules. */
export type IntegrityParams = {
  /** Share of a bid's lease value (price × duration) locked from the provider's bond, basis points. */
  bondBps: number;
  /** Most one lease (or sealed commit) locks, token base units. */
  bondCap: bigint;
  /** Seconds from a bond withdrawal request until it can be withdrawn. */
  unbondingDelay: number;
  /** Share of the lock paid to the tenant when a lease is never started, basis points. */
  startSlashBps: number;
  /** Share of an unrevealed sealed commit's lock forfeited to the tenant, basis points. */
  forfeitBps: number;
};

/** The dev stack's rules (20% of the lease value, at most 1,000 tokens of 6 decimals, 60 s unbonding). */
export const devIntegrityParams: IntegrityParams = {
  bondBps: 2_000,
  bondCap: 1_000_000_000n,
  unbondingDelay: 60,
  startSlashBps: 5_000,
  forfeitBps: 1_000,
};

export type DeployMarketOptions = {
  rpcUrl: string;
  deployerPrivateKey: Hex;
  /** Fee recipient; defaults to the deployer. */
  treasury?: Address;
  /** Protocol fee in basis points (max 1000); defaults to 0. */
  feeBps?: number;
  /** Existing ERC-20 to pay in; if absent a MockStablecoin is deployed. */
  token?: Address;
  /** Integrity rules; defaults to `devIntegrityParams`. */
  integrity?: IntegrityParams;
  /** The marketplace's deployer key (attests starts, downtime, reputation), set right after deployment. */
  deployer?: Address;
};

export type DeployedMarket = {
  marketAddress: Address;
  tokenAddress: Address;
  /** Block of the market deployment: where an indexer starts. */
  deployBlock: bigint;
  chainId: number;
};

/**
 * Deploy ComputeMarket with its extension and views (and a MockStablecoin unless `token` is given); the
 * deploying key becomes owner and,
 * when `deployer` is given, names it the marketplace's deployer.
 */
export async function deployMarket(opts: DeployMarketOptions): Promise<DeployedMarket> {
  const account = privateKeyToAccount(opts.deployerPrivateKey);
  const transport = http(opts.rpcUrl);
  const publicClient = createPublicClient({ transport });
  const chainId = await publicClient.getChainId();
  const wallet = createWalletClient({ account, transport });

  let tokenAddress = opts.token;
  if (!tokenAddress) {
    const hash = await wallet.deployContract({
      abi: mockStablecoinAbi,
      bytecode: mockStablecoinBytecode,
      chain: null,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (!receipt.contractAddress || receipt.status !== "success")
      throw new Error("MockStablecoin deploy failed");
    tokenAddress = getAddress(receipt.contractAddress);
  }

  // Three contracts (each under EIP-170, together over the EIP-3860 initcode limit): the views, the
  // extension naming them, the market naming the extension; all with the same immutables.
  const owner = account.address;
  const treasury = opts.treasury ?? account.address;
  const feeBps = opts.feeBps ?? 0;
  const integrity = opts.integrity ?? devIntegrityParams;
  const deployed = async (hash: Hex, name: string): Promise<{ address: Address; blockNumber: bigint }> => {
    const r = await publicClient.waitForTransactionReceipt({ hash });
    if (!r.contractAddress || r.status !== "success") throw new Error(`${name} deploy failed`);
    return { address: getAddress(r.contractAddress), blockNumber: r.blockNumber };
  };
  const views = await deployed(
    await wallet.deployContract({
      abi: computeMarketViewsConstructorAbi,
      bytecode: computeMarketViewsBytecode,
      args: [tokenAddress, owner, treasury, feeBps, integrity],
      chain: null,
    }),
    "ComputeMarketViews",
  );
  const extension = await deployed(
    await wallet.deployContract({
      abi: computeMarketExtensionConstructorAbi,
      bytecode: computeMarketExtensionBytecode,
      args: [tokenAddress, owner, treasury, feeBps, integrity, views.address],
      chain: null,
    }),
    "ComputeMarketExtension",
  );
  const hash = await wallet.deployContract({
    abi: computeMarketAbi,
    bytecode: computeMarketBytecode,
    args: [tokenAddress, owner, treasury, feeBps, integrity, extension.address],
    chain: null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress || receipt.status !== "success")
    throw new Error("ComputeMarket deploy failed");
  const marketAddress = getAddress(receipt.contractAddress);
  if (opts.deployer) {
    const setHash = await wallet.writeContract({
      address: marketAddress,
      abi: computeMarketAbi,
      functionName: "setDeployer",
      args: [opts.deployer],
      chain: null,
    });
    const setReceipt = await publicClient.waitForTransactionReceipt({ hash: setHash });
    if (setReceipt.status !== "success") throw new Error("ComputeMarket setDeployer failed");
  }
  return {
    marketAddress,
    tokenAddress,
    deployBlock: receipt.blockNumber,
    chainId,
  };
}
