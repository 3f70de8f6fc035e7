import "server-only";
import { type Address, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { getPublicClient } from "@/lib/chain/public-client";
import { revertName } from "@/lib/chain/revert-name";
import { getConfig } from "@/lib/config";
import { marketChain } from "@/lib/wagmi/config";
import type { BidChain } from "./run-bid-engine";

// The bid engine's chain access through the operator key (OPERATOR_PRIVATE_KEY). Each bid is
// simulated first (a revert such as BidNotLower surfaces by name, without spending gas), then sent
// and awaited; the caller sends one at a time, so viem's pending-nonce lookup is always right.

export function operatorAddress(): Address | null {
  const key = getConfig().OPERATOR_PRIVATE_KEY;
  return key ? privateKeyToAccount(key as Hex).address : null;
}

export function createChainBidder(): BidChain | null {
  const config = getConfig();
  if (!config.OPERATOR_PRIVATE_KEY || !config.MARKET_ADDRESS) return null;
  const account = privateKeyToAccount(config.OPERATOR_PRIVATE_KEY as Hex);
  const market = config.MARKET_ADDRESS as Address;
  const chain = marketChain({ chainId: config.CHAIN_ID, rpcUrl: config.RPC_URL });
  const wallet = createWalletClient({ account, chain, transport: http(config.RPC_URL, { timeout: 10_000 }) });
  const client = getPublicClient();

  return {
    operator: account.address,
    async getProvider(provider) {
      const p = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getProvider",
        args: [provider],
      });
      return { registered: p.registered, operator: p.operator };
    },
    hasAttribute(provider, attribute) {
      return client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "providerHasAttribute",
        args: [provider, attribute],
      });
    },
    async bestBid(orderId) {
      const [provider, price] = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "bestBid",
        args: [orderId],
      });
      return provider === "0x0000000000000000000000000000000000000000" ? null : { provider, price };
    },
    async placeBid({ orderId, provider, price, requiredAttributes }) {
      try {
        const { request } = await client.simulateContract({
          account,
          address: market,
          abi: computeMarketAbi,
          functionName: "placeBid",
          args: [orderId, provider, price, requiredAttributes],
        });
        const hash = await wallet.writeContract(request);
        const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
        if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
        return hash;
      } catch (error) {
        throw new Error(revertName(error));
      }
    },
  };
}
