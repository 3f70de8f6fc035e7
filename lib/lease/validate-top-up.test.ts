import { describe, expect, it } from "vitest";
import { validateTopUp } from "./validate-top-up";

const USD = 1_000_000n;

describe("validateTopUp", () => {
  const balance = 25n * USD;

  it.each([
    ["5", 5n * USD],
    ["2.5", 2_500_000n],
    [" 0.000001 ", 1n],
    [".5", 500_000n],
    ["25", 25n * USD],
  ])("accepts %j", (text, amount) => {
    expect(validateTopUp(text, { balance })).toEqual({ ok: true, amount });
  });

  it.each([
    ["", /Enter an amount/],
    ["0", /more than 0/],
    ["0.000", /more than 0/],
    ["-1", /more than 0/],
    ["- 3", /more than 0/],
    ["abc", /Enter a number/],
    ["1e3", /Enter a number/],
    ["1,5", /Enter a number/],
    [".", /Enter a number/],
    ["0x10", /Enter a number/],
    ["1.0000001", /At most 6 decimals/],
    ["25.000001", /Your wallet holds 25.00 USD/],
    ["1000", /Your wallet holds 25.00 USD/],
  ])("refuses %j", (text, error) => {
    const check = validateTopUp(text, { balance });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.error).toMatch(error);
  });

  it("skips the balance check while the balance is unknown", () => {
    expect(validateTopUp("1000", { balance: null })).toEqual({ ok: true, amount: 1000n * USD });
  });
});
