import { formatTokenAmount } from "@/lib/market/price-order";
import { validateTopUp } from "./validate-top-up";

// The auto top-up rule the tenant typed, checked before any wallet prompt (client-safe), with the same
// limits as ComputeMarket.setAutoTopUp (amount > 0, cap ≥ amount, threshold > 0, each within its uint
// type) plus one the contract leaves to us: a cap with no room left over what the lease's auto top-ups
// already used would save a rule that can never fire. Each message is shown under its own field.

const UINT96_MAX = (1n << 96n) - 1n;
const UINT32_MAX = 2 ** 32 - 1;

export interface AutoTopUpDraft {
  amount: string;
  cap: string;
  hours: string;
  minutes: string;
}

export type AutoTopUpField = "amount" | "cap" | "threshold";

export type AutoTopUpCheck =
  | { ok: true; rule: { amountPerTopUp: bigint; totalCap: bigint; minRunwaySeconds: number } }
  | { ok: false; errors: Partial<Record<AutoTopUpField, string>> };

function parseAmount(text: string, what: string, decimals: number, symbol: string) {
  const check = validateTopUp(text, { balance: null, decimals, symbol });
  if (!check.ok) return { error: check.error.replace("Enter an amount to add.", `Enter ${what}.`) };
  if (check.amount > UINT96_MAX) return { error: "That is more than the contract can hold." };
  return { amount: check.amount };
}

function parseWhole(text: string): number | null {
  const value = text.trim();
  if (value === "") return 0;
  return /^[0-9]{1,7}$/.test(value) ? Number(value) : null;
}

export function validateAutoTopUp(
  draft: AutoTopUpDraft,
  opts: { used: bigint; decimals?: number; symbol?: string },
): AutoTopUpCheck {
  const decimals = opts.decimals ?? 6;
  const symbol = opts.symbol ?? "USD";
  const errors: Partial<Record<AutoTopUpField, string>> = {};
  const amount = parseAmount(draft.amount, "an amount per top-up", decimals, symbol);
  const cap = parseAmount(draft.cap, "a total cap", decimals, symbol);
  if (amount.error) errors.amount = amount.error;
  if (cap.error) errors.cap = cap.error;
  if (amount.amount !== undefined && cap.amount !== undefined) {
    if (cap.amount < amount.amount) errors.cap = "The cap must be at least one top-up's amount.";
    else if (cap.amount < opts.used + amount.amount)
      errors.cap = `Auto top-ups already added ${formatTokenAmount(opts.used, decimals)} ${symbol}: the cap must be at least ${formatTokenAmount(opts.used + amount.amount, decimals)} ${symbol} for one more.`;
  }

  const hours = parseWhole(draft.hours);
  const minutes = parseWhole(draft.minutes);
  if (hours === null || minutes === null) errors.threshold = "Hours and minutes are whole numbers.";
  else if (minutes > 59) errors.threshold = "Minutes go up to 59.";
  else {
    const seconds = hours * 3600 + minutes * 60;
    if (seconds === 0) errors.threshold = "Set a runway threshold of at least one minute.";
    else if (seconds > UINT32_MAX) errors.threshold = "That threshold is longer than the contract can hold.";
  }

  if (Object.keys(errors).length > 0 || amount.amount === undefined || cap.amount === undefined)
    return { ok: false, errors };
  return {
    ok: true,
    rule: {
      amountPerTopUp: amount.amount,
      totalCap: cap.amount,
      minRunwaySeconds: (hours ?? 0) * 3600 + (minutes ?? 0) * 60,
    },
  };
}
