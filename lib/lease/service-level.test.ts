import { describe, expect, it } from "vitest";
import { formatUptime, refundTotals } from "./service-level";

describe("refundTotals", () => {
  it("adds seconds and both sources exactly", () => {
    const t = refundTotals([
      { at: "2026-11-30T19:00:00Z", seconds: 60, fromEarnings: "20000", fromBond: "0", txHash: null },
      { at: "2026-11-30T19:01:00Z", seconds: 30, fromEarnings: "3000", fromBond: "7000", txHash: "0x1" },
      {
        at: "2026-11-30T19:02:00Z",
        seconds: 1,
        fromEarnings: "0",
        fromBond: "99999999999999999999",
        txHash: "0x2",
      },
    ]);
    expect(t).toEqual({
      seconds: 91,
      fromEarnings: 23_000n,
      fromBond: 100_000_000_000_000_006_999n,
      total: 100_000_000_000_000_029_999n,
    });
  });

  it("no refunds: zeros", () => {
    expect(refundTotals([])).toEqual({ seconds: 0, fromEarnings: 0n, fromBond: 0n, total: 0n });
  });
});

describe("formatUptime", () => {
  it("floors to two decimals so any downtime shows below 100 %", () => {
    expect(formatUptime(100)).toBe("100 %");
    expect(formatUptime(99.9999)).toBe("99.99 %");
    expect(formatUptime(97.456)).toBe("97.45 %");
    expect(formatUptime(42.5)).toBe("42.5 %");
    expect(formatUptime(0)).toBe("0 %");
  });
});
