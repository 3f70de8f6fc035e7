import { describe, expect, it } from "vitest";
import { validateAutoTopUp } from "./validate-auto-top-up";

const draft = { amount: "5", cap: "20", hours: "6", minutes: "0" };

describe("validateAutoTopUp", () => {
  it("turns a valid draft into the contract's rule in base units and seconds", () => {
    expect(validateAutoTopUp({ ...draft, amount: "2.5", minutes: "30" }, { used: 0n })).toEqual({
      ok: true,
      rule: { amountPerTopUp: 2_500_000n, totalCap: 20_000_000n, minRunwaySeconds: 6 * 3600 + 1800 },
    });
    // Empty hours mean zero hours.
    expect(validateAutoTopUp({ ...draft, hours: "", minutes: "45" }, { used: 0n })).toMatchObject({
      ok: true,
      rule: { minRunwaySeconds: 2700 },
    });
  });

  it.each([
    ["no amount", { amount: "" }, { amount: "Enter an amount per top-up." }],
    ["a zero amount", { amount: "0" }, { amount: "The amount must be more than 0." }],
    ["a negative amount", { amount: "-1" }, { amount: "The amount must be more than 0." }],
    [
      "too many decimals",
      { amount: "1.0000001" },
      { amount: "At most 6 decimals: USD has no smaller unit." },
    ],
    ["no cap", { cap: "" }, { cap: "Enter a total cap." }],
    ["a cap below the amount", { cap: "4.99" }, { cap: "The cap must be at least one top-up's amount." }],
    ["a cap beyond uint96", { cap: "1".repeat(30) }, { cap: "That is more than the contract can hold." }],
    [
      "no threshold",
      { hours: "0", minutes: "" },
      { threshold: "Set a runway threshold of at least one minute." },
    ],
    ["minutes past 59", { minutes: "60" }, { threshold: "Minutes go up to 59." }],
    ["fractional hours", { hours: "1.5" }, { threshold: "Hours and minutes are whole numbers." }],
    [
      "a threshold beyond uint32 seconds",
      { hours: "1193047" },
      { threshold: "That threshold is longer than the contract can hold." },
    ],
  ])("refuses %s", (_name, change, errors) => {
    expect(validateAutoTopUp({ ...draft, ...change }, { used: 0n })).toEqual({ ok: false, errors });
  });

  it("refuses a cap that leaves no room for another top-up after what was used", () => {
    expect(validateAutoTopUp({ ...draft, cap: "20" }, { used: 16_000_000n })).toEqual({
      ok: false,
      errors: {
        cap: "Auto top-ups already added 16.00 USD: the cap must be at least 21.00 USD for one more.",
      },
    });
    expect(validateAutoTopUp({ ...draft, cap: "21" }, { used: 16_000_000n }).ok).toBe(true);
  });

  it("reports every field's error at once", () => {
    const r = validateAutoTopUp({ amount: "0", cap: "x", hours: "", minutes: "" }, { used: 0n });
    expect(r.ok ? [] : Object.keys(r.errors).sort()).toEqual(["amount", "cap", "threshold"]);
  });
});
