import {
  type AuctionEstimate,
  type EstimateBidder,
  estimateAuctionPrices,
  undercutBidders,
} from "@/lib/market/estimate-auction-price";
import { parseTokenAmount } from "@/lib/market/price-order";
import type { AuctionFormatName } from "@/lib/market/simulate-auction";

// The deploy form's order arithmetic, from what the tenant typed (text, as in the fields) and what
// the market says: the suggested max price and deposit, what the deposit covers, the estimate, and
// one message per invalid term. Amounts are token base units (6 decimals) in bigint, so nothing is
// lost to floating point; an hour is 3600 s and a deposit is rounded up to the next base unit.

export interface OrderTermsInput {
  /** The hourly rates of the providers that can take the order, screened without a price cap. */
  rates: bigint[];
  /**
   * The providers that would bid: each one's rate (its floor) and bid-engine strategy. Absent: the
   * rates above, as undercutters with the default step.
   */
  bidders?: EstimateBidder[];
  /** Recent winning prices, for a suggestion when no provider fits right now. */
  recentPrices: { pricePerHour: string; cpuMillis: number }[];
  /** CPU the whole order asks for (all replicas); null while the manifest is invalid. */
  cpuMillis: number | null;
  durationHours: string;
  bidWindowSeconds: string;
  /** null: the tenant has not typed one, use the suggestion. */
  maxPriceText: string | null;
  depositText: string | null;
}

export interface OrderTermErrors {
  duration: string | null;
  bidWindow: string | null;
  maxPrice: string | null;
  deposit: string | null;
}

export interface OrderTerms {
  cheapest: bigint | null;
  highest: bigint | null;
  /** The median recent price per core, scaled to this order's CPU. */
  recentPrice: bigint | null;
  suggestedMaxPrice: bigint;
  maxPricePerHour: bigint | null;
  durationSeconds: number;
  bidWindowSeconds: number;
  suggestedDeposit: bigint | null;
  deposit: bigint | null;
  /** How long the deposit lasts at the max price, in whole seconds. */
  coveredSeconds: number;
  /** The expected price of an open descending auction (estimates.open) over the whole duration; null with nothing to go on. */
  estimate: bigint | null;
  /** The expected price per auction format, with its basis, and over the whole duration. */
  estimates: Record<AuctionFormatName, AuctionEstimate & { total: bigint | null }>;
  errors: OrderTermErrors;
  valid: boolean;
}

/** With nothing to go on (no provider fits, no recent win), a cap of 0.10 token per hour. */
export const FALLBACK_MAX_PRICE = 100_000n;
const MIN_BID_WINDOW = 5;
const MAX_BID_WINDOW = 30 * 86_400;

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function tokenOrNull(text: string): bigint | null {
  try {
    return parseTokenAmount(text);
  } catch {
    return null;
  }
}

export function quoteOrderTerms(input: OrderTermsInput): OrderTerms {
  const rates = [...input.rates].sort(ascending);
  const cheapest = rates[0] ?? null;
  const highest = rates.at(-1) ?? null;

  const perCore = input.recentPrices
    .filter((p) => p.cpuMillis > 0)
    .map((p) => (BigInt(p.pricePerHour) * 1000n) / BigInt(p.cpuMillis))
    .sort(ascending);
  const recentPrice =
    perCore.length && input.cpuMillis !== null
      ? ((perCore[Math.floor(perCore.length / 2)] as bigint) * BigInt(input.cpuMillis)) / 1000n
      : null;

  // Suggested cap: every provider that fits can bid (its own rate), plus 10 % headroom.
  const suggestedMaxPrice =
    highest !== null
      ? highest + highest / 10n + 1n
      : recentPrice !== null
        ? recentPrice * 2n
        : FALLBACK_MAX_PRICE;
  const maxPricePerHour = input.maxPriceText === null ? suggestedMaxPrice : tokenOrNull(input.maxPriceText);

  const hours = Number(input.durationHours);
  const durationSeconds = Number.isFinite(hours) && hours > 0 ? Math.round(hours * 3600) : 0;
  const suggestedDeposit =
    maxPricePerHour !== null ? (maxPricePerHour * BigInt(durationSeconds) + 3599n) / 3600n : null;
  const deposit = input.depositText === null ? suggestedDeposit : tokenOrNull(input.depositText);
  const bidWindowSeconds = Number(input.bidWindowSeconds);

  const errors: OrderTermErrors = {
    duration: durationSeconds <= 0 ? "a positive number of hours" : null,
    bidWindow:
      !Number.isInteger(bidWindowSeconds) ||
      bidWindowSeconds < MIN_BID_WINDOW ||
      bidWindowSeconds > MAX_BID_WINDOW
        ? "5 seconds to 30 days"
        : null,
    maxPrice: maxPricePerHour === null || maxPricePerHour <= 0n ? "a token amount above 0" : null,
    deposit:
      deposit === null || deposit <= 0n
        ? "a token amount above 0"
        : maxPricePerHour !== null && deposit * 3600n < maxPricePerHour * 60n
          ? "less than one minute at your max price"
          : null,
  };

  const byFormat = estimateAuctionPrices({
    bidders: input.bidders ?? undercutBidders(rates),
    maxPricePerHour,
    recentPrice,
  });
  const total = (e: AuctionEstimate) =>
    e.pricePerHour !== null ? (e.pricePerHour * BigInt(durationSeconds)) / 3600n : null;
  const estimates = {
    open: { ...byFormat.open, total: total(byFormat.open) },
    sealed: { ...byFormat.sealed, total: total(byFormat.sealed) },
  };

  return {
    cheapest,
    highest,
    recentPrice,
    suggestedMaxPrice,
    maxPricePerHour,
    durationSeconds,
    bidWindowSeconds,
    suggestedDeposit,
    deposit,
    coveredSeconds: deposit !== null && maxPricePerHour ? Number((deposit * 3600n) / maxPricePerHour) : 0,
    estimate: estimates.open.total,
    estimates,
    errors,
    valid: Object.values(errors).every((e) => e === null),
  };
}
