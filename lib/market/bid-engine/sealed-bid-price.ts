import { formatTokenAmount } from "@/lib/market/price-order";

// The bid engine's price for a sealed-bid second-price auction: its floor, whatever the provider's
// open-auction strategy. The winner is paid the second-lowest reveal (or the order's max when it
// is the only one), never its own bid, so shading the bid up only risks losing an order it would
// have taken at a profit, and shading it down only risks winning below its own price: bidding the
// floor is the dominant strategy. Pure, like decideBid, so the commit path and the
// auction benchmark run the same rule.

export interface SealedBidContext {
  /** The provider's own price for the order (priceOrder on the cluster it would use). */
  floor: bigint;
  maxPricePerHour: bigint;
}

export type SealedBidDecision =
  | { action: "commit"; price: bigint; reason: string }
  | { action: "skip"; price: bigint | null; reason: string };

const fmt = (v: bigint) => formatTokenAmount(v);

export function sealedBidPrice(c: SealedBidContext): SealedBidDecision {
  if (c.floor <= 0n)
    return { action: "skip", price: null, reason: "skipped: the price for this order is zero" };
  if (c.floor > c.maxPricePerHour)
    return {
      action: "skip",
      price: c.floor,
      reason: `skipped: price ${fmt(c.floor)}/h above the order's max ${fmt(c.maxPricePerHour)}/h`,
    };
  return {
    action: "commit",
    price: c.floor,
    reason: `sealed bid at the floor ${fmt(c.floor)}/h (second price: paid the next-lowest reveal or the max)`,
  };
}
