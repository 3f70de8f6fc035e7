import { describe, expect, it } from "vitest";
import { type SimBidder, simulateAuction } from "./simulate-auction";

const bidder = (id: string, floor: bigint, strategy: SimBidder["strategy"] = "undercut"): SimBidder => ({
  id,
  floor,
  strategy,
  undercutStep: 1_000n,
});

describe("simulateAuction, open descending", () => {
  it("with one undercut bidder settles at the tenant's max price (the issue's complaint)", () => {
    const o = simulateAuction({ format: "open", bidders: [bidder("a", 7_600n)], maxPricePerHour: 14_000n });
    expect(o).toEqual({ winner: "a", price: 14_000n, winnerFloor: 7_600n, bids: 1, atMax: true });
  });

  it("with the floor strategy, the lowest floor wins at its floor, whoever bids first", () => {
    const bidders = [
      bidder("b", 9_000n, "floor"),
      bidder("c", 12_000n, "floor"),
      bidder("a", 7_600n, "floor"),
    ];
    const o = simulateAuction({ format: "open", bidders, maxPricePerHour: 14_000n });
    expect(o).toMatchObject({ winner: "a", price: 7_600n, winnerFloor: 7_600n, atMax: false });
  });

  it("with undercut bidders, the lowest floor wins near the second-lowest floor, within one step", () => {
    const a = bidder("a", 7_600n);
    const b = bidder("b", 9_000n);
    // a bids the max, b undercuts to its floor, a undercuts b by a step.
    expect(simulateAuction({ format: "open", bidders: [a, b], maxPricePerHour: 10_000n })).toMatchObject({
      winner: "a",
      price: 8_000n,
      bids: 3,
    });
    // b bids the max, a undercuts it by a step to 9,000 and b, at its floor, cannot follow.
    expect(simulateAuction({ format: "open", bidders: [b, a], maxPricePerHour: 10_000n })).toMatchObject({
      winner: "a",
      price: 9_000n,
      bids: 2,
    });
  });

  it("never lets the undercut go below the winner's floor", () => {
    const o = simulateAuction({
      format: "open",
      bidders: [bidder("a", 8_500n), bidder("b", 9_000n)],
      maxPricePerHour: 10_000n,
    });
    expect(o.winner).toBe("a");
    expect(o.price).toBe(8_500n);
  });

  it("has no winner when every floor is above the max", () => {
    const o = simulateAuction({ format: "open", bidders: [bidder("a", 20_000n)], maxPricePerHour: 10_000n });
    expect(o).toEqual({ winner: null, price: null, winnerFloor: null, bids: 0, atMax: false });
  });
});

describe("simulateAuction, sealed-bid second price", () => {
  it("with one bidder pays the max price", () => {
    const o = simulateAuction({ format: "sealed", bidders: [bidder("a", 7_600n)], maxPricePerHour: 14_000n });
    expect(o).toEqual({ winner: "a", price: 14_000n, winnerFloor: 7_600n, bids: 1, atMax: true });
  });

  it("the lowest reveal wins and is paid the second-lowest, in any reveal order", () => {
    for (const order of [
      ["a", "b", "c"],
      ["c", "b", "a"],
      ["b", "a", "c"],
    ]) {
      const all = { a: bidder("a", 7_600n), b: bidder("b", 9_000n), c: bidder("c", 12_000n) };
      const bidders = order.map((id) => all[id as keyof typeof all]);
      expect(simulateAuction({ format: "sealed", bidders, maxPricePerHour: 14_000n })).toMatchObject({
        winner: "a",
        price: 9_000n,
        winnerFloor: 7_600n,
        bids: 3,
      });
    }
  });

  it("bids the floor whatever the open strategy, and a tie goes to the first reveal at the tied price", () => {
    const o = simulateAuction({
      format: "sealed",
      bidders: [bidder("a", 8_000n, "floor"), bidder("b", 8_000n, "undercut")],
      maxPricePerHour: 14_000n,
    });
    expect(o).toMatchObject({ winner: "a", price: 8_000n, atMax: false });
  });

  it("ignores bidders above the max: one left pays the max", () => {
    const o = simulateAuction({
      format: "sealed",
      bidders: [bidder("a", 20_000n), bidder("b", 9_000n)],
      maxPricePerHour: 10_000n,
    });
    expect(o).toMatchObject({ winner: "b", price: 10_000n, bids: 1, atMax: true });
  });
});
