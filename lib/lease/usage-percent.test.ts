import { describe, expect, it } from "vitest";
import { usagePercent } from "@/lib/lease/usage-percent";

const MiB = 1024 ** 2;

describe("usagePercent", () => {
  it.each([
    {
      what: "request and limit set",
      usage: { cpuMillis: 150, memoryBytes: 96 * MiB },
      requests: { cpuMillis: 200, memoryBytes: 64 * MiB },
      limits: { cpuMillis: 500, memoryBytes: 128 * MiB },
      want: { cpuOfRequest: 75, cpuOfLimit: 30, memoryOfRequest: 150, memoryOfLimit: 75 },
    },
    {
      what: "no limit, no CPU request: n/a",
      usage: { cpuMillis: 10, memoryBytes: 10 * MiB },
      requests: { cpuMillis: null, memoryBytes: 30 * MiB },
      limits: { cpuMillis: null, memoryBytes: null },
      want: { cpuOfRequest: null, cpuOfLimit: null, memoryOfRequest: 33, memoryOfLimit: null },
    },
    {
      what: "a zero request is n/a, not infinity",
      usage: { cpuMillis: 1, memoryBytes: 0 },
      requests: { cpuMillis: 0, memoryBytes: 0 },
      limits: { cpuMillis: 3, memoryBytes: MiB },
      want: { cpuOfRequest: null, cpuOfLimit: 33, memoryOfRequest: null, memoryOfLimit: 0 },
    },
  ])("$what", ({ usage, requests, limits, want }) => {
    expect(usagePercent(usage, requests, limits)).toEqual(want);
  });
});
