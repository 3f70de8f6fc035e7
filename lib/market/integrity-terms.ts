// The order's market-integrity terms as the tenant types them (deploy form, CLI flags): the auction
// format, the reveal window of a sealed auction, the start deadline and the minimum provider
// reputation. Parsed and checked against the contract's bounds (ComputeMarket: startDeadline 30..65535 s,
// revealWindow 0 for open and 1..86400 s for sealed, minReputation 0..100), one message per invalid
// term, so the form shows the error before the wallet is asked to sign something the chain refuses.

import {
  AUCTION_FORMAT,
  DEFAULT_START_DEADLINE_SECONDS,
  MAX_REPUTATION,
  MAX_REVEAL_WINDOW_SECONDS,
  MAX_START_DEADLINE_SECONDS,
  MIN_START_DEADLINE_SECONDS,
} from "@/lib/chain/order-types";
import type { BuildOrderOptions } from "@/lib/market/build-order";
import type { AuctionFormatName } from "@/lib/market/simulate-auction";

/** An auction format by name: "open" or "sealed" (the estimate's and the benchmark's name for it). */
export type AuctionFormat = AuctionFormatName;
export const AUCTION_FORMATS = ["open", "sealed"] as const satisfies readonly AuctionFormat[];

/** The on-chain `uint8 auctionFormat` (lib/chain/order-types.ts) of a format, and back. */
export const AUCTION_FORMAT_CODE = AUCTION_FORMAT satisfies Record<AuctionFormat, number>;

export function auctionFormatOf(code: number): AuctionFormat {
  return code === AUCTION_FORMAT.sealed ? "sealed" : "open";
}

/** One line each, for the format picker, the review step and the order page. */
export const AUCTION_FORMAT_TEXT: Record<AuctionFormat, { label: string; explain: string }> = {
  open: {
    label: "Open descending",
    explain:
      "Providers see the best bid and undercut it; the lowest bid when the window closes wins at its own price.",
  },
  sealed: {
    label: "Sealed-bid, second price",
    explain:
      "Providers commit hidden bids, then reveal them; the lowest wins but is paid the second-lowest price (your max if it is the only one).",
  },
};

// The contract's bounds, from the one definition of the order (lib/chain/order-types.ts).
export const START_DEADLINE_DEFAULT = DEFAULT_START_DEADLINE_SECONDS;
export const START_DEADLINE_MIN = MIN_START_DEADLINE_SECONDS;
/** uint16 on chain: 65535 s, a little over 18 hours. */
export const START_DEADLINE_MAX = MAX_START_DEADLINE_SECONDS;
/** The form's suggestion: a minute is plenty for a bid engine to reveal. */
export const REVEAL_WINDOW_DEFAULT = 60;
export const REVEAL_WINDOW_MIN = 1;
export const REVEAL_WINDOW_MAX = MAX_REVEAL_WINDOW_SECONDS;
export const MIN_REPUTATION_MAX = MAX_REPUTATION;

export interface IntegrityTermsText {
  auctionFormat: AuctionFormat;
  /** Seconds; only read for a sealed auction. */
  revealWindow: string;
  /** Seconds. */
  startDeadline: string;
  /** 0..100; "" means 0 (no minimum). */
  minReputation: string;
}

export const DEFAULT_INTEGRITY_TERMS: IntegrityTermsText = {
  auctionFormat: "open",
  revealWindow: String(REVEAL_WINDOW_DEFAULT),
  startDeadline: String(START_DEADLINE_DEFAULT),
  minReputation: "0",
};

/** What the signed order carries (the four EIP-712 fields after `deadline`). */
export interface IntegrityOrderFields {
  startDeadline: number;
  auctionFormat: (typeof AUCTION_FORMAT)[AuctionFormat];
  revealWindow: number;
  minReputation: number;
}

/** The fields as buildOrder's options. */
export function integrityOrderOptions(
  fields: IntegrityOrderFields,
): Pick<
  BuildOrderOptions,
  "startDeadlineSeconds" | "auctionFormat" | "revealWindowSeconds" | "minReputation"
> {
  return {
    startDeadlineSeconds: fields.startDeadline,
    auctionFormat: fields.auctionFormat,
    revealWindowSeconds: fields.revealWindow,
    minReputation: fields.minReputation,
  };
}

export interface IntegrityTermErrors {
  revealWindow: string | null;
  startDeadline: string | null;
  minReputation: string | null;
}

export interface IntegrityTerms {
  format: AuctionFormat;
  /** null while a term is invalid. */
  fields: IntegrityOrderFields | null;
  errors: IntegrityTermErrors;
  valid: boolean;
}

