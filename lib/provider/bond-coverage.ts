// A provider's bond, as the bond card and the provider page show it (client-safe, pure): the free
// part, what a bid locks (the contract's bondRequired, from the integrity parameters it was deployed
// with), and what the free bond lets the provider bid on. Amounts are token base units (bigint);
// every figure shown to the provider rounds in the safe direction: coverage down, never up, so the
// card never promises a bid the contract would refuse.

export interface BondInfo {
  total: bigint;
  locked: bigint;
  unbonding: bigint;
  /** When `unbonding` becomes withdrawable, unix seconds (0: nothing unbonding). */
  unbondAt: number;
}

export interface BondParams {
  /** Share of a lease's value a bid locks, basis points. */
  bondBps: bigint;
  /** Most a single lease locks, token units. */
  bondCap: bigint;
  /** Seconds between requestBondWithdrawal and withdrawBond. */
  unbondingDelay: number;
}

const BPS = 10_000n;

/** total − locked − unbonding, never below 0 (the contract's own saturation). */
export function freeBond(b: Pick<BondInfo, "total" | "locked" | "unbonding">): bigint {
  const free = b.total - b.locked - b.unbonding;
  return free > 0n ? free : 0n;
}

/** ComputeMarket.bondRequired: min(price × duration / 3600 × bondBps / 10000, bondCap). */
export function bondRequired(pricePerHour: bigint, durationSeconds: bigint, p: BondParams): bigint {
  const value = (pricePerHour * durationSeconds) / 3600n;
  const lock = (value * p.bondBps) / BPS;
  return lock < p.bondCap ? lock : p.bondCap;
}

export type BondCoverage =
  /** No free bond: every bid would revert with InsufficientBond. */
  | { kind: "none" }
  /** Free bond at or above the cap: any lease, whatever its value (each locks at most bondCap). */
  | { kind: "any"; leasesAtCap: bigint }
  /** Leases worth up to `maxLeaseValue` (price × duration), one at a time. */
  | { kind: "upTo"; maxLeaseValue: bigint };

/**
 * What `free` bond lets the provider win. maxLeaseValue is the largest lease value whose lock fits:
 * floor(free × 10000 / bondBps), whose own lock floor(v × bondBps / 10000) is at most `free`.
 */
export function bondCoverage(free: bigint, p: BondParams): BondCoverage {
  if (free <= 0n) return { kind: "none" };
  if (p.bondBps === 0n) return { kind: "any", leasesAtCap: 0n };
  if (p.bondCap > 0n && free >= p.bondCap) return { kind: "any", leasesAtCap: free / p.bondCap };
  return { kind: "upTo", maxLeaseValue: (free * BPS) / p.bondBps };
}

/**
 * Whole hours (rounded down, with one decimal below 10 h) a lease at `pricePerHour` may last for
 * `leaseValue`: the "e.g. 40 h at 0.25/h" example beside the coverage.
 */
export function hoursCovered(leaseValue: bigint, pricePerHour: bigint): number {
  if (pricePerHour <= 0n) return 0;
  const tenths = (leaseValue * 10n) / pricePerHour;
  return tenths >= 100n ? Number(tenths / 10n) : Number(tenths) / 10;
}

/** Seconds until the unbonding amount may be withdrawn (0 when it may be now or nothing unbonds). */
export function secondsUntilWithdrawable(b: Pick<BondInfo, "unbonding" | "unbondAt">, nowSeconds: number) {
  if (b.unbonding === 0n) return 0;
  return Math.max(0, Math.ceil(b.unbondAt - nowSeconds));
}

export type BondAction = "deposit" | "requestWithdrawal";

/**
 * The amount field of a bond action, checked before any transaction (a form error, never a revert):
 * a positive token amount with at most `decimals` decimals, within the wallet's balance (deposit) or
 * the free bond (withdrawal request), and within the contract's uint96 bond counters.
 */
export function validateBondAmount(opts: {
  action: BondAction;
  text: string;
  /** Wallet balance for a deposit, free bond for a withdrawal request. */
  available: bigint;
  /** Bond total now: a deposit must keep it within uint96. */
  total?: bigint;
  decimals?: number;
}): { ok: true; amount: bigint } | { ok: false; error: string } {
  const decimals = opts.decimals ?? 6;
  const text = opts.text.trim();
  if (!text) return { ok: false, error: "Enter an amount." };
  const match = /^([0-9]+)(?:\.([0-9]*))?$/.exec(text);
  if (!match) return { ok: false, error: "Enter a number of tokens, like 100 or 12.5." };
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) return { ok: false, error: `At most ${decimals} decimals.` };
  const amount =
    BigInt(match[1] ?? "0") * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (amount === 0n) return { ok: false, error: "Enter an amount above 0." };
  if (amount > opts.available)
    return {
      ok: false,
      error:
        opts.action === "deposit"
          ? "That is more than your wallet holds."
          : "That is more than your free bond (locked and unbonding bond cannot be withdrawn).",
    };
  if (opts.action === "deposit" && (opts.total ?? 0n) + amount >= 2n ** 96n)
    return { ok: false, error: "That would exceed the largest bond the contract can hold." };
  return { ok: true, amount };
}

/**
 * The hourly price of an example lease at the provider's own prices (2 cores and 4 GiB), for the
 * coverage's "e.g. 40 h at 0.25/h"; null without prices.
 */
export function examplePricePerHour(
  pricing: { cpuCoreHour: string; memoryGibHour: string } | null | undefined,
): { pricePerHour: bigint; label: string } | null {
  if (!pricing) return null;
  const price = 2n * BigInt(pricing.cpuCoreHour) + 4n * BigInt(pricing.memoryGibHour);
  return price > 0n ? { pricePerHour: price, label: "2 cores + 4 GiB at your prices" } : null;
}
