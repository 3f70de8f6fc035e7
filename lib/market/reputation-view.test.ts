import { describe, expect, it } from "vitest";
import type { ProviderReputation } from "./reputation";
import {
  type ReputationView,
  reputationParts,
  reputationSummary,
  reputationTone,
  toReputationView,
} from "./reputation-view";

const base: ReputationView = {
  score: 92,
  onChainScore: 90,
  clusterUptimePercent: 99.6,
  onTimeStarts: 12,
  startsDue: 12,
  earlyEnds: 0,
  leasesEnded: 7,
  slaRefunded: "0",
  slaRefundCount: 0,
  slaRefundSeconds: 0,
  medianSecondsToRunning: 45,
};

describe("reputationTone", () => {
  it("green from 80, amber from 50, red below, gray without a score", () => {
    expect(reputationTone(100)).toBe("green");
    expect(reputationTone(80)).toBe("green");
    expect(reputationTone(79)).toBe("amber");
    expect(reputationTone(50)).toBe("amber");
    expect(reputationTone(49)).toBe("red");
    expect(reputationTone(0)).toBe("red");
    expect(reputationTone(null)).toBe("gray");
  });
});

describe("reputationParts", () => {
  it("names every part with its figure", () => {
    const parts = reputationParts(base);
    expect(parts.map((p) => [p.key, p.value])).toEqual([
      ["uptime", "99.6 %"],
      ["onTime", "12 of 12"],
      ["earlyEnds", "0 of 7"],
      ["refunds", "none"],
      ["toRunning", "45s"],
    ]);
    expect(parts.every((p) => p.tone === "green")).toBe(true);
    expect(parts.every((p) => p.explain.length > 20)).toBe(true);
  });

  it("a new provider reads as 'no data', neither good nor bad", () => {
    const parts = reputationParts({
      ...base,
      clusterUptimePercent: null,
      onTimeStarts: 0,
      startsDue: 0,
      leasesEnded: 0,
      medianSecondsToRunning: null,
    });
    expect(parts.filter((p) => p.key !== "refunds").every((p) => p.tone === "gray")).toBe(true);
    expect(parts.find((p) => p.key === "onTime")?.value).toBe("no leases yet");
  });

  it("late starts, early ends, refunds and slow starts show as such", () => {
    const parts = reputationParts({
      ...base,
      clusterUptimePercent: 93.2,
      onTimeStarts: 7,
      startsDue: 10,
      earlyEnds: 3,
      leasesEnded: 10,
      slaRefunded: "1250000",
      slaRefundCount: 3,
      slaRefundSeconds: 600,
      medianSecondsToRunning: 900,
    });
    expect(Object.fromEntries(parts.map((p) => [p.key, p.tone]))).toEqual({
      uptime: "red",
      onTime: "red",
      earlyEnds: "red",
      refunds: "red",
      toRunning: "red",
    });
    expect(parts.find((p) => p.key === "refunds")?.value).toBe("1.25 for 10m 0s down");
    expect(parts.find((p) => p.key === "toRunning")?.value).toBe("15m 0s");
  });
});

describe("reputationSummary", () => {
  it("is one line with every part", () => {
    expect(reputationSummary(base)).toBe(
      "Cluster uptime: 99.6 % · Started on time: 12 of 12 · Ended early: 0 of 7 · SLA refunds: none · Median time to Running: 45s",
    );
  });
});

describe("toReputationView", () => {
  const server: ProviderReputation = {
    address: "0xabc",
    score: 71,
    subScores: { uptime: 1, onTime: 1, endedEarly: 1, sla: 0.5, startSpeed: 0.5 },
    parts: {
      upChecks: 2,
      downChecks: 1,
      clusterUptimePercent: 200 / 3,
      leasesStartedOnTime: 3,
      leasesStartDue: 4,
      leasesEndedEarly: 1,
      leasesClosed: 2,
      slaRefunds: { count: 2, seconds: 90, amount: "7500" },
      attestedRunSeconds: 3600,
      medianStartSeconds: 44.5,
    },
    onChainScore: 0,
    onChainAttestedAt: null,
  };
  it("maps the parts, rounds uptime down and the median to whole seconds", () => {
    expect(toReputationView(server)).toEqual({
      score: 71,
      onChainScore: null,
      clusterUptimePercent: 66.6,
      onTimeStarts: 3,
      startsDue: 4,
      earlyEnds: 1,
      leasesEnded: 2,
      slaRefunded: "7500",
      slaRefundCount: 2,
      slaRefundSeconds: 90,
      medianSecondsToRunning: 45,
    });
  });
  it("an attested 0 is a score, not 'never attested'", () => {
    expect(toReputationView({ ...server, onChainAttestedAt: new Date() }).onChainScore).toBe(0);
  });
});
