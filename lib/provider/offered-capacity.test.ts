import { describe, expect, it } from "vitest";
import { offeredCapacity } from "./offered-capacity";

const GiB = 2 ** 30;
const cluster = { cpuMillis: 40_000, memoryBytes: 128 * GiB, gpus: { "NVIDIA-A100": 4, "NVIDIA-L4": 3 } };

describe("offeredCapacity", () => {
  it("offers everything at 100 %", () => {
    expect(offeredCapacity(cluster, 100)).toEqual({
      cpuMillis: 40_000,
      memoryBytes: 128 * GiB,
      gpus: [
        { model: "NVIDIA-A100", count: 4 },
        { model: "NVIDIA-L4", count: 3 },
      ],
    });
  });

  it("offers the share of CPU and memory, and whole GPUs rounded down", () => {
    const half = offeredCapacity(cluster, 50);
    expect(half.cpuMillis).toBe(20_000);
    expect(half.memoryBytes).toBe(64 * GiB);
    expect(half.gpus).toEqual([
      { model: "NVIDIA-A100", count: 2 },
      { model: "NVIDIA-L4", count: 1 },
    ]);
    expect(offeredCapacity(cluster, 10).gpus.map((g) => g.count)).toEqual([0, 0]);
  });

  it("keeps fractions of a core (the wizard shows 7.5 cores, not 7)", () => {
    expect(offeredCapacity({ cpuMillis: 15_000, memoryBytes: 0, gpus: {} }, 50).cpuMillis).toBe(7_500);
  });

  it("refuses a share outside 0–100 %", () => {
    expect(() => offeredCapacity(cluster, 101)).toThrow(RangeError);
    expect(() => offeredCapacity(cluster, -5)).toThrow(RangeError);
    expect(() => offeredCapacity(cluster, Number.NaN)).toThrow(RangeError);
  });
});
