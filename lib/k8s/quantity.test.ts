import { describe, expect, it } from "vitest";
import { cpuMillis, memoryBytes, parseQuantity, quantityOrZero } from "./quantity";

describe("quantity", () => {
  it.each([
    ["500m", 500],
    ["2", 2000],
    ["0.1", 100],
    ["1.5", 1500],
    ["100n", 1],
    ["250000000n", 250],
    ["1500u", 2],
    ["0", 0],
    ["1e3", 1_000_000],
    [".5", 500],
    ["2k", 2_000_000],
  ])("cpu %s = %dm", (q, millis) => expect(cpuMillis(q)).toBe(millis));

  it.each([
    ["1Gi", 1024 ** 3],
    ["1500Mi", 1500 * 1024 ** 2],
    ["12345Ki", 12345 * 1024],
    ["1G", 1e9],
    ["128974848", 128974848],
    ["129e6", 129e6],
    ["123Mi", 128974848],
    ["1.5Gi", 1.5 * 1024 ** 3],
    ["1Ti", 1024 ** 4],
    ["500m", 1],
  ])("memory %s = %d bytes", (q, bytes) => expect(memoryBytes(q)).toBe(bytes));

  it("parses numbers and scales", () => {
    expect(parseQuantity(4)).toBe(4);
    expect(parseQuantity("4", 1000)).toBe(4000);
    expect(parseQuantity("-1")).toBe(-1);
  });

  it.each(["", "abc", "1.2.3", "1Gb", "Mi", "1 Gi", "1e999", "--1"])("refuses %j", (q) => {
    expect(() => parseQuantity(q)).toThrow(/quantity/);
  });

  it("quantityOrZero tolerates absent and malformed values", () => {
    expect(quantityOrZero(undefined)).toBe(0);
    expect(quantityOrZero("junk")).toBe(0);
    expect(quantityOrZero("2", 1000)).toBe(2000);
  });
});
