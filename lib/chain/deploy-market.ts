// Deploys the payment token (MockStablecoin, unless one is given) and ComputeMarket with viem; used by the
// local dev stack right after startAnvil, by tests and by the gas bench.
import "server-only";
import { type Address, createPublicClient, createWalletClient, getAddress, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  computeMarketAbi,
  computeMarketBytecode,
  mockStablecoinAbi,
  mockStablecoinBytecode,
} from "@/lib/chain/generated/contracts";

export type DeployMarketOptions = {
  rpcUrl: string;
  deployerPrivateKey: Hex;
  /** Fee recipient; defaults to the deployer. */
  treasury?: Address;
  /** Protocol fee in basis points (max 1000); defaults to 0. */
  feeBps?: number;
  /** Existing ERC-20 to pay in; if absent a MockStablecoin is deployed. */
  token?: Address;
};

export type DeployedMarket = {
  marketAddress: Address;
  tokenAddress: Address;
  /** Block of the market deployment: where an indexer starts. */
  deployBlock: bigint;
  chainId: number;
};

/** Deploy ComputeMarket (and a MockStablecoin unless `token` is given); the deployer becomes owner. */
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

  const hash = await wallet.deployContract({
    abi: computeMarketAbi,
    bytecode: computeMarketBytecode,
    args: [tokenAddress, account.address, opts.treasury ?? account.address, opts.feeBps ?? 0],
    chain: null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress || receipt.status !== "success")
    throw new Error("ComputeMarket deploy failed");
  return {
    marketAddress: getAddress(receipt.contractAddress),
    tokenAddress,
    deployBlock: receipt.blockNumber,
    chainId,
  };
}
