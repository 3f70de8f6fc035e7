import "server-only";
import type { Address } from "viem";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";

// Small live reads of the market contract for the order and lease pages: the database (indexer)
// holds history, the chain holds the present (escrow, accrual) — both cheap eth_calls.

export const ORDER_STATUS = ["none", "open", "cancelled", "expired", "active", "closed"] as const;
export type ChainOrderStatus = (typeof ORDER_STATUS)[number];

function market(): Address | null {
  return (getConfig().MARKET_ADDRESS as Address | undefined) ?? null;
}

export async function readChainOrder(id: bigint) {
  const address = market();
  if (!address) return null;
  try {
    const o = await getPublicClient().readContract({
      address,
      abi: computeMarketAbi,
      functionName: "getOrder",
      args: [id],
    });
    return {
      tenant: o.tenant.toLowerCase(),
      status: ORDER_STATUS[o.status] ?? "none",
      bidEnd: Number(o.bidEnd),
      escrow: o.escrow.toString(),
      bestProvider: BigInt(o.bestProvider) === 0n ? null : o.bestProvider.toLowerCase(),
      bestPrice: o.bestPrice === 0n ? null : o.bestPrice.toString(),
    };
  } catch {
    return null;
  }
}

export async function readChainLease(id: bigint) {
  const address = market();
  if (!address) return null;
  try {
    const l = await getPublicClient().readContract({
      address,
      abi: computeMarketAbi,
      functionName: "getLease",
      args: [id],
    });
    return {
      tenant: l.tenant.toLowerCase(),
      provider: l.provider.toLowerCase(),
      status: ORDER_STATUS[l.status] ?? "none",
      pricePerHour: l.pricePerHour.toString(),
      startedAt: Number(l.startedAt),
      endsAt: Number(l.endsAt),
      escrow: l.escrow.toString(),
      paidOut: l.paidOut.toString(),
      accrued: l.accrued.toString(),
      readAt: Math.floor(Date.now() / 1000),
    };
  } catch {
    return null;
  }
}

export type ChainLeaseView = NonNullable<Awaited<ReturnType<typeof readChainLease>>>;
