import { describe, expect, it } from "vitest";
import { FALLBACK_MAX_PRICE, type OrderTermsInput, quoteOrderTerms } from "./quote-order-terms";

const base: OrderTermsInput = {
  rates: [],
  recentPrices: [],
  cpuMillis: 2000,
  durationHours: "1",
  bidWindowSeconds: "20",
  maxPriceText: null,
  depositText: null,
};

describe("quoteOrderTerms", () => {
  it("suggests the highest fitting rate plus 10 % (and one unit), and a deposit for the duration", () => {
    const q = quoteOrderTerms({ ...base, rates: [300_000n, 100_000n, 200_000n], durationHours: "2" });
    expect(q.cheapest).toBe(100_000n);
    expect(q.highest).toBe(300_000n);
    expect(q.suggestedMaxPrice).toBe(330_001n);
    expect(q.maxPricePerHour).toBe(330_001n);
    expect(q.durationSeconds).toBe(7200);
    expect(q.deposit).toBe(660_002n);
    expect(q.coveredSeconds).toBe(7200);
    // Three undercutters (the default without strategies): the cheapest wins near the second-lowest
    // rate, not at its own; sealed second-price pays exactly the second-lowest. Over 2 h.
    expect(q.estimates.sealed).toMatchObject({ pricePerHour: 200_000n, total: 400_000n, bidders: 3 });
    const open = q.estimates.open.pricePerHour as bigint;
    expect(open).toBeGreaterThanOrEqual(199_000n);
    expect(open).toBeLessThanOrEqual(200_000n);
    expect(q.estimate).toBe(open * 2n);
    expect(q.estimate).toBe(q.estimates.open.total);
    expect(q.valid).toBe(true);
  });

  it("estimates from the bidders' own strategies: floor bidders settle an open auction at the cheapest rate", () => {
    const rates = [300_000n, 100_000n, 200_000n];
    const q = quoteOrderTerms({
      ...base,
      rates,
      bidders: rates.map((floor) => ({ floor, strategy: "floor", undercutStep: 1_000n })),
    });
    expect(q.estimates.open.pricePerHour).toBe(100_000n);
    expect(q.estimate).toBe(100_000n);
    expect(q.estimates.sealed.pricePerHour).toBe(200_000n);
    expect(q.estimates.open.basis).toContain("3 eligible providers' floors 0.10–0.30/h");
  });

  it("with one fitting undercutter, estimates the max price, the tenant's own when typed", () => {
    const q = quoteOrderTerms({ ...base, rates: [7_600n], maxPriceText: "0.014" });
    expect(q.estimates.open.pricePerHour).toBe(14_000n);
    expect(q.estimates.sealed.pricePerHour).toBe(14_000n);
    expect(q.estimates.open.basis).toContain("settles at your max price 0.014/h");
  });

  it("rounds the deposit up to the next base unit", () => {
    // 1 unit/h for 30 min is half a unit: the tenant deposits 1.
    const q = quoteOrderTerms({ ...base, maxPriceText: "0.000001", durationHours: "0.5" });
    expect(q.maxPricePerHour).toBe(1n);
    expect(q.suggestedDeposit).toBe(1n);
  });

  it("without fitting providers, suggests twice the median recent price per core for this order's CPU", () => {
    const q = quoteOrderTerms({
      ...base,
      cpuMillis: 4000,
      recentPrices: [
        { pricePerHour: "100000", cpuMillis: 1000 }, // 0.10 per core
        { pricePerHour: "600000", cpuMillis: 2000 }, // 0.30 per core
        { pricePerHour: "400000", cpuMillis: 2000 }, // 0.20 per core: the median
        { pricePerHour: "999999", cpuMillis: 0 }, // no CPU: ignored
      ],
    });
    expect(q.cheapest).toBeNull();
    expect(q.recentPrice).toBe(800_000n);
    expect(q.suggestedMaxPrice).toBe(1_600_000n);
    // No provider fits: the estimate is the recent price scaled to this order, and says so.
    expect(q.estimate).toBe(800_000n);
    expect(q.estimates.open.source).toBe("recent");
  });

  it("falls back to a fixed cap with nothing to go on", () => {
    expect(quoteOrderTerms(base).suggestedMaxPrice).toBe(FALLBACK_MAX_PRICE);
    expect(
      quoteOrderTerms({ ...base, cpuMillis: null, recentPrices: [{ pricePerHour: "1", cpuMillis: 1 }] })
        .recentPrice,
    ).toBeNull();
  });

  it("takes the tenant's own max price and deposit over the suggestions", () => {
    const q = quoteOrderTerms({ ...base, rates: [100_000n], maxPriceText: "0.5", depositText: "2" });
    expect(q.maxPricePerHour).toBe(500_000n);
    expect(q.deposit).toBe(2_000_000n);
    expect(q.coveredSeconds).toBe(4 * 3600);
  });

  it("names each invalid term", () => {
    const q = quoteOrderTerms({
      ...base,
      durationHours: "0",
      bidWindowSeconds: "4",
      maxPriceText: "abc",
      depositText: "1.0000001",
    });
    expect(q.errors).toEqual({
      duration: "a positive number of hours",
      bidWindow: "5 seconds to 30 days",
      maxPrice: "a token amount above 0",
      deposit: "a token amount above 0",
    });
    expect(q.valid).toBe(false);
    expect(quoteOrderTerms({ ...base, bidWindowSeconds: "2592001" }).errors.bidWindow).not.toBeNull();
    expect(quoteOrderTerms({ ...base, bidWindowSeconds: "12.5" }).errors.bidWindow).not.toBeNull();
    expect(quoteOrderTerms({ ...base, bidWindowSeconds: "2592000" }).errors.bidWindow).toBeNull();
  });

  it("refuses a deposit that lasts less than a minute at the max price", () => {
    // 0.60 per hour is 0.01 per minute.
    const short = quoteOrderTerms({ ...base, maxPriceText: "0.6", depositText: "0.009999" });
    expect(short.errors.deposit).toBe("less than one minute at your max price");
    const minute = quoteOrderTerms({ ...base, maxPriceText: "0.6", depositText: "0.01" });
    expect(minute.errors.deposit).toBeNull();
    expect(minute.coveredSeconds).toBe(60);
  });
});
