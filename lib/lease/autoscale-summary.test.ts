import { describe, expect, it } from "vitest";
import { autoscaleSummary } from "./autoscale-summary";
import type { LeaseAutoscaler } from "./types";

const base: LeaseAutoscaler = {
  service: "web",
  minReplicas: 1,
  maxReplicas: 5,
  currentReplicas: 2,
  desiredReplicas: 2,
  metrics: [{ resource: "cpu", currentPercent: 63, targetPercent: 70 }],
  inactive: null,
};

describe("autoscaleSummary", () => {
  it.each<[string, Partial<LeaseAutoscaler>, string]>([
    ["steady, on CPU", {}, "2/5 replicas (autoscaled, CPU 63 % of 70 % target)"],
    [
      "CPU and memory, one not measured yet",
      {
        metrics: [
          { resource: "cpu", currentPercent: 90, targetPercent: 70 },
          { resource: "memory", currentPercent: null, targetPercent: 80 },
        ],
      },
      "2/5 replicas (autoscaled, CPU 90 % of 70 % target, memory target 80 %, not measured yet)",
    ],
    [
      "on its way up",
      { desiredReplicas: 4 },
      "2/5 replicas (autoscaled, CPU 63 % of 70 % target, scaling to 4)",
    ],
    [
      "inactive (no metrics API): no promise of scaling",
      {
        desiredReplicas: 3,
        inactive: "no metrics",
        metrics: [{ resource: "cpu", currentPercent: null, targetPercent: 70 }],
      },
      "2/5 replicas (autoscaled, CPU target 70 %, not measured yet)",
    ],
  ])("%s", (_label, over, text) => {
    expect(autoscaleSummary({ ...base, ...over })).toBe(text);
  });
});