function wholeNumber(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

function within(n: number | null, min: number, max: number): n is number {
  return n !== null && n >= min && n <= max;
}

export function parseIntegrityTerms(text: IntegrityTermsText): IntegrityTerms {
  const sealed = text.auctionFormat === "sealed";
  const startDeadline = wholeNumber(text.startDeadline);
  const revealWindow = sealed ? wholeNumber(text.revealWindow) : 0;
  const minReputation = text.minReputation.trim() === "" ? 0 : wholeNumber(text.minReputation);
  const errors: IntegrityTermErrors = {
    startDeadline: within(startDeadline, START_DEADLINE_MIN, START_DEADLINE_MAX)
      ? null
      : `whole seconds, ${START_DEADLINE_MIN} to ${START_DEADLINE_MAX} (about 18 h)`,
    revealWindow:
      !sealed || within(revealWindow, REVEAL_WINDOW_MIN, REVEAL_WINDOW_MAX)
        ? null
        : `whole seconds, ${REVEAL_WINDOW_MIN} to ${REVEAL_WINDOW_MAX} (a day)`,
    minReputation: within(minReputation, 0, MIN_REPUTATION_MAX) ? null : "a whole number from 0 to 100",
  };
  const valid = Object.values(errors).every((e) => e === null);
  return {
    format: text.auctionFormat,
    fields: valid
      ? {
          startDeadline: startDeadline as number,
          auctionFormat: AUCTION_FORMAT_CODE[text.auctionFormat],
          revealWindow: revealWindow as number,
          minReputation: minReputation as number,
        }
      : null,
    errors,
    valid,
  };
}

/** How many providers meet a minimum reputation; providers without a score count as 0. */
export function countMeetingReputation(scores: (number | null | undefined)[], min: number): number {
  return scores.filter((s) => (s ?? 0) >= min).length;
}

/**
 * The minimum reputation's reach among the providers screening says fit the order: how many fit,
 * how many of those meet `min`. `scores` maps a provider's address to its score; null while no
 * score is known at all (then nothing is claimed).
 */
export function reputationReach(
  screening: { address: string; eligible: boolean }[],
  scores: ReadonlyMap<string, number | null> | null,
  min: number,
): { fitting: number; meeting: number; known: boolean } {
  const fitting = screening.filter((s) => s.eligible);
  if (!scores) return { fitting: fitting.length, meeting: fitting.length, known: false };
  return {
    fitting: fitting.length,
    meeting: countMeetingReputation(
      fitting.map((s) => scores.get(s.address.toLowerCase())),
      min,
    ),
    known: true,
  };
}

/** The CLI's flags (`kubebid deploy --auction sealed --reveal-window S --start-deadline S --min-reputation N`). */
export interface IntegrityFlags {
  auction?: string;
  "reveal-window"?: string;
  "start-deadline"?: string;
  "min-reputation"?: string;
}

const FLAG_OF: Record<keyof IntegrityTermErrors, string> = {
  revealWindow: "--reveal-window",
  startDeadline: "--start-deadline",
  minReputation: "--min-reputation",
};

/** The flags as order fields, or the first invalid flag with its message. Unset flags take the defaults. */
export function integrityFromFlags(
  flags: IntegrityFlags,
): { ok: true; fields: IntegrityOrderFields } | { ok: false; error: string } {
  const auction = flags.auction ?? DEFAULT_INTEGRITY_TERMS.auctionFormat;
  if (!(AUCTION_FORMATS as readonly string[]).includes(auction))
    return { ok: false, error: `--auction: "open" or "sealed", not "${auction}"` };
  if (auction === "open" && flags["reveal-window"] !== undefined)
    return { ok: false, error: "--reveal-window: only for --auction sealed" };
  const parsed = parseIntegrityTerms({
    auctionFormat: auction as AuctionFormat,
    revealWindow: flags["reveal-window"] ?? DEFAULT_INTEGRITY_TERMS.revealWindow,
    startDeadline: flags["start-deadline"] ?? DEFAULT_INTEGRITY_TERMS.startDeadline,
    minReputation: flags["min-reputation"] ?? DEFAULT_INTEGRITY_TERMS.minReputation,
  });
  if (parsed.fields) return { ok: true, fields: parsed.fields };
  const [key, message] = Object.entries(parsed.errors).find(([, m]) => m) as [
    keyof IntegrityTermErrors,
    string,
  ];
  return { ok: false, error: `${FLAG_OF[key]}: ${message}` };
}
