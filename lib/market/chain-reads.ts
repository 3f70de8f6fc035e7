import "server-only";
import type { Address } from "viem";
import type { ChainClockAnchor } from "@/lib/chain/create-chain-clock";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";

// Small live reads of the market contract for the order and lease pages: the database (indexer)
// holds history, the chain holds the present (escrow, accrual) — both cheap eth_calls.

const ORDER_STATUS = ["none", "open", "cancelled", "expired", "active", "closed"] as const;
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
      /** The attested start (accrual runs from it), 0: not attested yet; the absolute start deadline. */
      attestedAt: Number(l.attestedAt),
      startDeadline: Number(l.startDeadline),
      downtimeSeconds: Number(l.downtimeSeconds),
      /** SLA refunds paid out of the provider's earnings (the bond's part is not counted here). */
      refunded: l.refunded.toString(),
    };
  } catch {
    return null;
  }
}

/** A sealed-bid auction's reveal end, settled second price (null while under two reveals) and counts. */
export async function readSealedAuction(id: bigint) {
  const address = market();
  if (!address) return null;
  try {
    const a = await getPublicClient().readContract({
      address,
      abi: computeMarketAbi,
      functionName: "getSealedAuction",
      args: [id],
    });
    return {
      revealEnd: Number(a.revealEnd),
      secondPrice: a.secondPrice === 0n ? null : a.secondPrice.toString(),
      commits: Number(a.commits),
      reveals: Number(a.reveals),
    };
  } catch {
    return null;
  }
}

/**
 * Where chain time stands now: the wall clock, or the latest block's timestamp if the chain runs
 * ahead of it. A transaction sent now is mined at about that time, so accruals computed at it are
 * what `withdraw` or `closeLease` would settle. (The latest block alone lags on a quiet chain: a dev
 * node mines only on transactions, and `view` calls see that block's time.)
 */
export async function readChainClock(): Promise<ChainClockAnchor> {
  const wallMs = Date.now();
  try {
    const block = await getPublicClient().getBlock({ blockTag: "latest" });
    return { chainMs: Math.max(wallMs, Number(block.timestamp) * 1000) };
  } catch {
    return { chainMs: wallMs };
  }
}

export type ChainLeaseView = NonNullable<Awaited<ReturnType<typeof readChainLease>>>;
