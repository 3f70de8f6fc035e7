import { formatTokenAmount } from "@/lib/market/price-order";
import type { ProviderOffer, ScreeningResult } from "@/lib/market/screen-order";
import {
  type AuctionFormatName,
  type BidStrategy,
  DEFAULT_UNDERCUT_STEP,
  type SimBidder,
  simulateAuction,
} from "@/lib/market/simulate-auction";

// The deploy form's price estimate, per auction format, from what the market says about this order:
// the floors (each eligible provider's own price for it, by the one pricing rule) and strategies of
// the providers that would bid, the tenant's max price, and recent settled prices. The auction is
// played out by simulateAuction, the code bench:auction measures, so the estimate and the benchmark
// agree: an open descending auction among undercutters ends near the second-lowest floor (a step
// below it at most), a sealed second-price one at the second-lowest floor, and either, with a
// single bidder, at the max price.

export interface EstimateBidder {
  floor: bigint;
  strategy: BidStrategy;
  undercutStep: bigint;
}

export interface AuctionEstimate {
  format: AuctionFormatName;
  /** Expected price per hour; null with nothing to go on. */
  pricePerHour: bigint | null;
  /** Where the figure comes from: "floors" (providers that would bid), "recent" (settled prices), or none. */
  source: "floors" | "recent" | null;
  /** Providers whose floor is at or below the max: those that would bid. */
  bidders: number;
  lowestFloor: bigint | null;
  highestFloor: bigint | null;
  /** One sentence for the tenant: the basis of the figure. */
  basis: string;
}

export interface EstimateAuctionInput {
  bidders: EstimateBidder[];
  maxPricePerHour: bigint | null;
  /** The median recent settled price scaled to this order, when there is one. */
  recentPrice: bigint | null;
}

/**
 * Enough to settle the price (bench:auction: with 10 bidders the price is already within 0.5 % of
 * the lowest floor): dearer bidders cannot win and barely move it. Few plays keep it cheap enough
 * for the deploy form to rerun as the tenant types.
 */
const MAX_SIMULATED = 10;
const MAX_PLAYS = 5;

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const fmt = (v: bigint) => formatTokenAmount(v);
const FORMAT_NAME: Record<AuctionFormatName, string> = {
  open: "an open descending auction",
  sealed: "a sealed second-price auction",
};

export function estimateAuctionPrices(
  input: EstimateAuctionInput,
): Record<AuctionFormatName, AuctionEstimate> {
  return { open: estimateOne("open", input), sealed: estimateOne("sealed", input) };
}

function estimateOne(format: AuctionFormatName, input: EstimateAuctionInput): AuctionEstimate {
  const max = input.maxPricePerHour;
  const within =
    max === null || max <= 0n
      ? []
      : input.bidders
          .filter((b) => b.floor > 0n && b.floor <= max)
          .sort((a, b) => ascending(a.floor, b.floor));
  const bidding = within.slice(0, MAX_SIMULATED);
  const recent = input.recentPrice !== null ? `; recent settled prices ≈ ${fmt(input.recentPrice)}/h` : "";

  if (max === null || max <= 0n || bidding.length === 0) {
    const none =
      input.bidders.length > 0 && max !== null
        ? "No eligible provider's floor is at or below your max price"
        : "No eligible provider";
    return {
      format,
      pricePerHour: input.recentPrice,
      source: input.recentPrice !== null ? "recent" : null,
      bidders: 0,
      lowestFloor: null,
      highestFloor: null,
      basis:
        input.recentPrice !== null
          ? `${none}: based on recent settled prices, scaled to this order, ≈ ${fmt(input.recentPrice)}/h.`
          : `${none}: nothing to estimate from.`,
    };
  }

  const price = expectedPrice(format, bidding, max);
  const lowest = (within[0] as EstimateBidder).floor;
  const highest = (within.at(-1) as EstimateBidder).floor;
  const n = within.length;
  const floors =
    n === 1
      ? `1 eligible provider's floor ${fmt(lowest)}/h`
      : `${n} eligible providers' floors ${fmt(lowest)}–${fmt(highest)}/h`;
  const how =
    n === 1 && price === max
      ? `with a single bidder, ${FORMAT_NAME[format]} settles at your max price ${fmt(price)}/h`
      : format === "open"
        ? `${FORMAT_NAME.open} (${strategies(bidding)}) expects ${fmt(price)}/h`
        : `${FORMAT_NAME.sealed} expects the second-lowest floor, ${fmt(price)}/h`;
  return {
    format,
    pricePerHour: price,
    source: "floors",
    bidders: n,
    lowestFloor: lowest,
    highestFloor: highest,
    basis: `Based on ${floors}; ${how}${recent}.`,
  };
}

/**
 * Sealed: the order does not matter. Open: who moves first does, within a step; the median over
 * up to MAX_PLAYS plays, each started by a different bidder (spread from cheapest to dearest).
 */
function expectedPrice(format: AuctionFormatName, bidding: EstimateBidder[], max: bigint): bigint {
  const bidders: SimBidder[] = bidding.map((b, i) => ({ id: String(i), ...b }));
  const plays = format === "sealed" ? 1 : Math.min(bidders.length, MAX_PLAYS);
  const prices: bigint[] = [];
  for (let k = 0; k < plays; k++) {
    const r = Math.floor((k * bidders.length) / plays);
    const order = [...bidders.slice(r), ...bidders.slice(0, r)];
    const o = simulateAuction({ format, bidders: order, maxPricePerHour: max });
    if (o.price !== null) prices.push(o.price);
  }
  prices.sort(ascending);
  return prices[Math.floor((prices.length - 1) / 2)] ?? max;
}

function strategies(bidding: EstimateBidder[]): string {
  const kinds = new Set(bidding.map((b) => b.strategy));
  if (kinds.size > 1) return "mixed strategies";
  return kinds.has("floor") ? "providers bid their floors" : "providers undercut";
}

/** Bidders from bare rates, for callers that know no strategies: the default undercut. */
export function undercutBidders(rates: bigint[]): EstimateBidder[] {
  return rates.map((floor) => ({ floor, strategy: "undercut", undercutStep: DEFAULT_UNDERCUT_STEP }));
}

/**
 * The providers that would bid on an order, from its screening without a price cap: the eligible
 * ones whose bid engine bids automatically (all eligible ones when none does, as they may bid by
 * hand), each at its rate with its own strategy and step (defaults when the offer has none).
 */
export function biddersFromScreening(
  screening: Pick<ScreeningResult, "address" | "eligible" | "pricePerHour" | "autoBid">[],
  offers: Pick<ProviderOffer, "address" | "bidStrategy" | "undercutStep">[],
): EstimateBidder[] {
  const eligible = screening.filter(
    (s): s is typeof s & { pricePerHour: bigint } => s.eligible && s.pricePerHour !== null,
  );
  const auto = eligible.filter((s) => s.autoBid);
  const byAddress = new Map(offers.map((o) => [o.address.toLowerCase(), o]));
  return (auto.length > 0 ? auto : eligible).map((s) => {
    const offer = byAddress.get(s.address.toLowerCase());
    const step =
      offer?.undercutStep && /^[0-9]{1,30}$/.test(offer.undercutStep) ? BigInt(offer.undercutStep) : null;
    return {
      floor: s.pricePerHour,
      strategy: offer?.bidStrategy ?? "undercut",
      undercutStep: step ?? DEFAULT_UNDERCUT_STEP,
    };
  });
}
