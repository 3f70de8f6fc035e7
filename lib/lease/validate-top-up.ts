import { formatTokenAmount } from "@/lib/market/price-order";

// What the tenant typed as a top-up, checked before any wallet prompt (client-safe): a positive
// token amount with at most the token's decimals, within what the wallet holds. The message is
// shown next to the field.

export type TopUpCheck = { ok: true; amount: bigint } | { ok: false; error: string };

export function validateTopUp(
  text: string,
  opts: { balance: bigint | null; decimals?: number; symbol?: string },
): TopUpCheck {
  const decimals = opts.decimals ?? 6;
  const symbol = opts.symbol ?? "USD";
  const value = text.trim();
  if (value === "") return { ok: false, error: "Enter an amount to add." };
  if (/^-\s*[0-9.]/.test(value)) return { ok: false, error: "The amount must be more than 0." };
  const match = /^([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!match || (match[1] === "" && (match[2] ?? "") === ""))
    return { ok: false, error: `Enter a number of ${symbol}, like 5 or 2.50.` };
  const whole = match[1] || "0";
  const fraction = match[2] ?? "";
  if (fraction.length > decimals)
    return { ok: false, error: `At most ${decimals} decimals: ${symbol} has no smaller unit.` };
  const amount = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (amount === 0n) return { ok: false, error: "The amount must be more than 0." };
  if (opts.balance !== null && amount > opts.balance)
    return {
      ok: false,
      error: `Your wallet holds ${formatTokenAmount(opts.balance, decimals)} ${symbol}: top up at most that.`,
    };
  return { ok: true, amount };
}
