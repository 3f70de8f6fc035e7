import "server-only";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { createMarketSigner, type MarketSignerOptions } from "@/lib/chain/market-signer";
import { getPublicClient } from "@/lib/chain/public-client";
import { revertName } from "@/lib/chain/revert-name";
import { getConfig } from "@/lib/config";
import type { BidChain } from "./run-bid-engine";

// The bid engine's chain access through the operator key (OPERATOR_PRIVATE_KEY): bids, sealed commits and
// reveals, and the reads that decide them (provider, best bid, bond, commit). Each transaction is
// simulated first on the pending block (a revert such as BidNotLower surfaces by name, without spending
// gas), then sent and awaited; the caller sends one at a time, so viem's pending-nonce lookup is always
// right. The pending block, not the latest: a reveal is due once the bid window has ended, and on a
// quiet chain (anvil mining only on demand) the latest block can be older than that end for as long as
// nobody sends anything, so a reveal simulated there would fail tick after tick.

export function operatorAddress(): Address | null {
  const key = getConfig().OPERATOR_PRIVATE_KEY;
  return key ? privateKeyToAccount(key as Hex).address : null;
}

/** The operator key, market and chain from the config; null without an operator key or a market. */
function operatorSignerOptions(): MarketSignerOptions | null {
  const config = getConfig();
  if (!config.OPERATOR_PRIVATE_KEY || !config.MARKET_ADDRESS) return null;
  return {
    privateKey: config.OPERATOR_PRIVATE_KEY as Hex,
    market: config.MARKET_ADDRESS as Address,
    rpcUrl: config.RPC_URL,
    chainId: config.CHAIN_ID,
    client: getPublicClient(),
  };
}

export function createChainBidder(
  opts: MarketSignerOptions | null = operatorSignerOptions(),
): BidChain | null {
  if (!opts) return null;
  const signer = createMarketSigner(opts);
  const { account, wallet, client, market } = signer;

  // Simulated first (a revert surfaces by name, without gas), then sent and awaited.
  const send = async (functionName: "placeBid" | "commitBid" | "revealBid", args: readonly unknown[]) => {
    try {
      const request = await signer.simulate({ functionName, args });
      const hash = await wallet.writeContract(request as never);
      const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return hash;
    } catch (error) {
      throw new Error(revertName(error));
    }
  };

  return {
    operator: account.address,
    async getProvider(provider) {
      const p = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getProvider",
        args: [provider],
      });
      return { registered: p.registered, operator: p.operator, reputation: p.reputation };
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
      return send("placeBid", [orderId, provider, price, requiredAttributes]);
    },
    bondRequired(pricePerHour, duration) {
      return client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "bondRequired",
        args: [pricePerHour, duration],
      });
    },
    async freeBond(provider) {
      const b = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getBond",
        args: [provider],
      });
      const free = BigInt(b.total) - BigInt(b.locked) - BigInt(b.unbonding);
      return free > 0n ? free : 0n;
    },
    async getCommit(orderId, provider) {
      const c = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getCommit",
        args: [orderId, provider],
      });
      return { commitment: c.commitment, revealed: c.revealed };
    },
    commitBid({ orderId, provider, commitment, requiredAttributes }) {
      return send("commitBid", [orderId, provider, commitment, requiredAttributes]);
    },
    revealBid({ orderId, provider, price, salt }) {
      return send("revealBid", [orderId, provider, price, salt]);
    },
  };
}
