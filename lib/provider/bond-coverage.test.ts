import { describe, expect, it } from "vitest";
import {
  bondCoverage,
  bondRequired,
  examplePricePerHour,
  freeBond,
  hoursCovered,
  secondsUntilWithdrawable,
  validateBondAmount,
} from "./bond-coverage";

const params = { bondBps: 2000n, bondCap: 50_000_000n, unbondingDelay: 60 }; // 20 %, cap 50 tokens
const T = 1_000_000n; // one token (6 decimals)

describe("freeBond", () => {
  it("is total minus locked and unbonding", () => {
    expect(freeBond({ total: 100n * T, locked: 30n * T, unbonding: 20n * T })).toBe(50n * T);
  });
  it("saturates at 0 when a slash left locks above the total", () => {
    expect(freeBond({ total: 10n * T, locked: 30n * T, unbonding: 0n })).toBe(0n);
  });
});

describe("bondRequired", () => {
  it("locks bondBps of price × duration", () => {
    // 0.5/h for 10 h = 5 tokens; 20 % = 1 token.
    expect(bondRequired(T / 2n, 36_000n, params)).toBe(T);
  });
  it("is capped", () => {
    expect(bondRequired(100n * T, 36_000n, params)).toBe(params.bondCap);
  });
  it("rounds down like the contract (value first, then the share)", () => {
    // 1 unit/h for 1799 s: value 0 (floor), lock 0.
    expect(bondRequired(1n, 1799n, params)).toBe(0n);
    // 7 units/h for 1 h = 7; 20 % = 1.4 → 1.
    expect(bondRequired(7n, 3600n, params)).toBe(1n);
  });
});

describe("bondCoverage", () => {
  it("none without free bond", () => {
    expect(bondCoverage(0n, params)).toEqual({ kind: "none" });
  });
  it("any lease once the free bond reaches the cap, with how many capped leases at once", () => {
    expect(bondCoverage(120n * T, params)).toEqual({ kind: "any", leasesAtCap: 2n });
  });
  it("up to free / share below the cap, and the largest such lease's lock fits", () => {
    const c = bondCoverage(10n * T, params);
    expect(c).toEqual({ kind: "upTo", maxLeaseValue: 50n * T });
    // Odd amounts: the bound never overstates (its own lock fits, one unit more would not).
    for (const free of [1n, 3n, 7n, 12_345n, 9_999_999n]) {
      const r = bondCoverage(free, params);
      if (r.kind !== "upTo") throw new Error("expected upTo");
      expect((r.maxLeaseValue * params.bondBps) / 10_000n).toBeLessThanOrEqual(free);
      expect(((r.maxLeaseValue + 5n) * params.bondBps) / 10_000n).toBeGreaterThan(free);
    }
  });
  it("a market with bondBps 0 locks nothing: any lease", () => {
    expect(bondCoverage(1n, { ...params, bondBps: 0n })).toEqual({ kind: "any", leasesAtCap: 0n });
  });
});

describe("hoursCovered", () => {
  it("rounds down: whole hours from 10 h, tenths below", () => {
    expect(hoursCovered(50n * T, T / 4n)).toBe(200);
    expect(hoursCovered(10n * T, 3n * T)).toBe(3.3);
    expect(hoursCovered(35n * T, 3n * T)).toBe(11);
  });
  it("0 for a zero price", () => {
    expect(hoursCovered(T, 0n)).toBe(0);
  });
});

describe("secondsUntilWithdrawable", () => {
  it("counts down to unbondAt and stops at 0", () => {
    expect(secondsUntilWithdrawable({ unbonding: T, unbondAt: 1_000 }, 940)).toBe(60);
    expect(secondsUntilWithdrawable({ unbonding: T, unbondAt: 1_000 }, 999.5)).toBe(1);
    expect(secondsUntilWithdrawable({ unbonding: T, unbondAt: 1_000 }, 1_200)).toBe(0);
  });
  it("is 0 when nothing is unbonding", () => {
    expect(secondsUntilWithdrawable({ unbonding: 0n, unbondAt: 5_000 }, 0)).toBe(0);
  });
});

describe("validateBondAmount", () => {
  const deposit = (text: string, available = 100n * T, total = 0n) =>
    validateBondAmount({ action: "deposit", text, available, total });
  it("parses token amounts", () => {
    expect(deposit("12.5")).toEqual({ ok: true, amount: 12_500_000n });
    expect(deposit(" 3 ")).toEqual({ ok: true, amount: 3n * T });
    expect(deposit("0.000001")).toEqual({ ok: true, amount: 1n });
  });
  it("refuses empty, malformed, zero and over-precise amounts", () => {
    expect(deposit("")).toMatchObject({ ok: false, error: "Enter an amount." });
    expect(deposit("abc")).toMatchObject({ ok: false });
    expect(deposit("-1")).toMatchObject({ ok: false });
    expect(deposit("1e3")).toMatchObject({ ok: false });
    expect(deposit("0")).toMatchObject({ ok: false, error: "Enter an amount above 0." });
    expect(deposit("0.0000001")).toMatchObject({ ok: false, error: "At most 6 decimals." });
  });
  it("a deposit must fit the wallet balance, a withdrawal request the free bond", () => {
    expect(deposit("100.000001")).toMatchObject({ ok: false, error: "That is more than your wallet holds." });
    expect(deposit("100")).toMatchObject({ ok: true });
    expect(validateBondAmount({ action: "requestWithdrawal", text: "5", available: 4n * T })).toMatchObject({
      ok: false,
      error: expect.stringContaining("free bond"),
    });
  });
  it("a deposit keeps the total within uint96", () => {
    const max = 2n ** 96n;
    expect(deposit("1", max, max - 1n)).toMatchObject({
      ok: false,
      error: expect.stringContaining("largest"),
    });
  });
});

describe("examplePricePerHour", () => {
  it("prices 2 cores and 4 GiB at the provider's prices", () => {
    expect(examplePricePerHour({ cpuCoreHour: "10000", memoryGibHour: "2500" })?.pricePerHour).toBe(30_000n);
  });
  it("null without prices or when they are all zero", () => {
    expect(examplePricePerHour(null)).toBeNull();
    expect(examplePricePerHour({ cpuCoreHour: "0", memoryGibHour: "0" })).toBeNull();
  });
});
