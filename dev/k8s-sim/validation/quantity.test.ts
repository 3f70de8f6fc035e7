import { describe, expect, it } from "vitest";
import { canonicalQuantity, ERR_FORMAT, parseQuantityStrict } from "./quantity";

describe("Quantity as kube-apiserver parses and prints it", () => {
  it.each([
    ["2000m", "2"],
    ["1500m", "1500m"],
    ["0.5", "500m"],
    ["1024Mi", "1Gi"],
    ["1.5Gi", "1536Mi"],
    ["100Mi", "100Mi"],
    ["512", "512"],
    ["2000", "2k"],
    ["1500000", "1500k"],
    ["1e3", "1e3"],
    ["0", "0"],
    ["-1", "-1"],
  ])("%s prints as %s", (q, want) => {
    expect(canonicalQuantity(q)).toBe(want);
  });
  it("refuses what ParseQuantity refuses, with its errors", () => {
    expect(parseQuantityStrict("10gi")).toEqual({ ok: false, error: ERR_FORMAT });
    expect(parseQuantityStrict("lots")).toEqual({ ok: false, error: ERR_FORMAT });
    expect(parseQuantityStrict("5MM")).toEqual({ ok: false, error: "unable to parse quantity's suffix" });
    expect(parseQuantityStrict("1.2.3")).toEqual({ ok: false, error: ERR_FORMAT });
    expect(parseQuantityStrict("1.")).toMatchObject({ ok: true, value: 1 });
    expect(parseQuantityStrict(2)).toMatchObject({ ok: true, value: 2 });
    expect(parseQuantityStrict("256Mi")).toMatchObject({ ok: true, value: 256 * 2 ** 20, text: "256Mi" });
  });
});
