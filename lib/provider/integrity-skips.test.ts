import { describe, expect, it } from "vitest";
import { integritySkipCause, summarizeIntegritySkips } from "./integrity-skips";

const d = (orderId: string, action: string, reason: string, at = "2026-11-30T12:00:00Z") => ({
  orderId,
  action,
  reason,
  at,
});

describe("integritySkipCause", () => {
  it("names bond and reputation skips, nothing else", () => {
    expect(integritySkipCause(d("1", "skip", "skipped: free bond 1.00 does not cover the 2.00 lock"))).toBe(
      "bond",
    );
    expect(integritySkipCause(d("1", "skip", "skipped: reputation 40 below the order's minimum 60"))).toBe(
      "reputation",
    );
    expect(integritySkipCause(d("1", "skip", "skipped: pricing is incomplete"))).toBeNull();
    // Only skips: a bid's reason never counts, whatever it says.
    expect(integritySkipCause(d("1", "bid", "bid 0.50/h (bond locked 1.00)"))).toBeNull();
    // Whole words: "bonded" or "bondage" are not the rule.
    expect(integritySkipCause(d("1", "skip", "skipped: vagabonds"))).toBeNull();
  });
});

describe("summarizeIntegritySkips", () => {
  it("counts distinct orders per cause, keeps the newest reason, bond first", () => {
    const list = [
      d("9", "skip", "skipped: reputation 40 below 60", "2026-11-30T12:05:00Z"),
      d("8", "skip", "skipped: free bond 0.50 below the 2.00 lock", "2026-11-30T12:04:00Z"),
      d("8", "skip", "skipped: free bond 0.50 below the 2.00 lock", "2026-11-30T12:03:00Z"),
      d("7", "skip", "skipped: free bond 0.00 below the 1.00 lock", "2026-11-30T12:02:00Z"),
      d("6", "bid", "bid 0.40/h", "2026-11-30T12:01:00Z"),
    ];
    const s = summarizeIntegritySkips(list);
    expect(s.map((x) => [x.cause, x.orders, x.latest.orderId])).toEqual([
      ["bond", 2, "8"],
      ["reputation", 1, "9"],
    ]);
  });
  it("is empty without such skips", () => {
    expect(summarizeIntegritySkips([d("1", "skip", "skipped: pricing is incomplete")])).toEqual([]);
  });
});
