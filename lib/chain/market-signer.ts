import "server-only";
import { type Address, createWalletClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { marketChain } from "@/lib/wagmi/config";

// What the server's own keys (the keeper's, the deployer's) share on the chain: a wallet on the
// market's chain, the latest block's time, a call simulated on the pending block before it is sent,
// and a lease as the contract sees it now.

/** `IComputeMarket.OrderStatus` by its index. */
export const MARKET_STATUS = ["none", "open", "cancelled", "expired", "active", "closed"] as const;
export type MarketStatus = (typeof MARKET_STATUS)[number];

export function marketStatus(index: number): MarketStatus {
  return MARKET_STATUS[index] ?? "none";
}

export interface MarketSignerOptions {
  privateKey: Hex;
  market: Address;
  rpcUrl: string;
  chainId: number;
  client: PublicClient;
}

export function createMarketSigner(opts: MarketSignerOptions) {
  const account = privateKeyToAccount(opts.privateKey);
  const chain = marketChain({ chainId: opts.chainId, rpcUrl: opts.rpcUrl });
  const wallet = createWalletClient({ account, chain, transport: http(opts.rpcUrl, { timeout: 10_000 }) });
  const { client, market } = opts;
  return {
    account,
    wallet,
    client,
    market,
    /** The latest block's timestamp, seconds: the contract's `block.timestamp` for the next call is at least this. */
    async chainSeconds(): Promise<number> {
      return Number((await client.getBlock({ blockTag: "latest" })).timestamp);
    },
    /**
     * Simulates a market call on the pending block — the transaction is mined in the next block, at its
     * time; the latest block's time can lag far behind on a quiet chain, where a window that ended would
     * still look open — and returns the request to send. Throws viem's error on a revert.
     */
    async simulate(call: { functionName: string; args: readonly unknown[] }): Promise<object> {
      const { request } = await client.simulateContract({
        account,
        address: market,
        abi: computeMarketAbi,
        ...call,
        blockTag: "pending",
      } as never);
      return request as object;
    },
    /** `getLease(id)` now, its status by name. */
    async readLease(id: bigint) {
      const l = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getLease",
        args: [id],
      });
      return { ...l, statusName: marketStatus(l.status) };
    },
  };
}
