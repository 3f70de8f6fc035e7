import { describe, expect, it } from "vitest";
import { orderSchema, serializeOrder } from "@/lib/chain/order-types";
import { buildOrder } from "@/lib/market/build-order";
import { deployTemplates } from "@/lib/market/templates";
import {
  countMeetingReputation,
  DEFAULT_INTEGRITY_TERMS,
  type IntegrityTermsText,
  integrityFromFlags,
  integrityOrderOptions,
  parseIntegrityTerms,
  reputationReach,
} from "./integrity-terms";

const terms = (over: Partial<IntegrityTermsText> = {}) =>
  parseIntegrityTerms({ ...DEFAULT_INTEGRITY_TERMS, ...over });

describe("parseIntegrityTerms", () => {
  it("defaults to an open auction, a 10-minute start deadline and no minimum reputation", () => {
    const t = terms();
    expect(t.valid).toBe(true);
    expect(t.fields).toEqual({ startDeadline: 600, auctionFormat: 0, revealWindow: 0, minReputation: 0 });
  });

  it("an open auction signs revealWindow 0 whatever the reveal field holds (the contract requires it)", () => {
    const t = terms({ revealWindow: "nonsense" });
    expect(t.valid).toBe(true);
    expect(t.fields?.revealWindow).toBe(0);
  });

  it("a sealed auction carries format 1 and its reveal window, 1 s to a day", () => {
    expect(terms({ auctionFormat: "sealed", revealWindow: "90" }).fields).toEqual({
      startDeadline: 600,
      auctionFormat: 1,
      revealWindow: 90,
      minReputation: 0,
    });
    expect(terms({ auctionFormat: "sealed", revealWindow: "1" }).valid).toBe(true);
    expect(terms({ auctionFormat: "sealed", revealWindow: "86400" }).valid).toBe(true);
    for (const bad of ["0", "86401", "1.5", "-3", "", " "]) {
      const t = terms({ auctionFormat: "sealed", revealWindow: bad });
      expect(t.valid, bad).toBe(false);
      expect(t.errors.revealWindow, bad).toMatch(/1 to 86400/);
      expect(t.fields).toBeNull();
    }
  });

  it("the start deadline is 30 to 65535 whole seconds", () => {
    expect(terms({ startDeadline: "30" }).fields?.startDeadline).toBe(30);
    expect(terms({ startDeadline: " 65535 " }).fields?.startDeadline).toBe(65_535);
    for (const bad of ["29", "65536", "600.5", "1e3", "ten", ""]) {
      const t = terms({ startDeadline: bad });
      expect(t.valid, bad).toBe(false);
      expect(t.errors.startDeadline, bad).toMatch(/30 to 65535/);
    }
  });

  it("the minimum reputation is 0 to 100; empty means none", () => {
    expect(terms({ minReputation: "" }).fields?.minReputation).toBe(0);
    expect(terms({ minReputation: "100" }).fields?.minReputation).toBe(100);
    expect(terms({ minReputation: "75" }).fields?.minReputation).toBe(75);
    for (const bad of ["101", "-1", "50.5", "high"]) {
      expect(terms({ minReputation: bad }).errors.minReputation, bad).toBe("a whole number from 0 to 100");
    }
  });

  it("reports every invalid term at once", () => {
    const t = terms({ auctionFormat: "sealed", revealWindow: "0", startDeadline: "5", minReputation: "200" });
    expect(Object.values(t.errors).filter(Boolean)).toHaveLength(3);
  });
});

describe("countMeetingReputation", () => {
  it("counts scores at or above the minimum; a provider without a score counts as 0", () => {
    expect(countMeetingReputation([90, 60, null, undefined, 75], 75)).toBe(2);
    expect(countMeetingReputation([90, null], 0)).toBe(2);
    expect(countMeetingReputation([], 10)).toBe(0);
  });
});

describe("integrityFromFlags", () => {
  it("no flags: the defaults", () => {
    expect(integrityFromFlags({})).toEqual({
      ok: true,
      fields: { startDeadline: 600, auctionFormat: 0, revealWindow: 0, minReputation: 0 },
    });
  });

  it("a sealed auction with its flags", () => {
    expect(
      integrityFromFlags({
        auction: "sealed",
        "reveal-window": "120",
        "start-deadline": "300",
        "min-reputation": "70",
      }),
    ).toEqual({
      ok: true,
      fields: { startDeadline: 300, auctionFormat: 1, revealWindow: 120, minReputation: 70 },
    });
    // Sealed without --reveal-window: the default 60 s.
    expect(integrityFromFlags({ auction: "sealed" })).toMatchObject({
      ok: true,
      fields: { revealWindow: 60 },
    });
  });

  it("names the flag that is wrong", () => {
    expect(integrityFromFlags({ auction: "dutch" })).toEqual({
      ok: false,
      error: '--auction: "open" or "sealed", not "dutch"',
    });
    expect(integrityFromFlags({ "reveal-window": "30" })).toEqual({
      ok: false,
      error: "--reveal-window: only for --auction sealed",
    });
    expect(integrityFromFlags({ "start-deadline": "10" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--start-deadline: /),
    });
    expect(integrityFromFlags({ auction: "sealed", "reveal-window": "0" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--reveal-window: /),
    });
    expect(integrityFromFlags({ "min-reputation": "101" })).toEqual({
      ok: false,
      error: "--min-reputation: a whole number from 0 to 100",
    });
  });
});

describe("reputationReach", () => {
  const screening = [
    { address: "0xAA", eligible: true },
    { address: "0xbb", eligible: true },
    { address: "0xcc", eligible: false },
  ];
  it("counts the fitting providers that meet the minimum, by lower-cased address", () => {
    const scores = new Map([
      ["0xaa", 80],
      ["0xbb", 40],
      ["0xcc", 99],
    ]);
    expect(reputationReach(screening, scores, 50)).toEqual({ fitting: 2, meeting: 1, known: true });
    expect(reputationReach(screening, scores, 0)).toEqual({ fitting: 2, meeting: 2, known: true });
  });
  it("claims nothing without scores", () => {
    expect(reputationReach(screening, null, 50)).toMatchObject({ known: false, fitting: 2 });
  });
});

describe("the terms in the signed order", () => {
  const signed = (text: Partial<IntegrityTermsText>) => {
    const fields = terms(text).fields;
    if (!fields) throw new Error("invalid terms");
    const built = buildOrder({
      tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
      manifest: deployTemplates[0]?.manifest,
      maxPricePerHour: 100_000n,
      deposit: 100_000n,
      durationSeconds: 3600,
      bidWindowSeconds: 30,
      ...integrityOrderOptions(fields),
    });
    // What the relay route and the indexer accept: the order's own schema, contract bounds included.
    return orderSchema.parse(serializeOrder(built.order));
  };

  it("a sealed order carries format 1, its reveal window, start deadline and minimum reputation", () => {
    expect(
      signed({ auctionFormat: "sealed", revealWindow: "45", startDeadline: "120", minReputation: "80" }),
    ).toMatchObject({ auctionFormat: 1, revealWindow: 45, startDeadline: 120, minReputation: 80 });
  });

  it("the defaults sign an open auction with a 10-minute start deadline", () => {
    expect(signed({})).toMatchObject({
      auctionFormat: 0,
      revealWindow: 0,
      startDeadline: 600,
      minReputation: 0,
    });
  });
});
