import { describe, expect, it } from "vitest";
import {
  biddersFromScreening,
  type EstimateBidder,
  estimateAuctionPrices,
  undercutBidders,
} from "./estimate-auction-price";
import { simulateAuction } from "./simulate-auction";

const undercut = (floor: bigint, step = 1_000n): EstimateBidder => ({
  floor,
  strategy: "undercut",
  undercutStep: step,
});

describe("estimateAuctionPrices", () => {
  it("with one eligible undercutter, expects the max price in either format and says why", () => {
    const e = estimateAuctionPrices({
      bidders: [undercut(7_600n)],
      maxPricePerHour: 14_000n,
      recentPrice: null,
    });
    expect(e.open.pricePerHour).toBe(14_000n);
    expect(e.sealed.pricePerHour).toBe(14_000n);
    expect(e.open.basis).toBe(
      "Based on 1 eligible provider's floor 0.0076/h; with a single bidder, an open descending auction settles at your max price 0.014/h.",
    );
  });

  it("with one provider bidding its floor, the open auction expects that floor, the sealed one the max", () => {
    const e = estimateAuctionPrices({
      bidders: [{ floor: 7_600n, strategy: "floor", undercutStep: 1_000n }],
      maxPricePerHour: 14_000n,
      recentPrice: null,
    });
    expect(e.open.pricePerHour).toBe(7_600n);
    expect(e.sealed.pricePerHour).toBe(14_000n);
  });

  it("with several undercutters: open within a step below the second-lowest floor, sealed at it", () => {
    const bidders = [undercut(12_000n), undercut(7_600n), undercut(9_370n), undercut(11_150n)];
    const e = estimateAuctionPrices({ bidders, maxPricePerHour: 12_266n, recentPrice: null });
    const open = e.open.pricePerHour as bigint;
    expect(open).toBeGreaterThanOrEqual(9_370n - 1_000n);
    expect(open).toBeLessThanOrEqual(9_370n);
    expect(e.sealed.pricePerHour).toBe(9_370n);
    expect(e.sealed.bidders).toBe(4);
    expect(e.sealed.basis).toBe(
      "Based on 4 eligible providers' floors 0.0076–0.012/h; a sealed second-price auction expects the second-lowest floor, 0.00937/h.",
    );
    expect(e.open.basis).toContain("an open descending auction (providers undercut) expects");
  });

  it("agrees with simulateAuction (the benchmark's code) for the bidders in some turn order", () => {
    const bidders = [undercut(8_000n), undercut(8_800n), undercut(10_500n)];
    const outcomes = [0, 1, 2].map(
      (r) =>
        simulateAuction({
          format: "open",
          bidders: [...bidders.slice(r), ...bidders.slice(0, r)].map((b, i) => ({ id: String(i), ...b })),
          maxPricePerHour: 11_551n,
        }).price,
    );
    const e = estimateAuctionPrices({ bidders, maxPricePerHour: 11_551n, recentPrice: null });
    expect(outcomes).toContain(e.open.pricePerHour);
  });

  it("leaves out providers above the max price: the one left alone is paid the max", () => {
    const e = estimateAuctionPrices({
      bidders: [undercut(7_600n), undercut(20_000n)],
      maxPricePerHour: 10_000n,
      recentPrice: null,
    });
    expect(e.sealed).toMatchObject({ pricePerHour: 10_000n, bidders: 1, highestFloor: 7_600n });
    expect(e.open.pricePerHour).toBe(10_000n);
  });

  it("adds recent settled prices to the basis, and falls back on them when no provider would bid", () => {
    const withFloors = estimateAuctionPrices({
      bidders: undercutBidders([7_600n, 9_000n]),
      maxPricePerHour: 10_000n,
      recentPrice: 8_200n,
    });
    expect(withFloors.sealed.basis).toMatch(/; recent settled prices ≈ 0\.0082\/h\.$/);
    const none = estimateAuctionPrices({ bidders: [], maxPricePerHour: 10_000n, recentPrice: 8_200n });
    expect(none.open).toMatchObject({ pricePerHour: 8_200n, source: "recent", bidders: 0 });
    expect(none.open.basis).toContain("based on recent settled prices");
  });

  it("has nothing to say with no provider and no recent price", () => {
    const e = estimateAuctionPrices({
      bidders: [undercut(7_600n)],
      maxPricePerHour: null,
      recentPrice: null,
    });
    expect(e.open).toMatchObject({ pricePerHour: null, source: null });
  });
});

describe("biddersFromScreening", () => {
  const screening = [
    { address: "0xA", eligible: true, pricePerHour: 7_600n, autoBid: true },
    { address: "0xb", eligible: true, pricePerHour: 9_000n, autoBid: false },
    { address: "0xc", eligible: false, pricePerHour: 5_000n, autoBid: true },
    { address: "0xd", eligible: true, pricePerHour: 11_000n, autoBid: true },
  ];
  const offers = [
    { address: "0xa", bidStrategy: "floor" as const, undercutStep: "500" },
    { address: "0xb", bidStrategy: "undercut" as const, undercutStep: "2000" },
  ];

  it("takes the eligible auto-bidders with their strategy and step, defaults when the offer has none", () => {
    expect(biddersFromScreening(screening, offers)).toEqual([
      { floor: 7_600n, strategy: "floor", undercutStep: 500n },
      { floor: 11_000n, strategy: "undercut", undercutStep: 1_000n },
    ]);
  });

  it("falls back to every eligible provider when none bids automatically", () => {
    const manual = screening.map((s) => ({ ...s, autoBid: false }));
    expect(biddersFromScreening(manual, offers).map((b) => b.floor)).toEqual([7_600n, 9_000n, 11_000n]);
  });
});
