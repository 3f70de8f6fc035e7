// Where a sealed-bid second-price auction stands at a moment: providers commit hidden bids until
// the bid window ends (bidEnd), reveal them until revealEnd (bidEnd + revealWindow), and then anyone
// may settle; the lowest reveal wins and is paid the second-lowest (the max price when it is the
// only reveal). Client-safe: the order page ticks it each second from the times the server sent.

export type SealedPhase = "commit" | "reveal" | "settle" | "over";

export interface SealedPhaseInput {
  /** The order's on-chain status. */
  status: string;
  /** ISO times. */
  bidEnd: string;
  revealEnd: string;
  nowMs: number;
}

export interface SealedPhaseStep {
  id: Exclude<SealedPhase, "over">;
  label: string;
  /** ISO time the step ends; null for settlement (whenever someone settles). */
  until: string | null;
  state: "done" | "current" | "upcoming";
}

export function sealedPhase(input: SealedPhaseInput): SealedPhase {
  if (input.status !== "open") return "over";
  if (input.nowMs < Date.parse(input.bidEnd)) return "commit";
  if (input.nowMs < Date.parse(input.revealEnd)) return "reveal";
  return "settle";
}

const ORDER: Exclude<SealedPhase, "over">[] = ["commit", "reveal", "settle"];

/** The three steps with their end times, the current one marked (all done once settled). */
export function sealedPhaseSteps(input: SealedPhaseInput): SealedPhaseStep[] {
  const phase = sealedPhase(input);
  const at = phase === "over" ? ORDER.length : ORDER.indexOf(phase);
  const step = (i: number): SealedPhaseStep["state"] => (i < at ? "done" : i === at ? "current" : "upcoming");
  return [
    { id: "commit", label: "Sealed bids", until: input.bidEnd, state: step(0) },
    { id: "reveal", label: "Reveals", until: input.revealEnd, state: step(1) },
    { id: "settle", label: "Settlement", until: null, state: step(2) },
  ];
}

export interface SealedReveal {
  provider: string;
  /** Base units per hour, decimal string. */
  price: string;
}

/**
 * The outcome the reveals imply, as the contract settles: the lowest wins (on a tie, the first to
 * reveal), and pays the second-lowest reveal, or the max price when it is the only one. null
 * without reveals (the order expires).
 */
export function sealedOutcome(
  reveals: SealedReveal[],
  maxPricePerHour: string,
): { winner: string; price: string; basis: "second" | "max" } | null {
  let best: SealedReveal | null = null;
  let second: SealedReveal | null = null;
  for (const r of reveals) {
    if (best === null || BigInt(r.price) < BigInt(best.price)) {
      second = best;
      best = r;
    } else if (second === null || BigInt(r.price) < BigInt(second.price)) {
      second = r;
    }
  }
  if (!best) return null;
  return second
    ? { winner: best.provider, price: second.price, basis: "second" }
    : { winner: best.provider, price: maxPricePerHour, basis: "max" };
}
