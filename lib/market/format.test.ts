import { describe, expect, it } from "vitest";
import { formatBytes, formatCores, formatMebibytes } from "./format";

describe("formatCores", () => {
  it.each([
    [40_000, "40 cores"],
    [400_000, "400 cores"],
    [10_000, "10 cores"],
    [100_000, "100 cores"],
    [1_000, "1 core"],
    [7_500, "7.5 cores"],
    [12_500, "12.5 cores"],
    [250, "0.25 cores"],
    [1_250, "1.25 cores"],
    [1, "0.001 cores"],
    [0, "0 cores"],
    [123_456, "123 cores"],
  ])("%i millicores is %s", (millis, text) => {
    expect(formatCores(millis)).toBe(text);
  });

  it("gives the bare number for free / total pairs", () => {
    expect(formatCores(7_500, { unit: false })).toBe("7.5");
    expect(formatCores(40_000, { unit: false })).toBe("40");
  });
});

describe("formatBytes", () => {
  const MiB = 2 ** 20;
  const GiB = 2 ** 30;
  it.each([
    [512 * MiB, "512 MiB"],
    [256 * MiB, "256 MiB"],
    [1 * MiB, "1 MiB"],
    [GiB, "1 GiB"],
    [1.5 * GiB, "1.5 GiB"],
    [12.5 * GiB, "12.5 GiB"],
    [40 * GiB, "40 GiB"],
    [160 * GiB, "160 GiB"],
    [1024 * GiB, "1 TiB"],
    [1023.999 * MiB, "1 GiB"],
    [512, "512 B"],
    [1536, "1.5 KiB"],
    [0, "0 B"],
  ])("%d bytes is %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("never rounds a non-zero amount to 0", () => {
    for (const bytes of [0.4, 1, 3, 700, 1025, MiB + 1, 0.001 * GiB, 5 * 1024 ** 4]) {
      expect(formatBytes(bytes)).not.toMatch(/^0(\.0+)? /);
    }
  });

  it("formats mebibytes the same way", () => {
    expect(formatMebibytes(512)).toBe("512 MiB");
    expect(formatMebibytes(256)).toBe("256 MiB");
    expect(formatMebibytes(2048)).toBe("2 GiB");
    expect(formatMebibytes(10240)).toBe("10 GiB");
  });
});
