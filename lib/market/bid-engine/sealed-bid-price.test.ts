import { describe, expect, it } from "vitest";
import { sealedBidPrice } from "./sealed-bid-price";

describe("sealedBidPrice", () => {
  it("commits the floor, however far below the max it is", () => {
    expect(sealedBidPrice({ floor: 7_600n, maxPricePerHour: 14_000n })).toMatchObject({
      action: "commit",
      price: 7_600n,
    });
  });

  it("commits at the max when the floor equals it", () => {
    expect(sealedBidPrice({ floor: 9_000n, maxPricePerHour: 9_000n })).toMatchObject({
      action: "commit",
      price: 9_000n,
    });
  });

  it("skips a floor above the max, with the reason", () => {
    const d = sealedBidPrice({ floor: 9_001n, maxPricePerHour: 9_000n });
    expect(d.action).toBe("skip");
    expect(d.reason).toContain("above the order's max");
  });

  it("skips a zero price", () => {
    expect(sealedBidPrice({ floor: 0n, maxPricePerHour: 9_000n })).toMatchObject({
      action: "skip",
      price: null,
    });
  });
});
