import { formatTokenAmount } from "@/lib/market/price-order";

// The bid engine's price decision for one (order, provider), given the provider's floor (its own
// price for the order by priceOrder) and the current best bid on-chain. Pure, so every case is a
// unit test: bid the floor, or undercut the best bid by a step but never below the floor, never
// above the order's max, and never against ourselves.

export interface BidContext {
  /** The provider's own price for the order: the lowest it will ever bid. */
  floor: bigint;
  maxPricePerHour: bigint;
  strategy: "floor" | "undercut";
  undercutStep: bigint;
  /** null when nobody has bid yet. */
  best: { provider: string; price: bigint } | null;
  provider: string;
}

export type BidDecision =
  | { action: "bid" | "undercut"; price: bigint; reason: string }
  | { action: "skip"; price: bigint | null; reason: string }
  | { action: "hold"; price: bigint; reason: string };

const fmt = (v: bigint) => formatTokenAmount(v);

export function decideBid(c: BidContext): BidDecision {
  if (c.floor <= 0n)
    return { action: "skip", price: null, reason: "skipped: the price for this order is zero" };
  if (c.floor > c.maxPricePerHour)
    return {
      action: "skip",
      price: c.floor,
      reason: `skipped: price ${fmt(c.floor)}/h above the order's max ${fmt(c.maxPricePerHour)}/h`,
    };

  if (!c.best) {
    // Nobody bid yet: the floor strategy bids its price; the undercut strategy starts at the max
    // and steps down only as far as competition forces it.
    const price = c.strategy === "floor" ? c.floor : c.maxPricePerHour;
    return { action: "bid", price, reason: `bid ${fmt(price)}/h (first bid, floor ${fmt(c.floor)})` };
  }

  if (c.best.provider.toLowerCase() === c.provider.toLowerCase())
    return { action: "hold", price: c.best.price, reason: `leading at ${fmt(c.best.price)}/h` };

  const best = c.best.price;
  if (best <= c.floor)
    return {
      action: "skip",
      price: c.floor,
      reason: `outbid at ${fmt(best)}, floor ${fmt(c.floor)}`,
    };
  if (c.strategy === "floor")
    return {
      action: "bid",
      price: c.floor,
      reason: `bid the floor ${fmt(c.floor)}/h under the best ${fmt(best)}`,
    };
  const step = c.undercutStep > 0n ? c.undercutStep : 1n;
  const price = best - step < c.floor ? c.floor : best - step;
  return {
    action: "undercut",
    price,
    reason: `undercut ${fmt(best)} by ${fmt(best - price)} to ${fmt(price)}/h (floor ${fmt(c.floor)})`,
  };
}
