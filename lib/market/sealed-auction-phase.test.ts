import { describe, expect, it } from "vitest";
import { sealedOutcome, sealedPhase, sealedPhaseSteps } from "./sealed-auction-phase";

const bidEnd = "2026-11-30T19:00:00.000Z";
const revealEnd = "2026-11-30T19:01:00.000Z";
const at = (iso: string) => Date.parse(iso);

describe("sealedPhase", () => {
  it("commit until the bid window ends, reveal until revealEnd, then settle", () => {
    const input = { status: "open", bidEnd, revealEnd };
    expect(sealedPhase({ ...input, nowMs: at("2026-11-30T18:59:59.999Z") })).toBe("commit");
    expect(sealedPhase({ ...input, nowMs: at(bidEnd) })).toBe("reveal");
    expect(sealedPhase({ ...input, nowMs: at("2026-11-30T19:00:59.000Z") })).toBe("reveal");
    expect(sealedPhase({ ...input, nowMs: at(revealEnd) })).toBe("settle");
  });

  it("is over once the order is no longer open, whatever the clock says", () => {
    for (const status of ["active", "closed", "expired", "cancelled"])
      expect(sealedPhase({ status, bidEnd, revealEnd, nowMs: at(bidEnd) - 1000 })).toBe("over");
  });
});

describe("sealedPhaseSteps", () => {
  it("marks the steps before the current one done and the ones after upcoming", () => {
    const steps = sealedPhaseSteps({ status: "open", bidEnd, revealEnd, nowMs: at(bidEnd) + 5000 });
    expect(steps.map((s) => [s.id, s.state, s.until])).toEqual([
      ["commit", "done", bidEnd],
      ["reveal", "current", revealEnd],
      ["settle", "upcoming", null],
    ]);
    const settled = sealedPhaseSteps({ status: "active", bidEnd, revealEnd, nowMs: at(revealEnd) });
    expect(settled.every((s) => s.state === "done")).toBe(true);
  });
});

describe("sealedOutcome", () => {
  it("the lowest reveal wins and pays the second-lowest", () => {
    const reveals = [
      { provider: "0xa", price: "900" },
      { provider: "0xb", price: "700" },
      { provider: "0xc", price: "800" },
    ];
    expect(sealedOutcome(reveals, "1000")).toEqual({ winner: "0xb", price: "800", basis: "second" });
  });

  it("a tie goes to the first reveal, at the tied price", () => {
    const reveals = [
      { provider: "0xa", price: "700" },
      { provider: "0xb", price: "700" },
    ];
    expect(sealedOutcome(reveals, "1000")).toEqual({ winner: "0xa", price: "700", basis: "second" });
  });

  it("a lone reveal pays the max price; no reveal, no outcome", () => {
    expect(sealedOutcome([{ provider: "0xa", price: "300" }], "1000")).toEqual({
      winner: "0xa",
      price: "1000",
      basis: "max",
    });
    expect(sealedOutcome([], "1000")).toBeNull();
  });

  it("compares prices as integers, not text", () => {
    const reveals = [
      { provider: "0xa", price: "10000000" },
      { provider: "0xb", price: "9" },
      { provider: "0xc", price: "100" },
    ];
    expect(sealedOutcome(reveals, "99999999")).toEqual({ winner: "0xb", price: "100", basis: "second" });
  });
});
