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

describe("simulateAuction, skipping repeated rounds", () => {
  // mulberry32, seeded: the same cases every run.
  function prng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it("gives the outcome of playing every round, on 500 random open auctions", () => {
    const rand = prng(13);
    const int = (lo: number, hi: number) => BigInt(lo + Math.floor(rand() * (hi - lo + 1)));
    let skipped = 0;
    for (let i = 0; i < 500; i++) {
      const n = Number(int(1, 6));
      const bidders: SimBidder[] = Array.from({ length: n }, (_, j) => ({
        id: `p${j}`,
        floor: int(1, 3_000),
        strategy: rand() < 0.8 ? "undercut" : "floor",
        undercutStep: int(0, 40),
      }));
      const input = { format: "open" as const, bidders, maxPricePerHour: int(1, 4_000) };
      const fast = simulateAuction(input);
      expect(fast).toEqual(simulateAuction(input, { fastForward: false }));
      if (fast.bids > 3 * n) skipped++;
    }
    expect(skipped).toBeGreaterThan(50); // long undercut wars were among them
  });

  it("settles a war of 1-unit steps at once", () => {
    const bidders = [bidder("a", 100_000n), bidder("b", 150_000n)].map((b) => ({ ...b, undercutStep: 1n }));
    const t = performance.now();
    const o = simulateAuction({ format: "open", bidders, maxPricePerHour: 1_000_000n });
    expect(performance.now() - t).toBeLessThan(200);
    // a bids the max and the two alternate a unit at a time: a's turns land on even offsets from the
    // max, 150,000 among them, where b (floor 150,000) stops.
    expect(o).toEqual({ winner: "a", price: 150_000n, winnerFloor: 100_000n, bids: 850_001, atMax: false });
  });
});
