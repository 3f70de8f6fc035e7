import type { AUCTION_FORMAT } from "@/lib/chain/order-types";
import { decideBid } from "@/lib/market/bid-engine/decide-bid";
import { sealedBidPrice } from "@/lib/market/bid-engine/sealed-bid-price";

// One auction, played out in memory with the bid engine's own rules: the open descending auction
// by decideBid (each provider in turn reacts to the current best until a whole round passes
// without a bid, as the bid engine does tick after tick), the sealed-bid second-price auction by
// sealedBidPrice. The contract's rules are applied to every bid: an open bid must be at or below
// the max and strictly below the best, or it reverts; the lowest reveal wins (ties: the first) and
// is paid the second-lowest reveal, or the max when it is the only one. Pure and deterministic:
// the auction benchmark (bench/auction.ts) and the deploy form's estimate both run it.

/** An order's auction format by name (`Order.auctionFormat` is its number in AUCTION_FORMAT). */
export type AuctionFormatName = keyof typeof AUCTION_FORMAT;
export type BidStrategy = "floor" | "undercut";

/** A provider's undercut step when it is not known: the column's default, the wizard's and the demo providers'. */
export const DEFAULT_UNDERCUT_STEP = 1_000n;

export interface SimBidder {
  id: string;
  /** Its own price for the order: the lowest it will bid. */
  floor: bigint;
  strategy: BidStrategy;
  undercutStep: bigint;
}

export interface AuctionOutcome {
  /** null: nobody bid (every floor above the max). */
  winner: string | null;
  /** What the tenant pays per hour. */
  price: bigint | null;
  winnerFloor: bigint | null;
  /** Bids the contract accepted (open) or reveals (sealed). */
  bids: number;
  atMax: boolean;
}

export interface SimulateAuctionInput {
  format: AuctionFormatName;
  /** In the order they take their turns (open) or reveal (sealed). */
  bidders: SimBidder[];
  maxPricePerHour: bigint;
}

/** `fastForward: false` plays every round of an open auction one by one (tests compare the two). */
export function simulateAuction(
  input: SimulateAuctionInput,
  opts: { fastForward?: boolean } = {},
): AuctionOutcome {
  return input.format === "open" ? simulateOpen(input, opts.fastForward ?? true) : simulateSealed(input);
}

function outcome(
  best: { id: string; price: bigint } | null,
  price: bigint | null,
  bidders: SimBidder[],
  bids: number,
  max: bigint,
): AuctionOutcome {
  const winner = best ? bidders.find((b) => b.id === best.id) : undefined;
  return {
    winner: best?.id ?? null,
    price,
    winnerFloor: winner?.floor ?? null,
    bids,
    atMax: price !== null && price === max,
  };
}

function simulateOpen(
  { bidders, maxPricePerHour: max }: SimulateAuctionInput,
  fastForward: boolean,
): AuctionOutcome {
  let best: { id: string; price: bigint } | null = null;
  let bids = 0;
  // Every accepted bid lowers the best by at least one unit, so this ends.
  for (let moved = true; moved; ) {
    moved = false;
    // A round in which every bid undercuts the best by exactly its bidder's step (nobody bids its
    // floor, none is held back by it, nobody leads at its turn) repeats identically, a round's
    // worth lower, while each bidder's slack above its floor lasts: those rounds are skipped at
    // once. A provider with a step of 1 unit would otherwise take a bid per unit of price.
    let regular = best !== null;
    let slack: bigint | null = null;
    const before: bigint = best?.price ?? 0n;
    let roundBids = 0;
    for (const b of bidders) {
      const d = decideBid({
        floor: b.floor,
        maxPricePerHour: max,
        strategy: b.strategy,
        undercutStep: b.undercutStep,
        best: best ? { provider: best.id, price: best.price } : null,
        provider: b.id,
      });
      if (d.action === "hold") regular = false;
      if (d.action !== "bid" && d.action !== "undercut") continue;
      // The contract: at or below the max, strictly below the best; anything else reverts.
      if (d.price <= 0n || d.price > max || (best && d.price >= best.price)) {
        regular = false;
        continue;
      }
      const step = b.undercutStep > 0n ? b.undercutStep : 1n;
      if (d.action !== "undercut" || !best || d.price !== best.price - step) regular = false;
      else if (slack === null || d.price - b.floor < slack) slack = d.price - b.floor;
      best = { id: b.id, price: d.price };
      bids++;
      roundBids++;
      moved = true;
    }
    // One bid alone in a round is not a pattern: next round its bidder leads and holds.
    if (fastForward && regular && roundBids >= 2 && best && slack !== null) {
      const drop: bigint = before - best.price;
      const rounds: bigint = slack / drop;
      best = { id: best.id, price: best.price - rounds * drop };
      bids += Number(rounds) * roundBids;
    }
  }
  return outcome(best, best?.price ?? null, bidders, bids, max);
}

function simulateSealed({ bidders, maxPricePerHour: max }: SimulateAuctionInput): AuctionOutcome {
  let best: { id: string; price: bigint } | null = null;
  let second: bigint | null = null;
  let reveals = 0;
  for (const b of bidders) {
    const d = sealedBidPrice({ floor: b.floor, maxPricePerHour: max });
    if (d.action !== "commit") continue;
    reveals++;
    if (!best || d.price < best.price) {
      if (best) second = best.price;
      best = { id: b.id, price: d.price };
    } else if (second === null || d.price < second) second = d.price;
  }
  return outcome(best, best ? (second ?? max) : null, bidders, reveals, max);
}
