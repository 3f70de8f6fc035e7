import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ProviderProfile as Profile, ProviderProfileLease } from "@/lib/market/get-provider-profile";
import { ProviderProfile } from "./provider-profile";

// The public provider page as the server renders it: bond and what it backs, reputation parts,
// clusters, and each recent lease's start, end, uptime and refunds.

const NOW = Date.parse("2026-11-30T12:00:00Z");
const lease = (id: string, over: Partial<ProviderProfileLease> = {}): ProviderProfileLease => ({
  id,
  settledAt: "2026-11-30T10:00:00Z",
  endsAt: "2026-11-30T14:00:00Z",
  closedAt: null,
  status: "active",
  pricePerHour: "250000",
  start: "on-time",
  secondsToStart: 42,
  endedEarly: false,
  uptimePercent: 100,
  downtimeSeconds: 0,
  refunded: "0",
  ...over,
});

const profile = (over: Partial<Profile> = {}): Profile => ({
  address: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  name: "Nordic Lab",
  website: "https://nordic.example",
  region: "eu-north",
  registered: true,
  memberSince: "2026-11-01T00:00:00Z",
  regions: ["eu-north"],
  gpuModels: [],
  clusters: [
    {
      name: "edge-1",
      region: "eu-north",
      status: "up",
      lastSeenAt: null,
      gpuModels: [],
      allocatable: { cpuMillis: 32_000, memoryBytes: 64 * 2 ** 30, gpus: 0 },
      leastPrivilege: true,
      networkIsolation: "enforced",
      uptimePercent: 99.8,
    },
  ],
  bond: {
    total: "100000000",
    locked: "20000000",
    unbonding: "30000000",
    free: "50000000",
    unbondAt: 0,
    bondBps: 2000,
    bondCap: "100000000",
    unbondingDelay: 60,
  },
  reputation: {
    score: 88,
    onChainScore: 85,
    clusterUptimePercent: 99.9,
    onTimeStarts: 3,
    startsDue: 3,
    earlyEnds: 0,
    leasesEnded: 1,
    slaRefunded: "0",
    slaRefundCount: 0,
    slaRefundSeconds: 0,
    medianSecondsToRunning: 42,
  },
  activeLeases: 2,
  leases: [
    lease("3"),
    lease("2", { uptimePercent: 97.2, downtimeSeconds: 300, refunded: "20833" }),
    lease("1", { status: "closed", closedAt: "2026-11-30T11:00:00Z", endedEarly: true, start: "late" }),
  ],
  ...over,
});

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ");
const render = (p: Profile) => renderToStaticMarkup(createElement(ProviderProfile, { profile: p, now: NOW }));

describe("ProviderProfile", () => {
  it("shows the bond and what its free part backs (20 %: 50 free backs 250)", () => {
    const out = text(render(profile()));
    expect(out).toContain("Total 100.00 USD");
    expect(out).toContain("Free 50.00 USD");
    expect(out).toContain("edge-1 eu-north up 99.8 %");
    expect(out).toContain("Enough to back a lease worth up to 250.00 USD.");
    expect(out).toContain("A winning bid locks 20 % of the lease's value");
  });

  it("shows the score, its attested value and every part explained", () => {
    const out = text(render(profile()));
    expect(out).toContain("88 of 100");
    expect(out).toContain("Attested on chain: 85");
    for (const label of [
      "Cluster uptime",
      "Started on time",
      "Ended early",
      "SLA refunds",
      "Median time to Running",
    ])
      expect(out).toContain(label);
  });

  it("lists recent leases with start, end, uptime and refunds, and charts the measured uptimes", () => {
    const html = render(profile());
    const out = text(html);
    expect(html.match(/data-testid="profile-lease"/g)).toHaveLength(3);
    expect(out).toContain("on time after 42s");
    expect(out).toContain("running, ends in 2h 0m");
    expect(out).toContain("97.2 % 5m 0s down");
    expect(out).toContain("0.020833 USD");
    expect(out).toContain("late");
    expect(out).toContain("ended early");
    expect(html).toContain('data-testid="profile-uptime-chart"');
    expect(out).toContain("Lease 1: 100 % uptime, Lease 2: 97.2 % uptime, Lease 3: 100 % uptime.");
  });

  it("no chart with fewer than two measured leases; plain notes without bond or reputation", () => {
    const html = render(
      profile({
        bond: null,
        reputation: null,
        leases: [lease("9", { uptimePercent: null, start: "waiting" })],
      }),
    );
    expect(html).not.toContain("profile-uptime-chart");
    const out = text(html);
    expect(out).toContain("The bond cannot be read from the chain right now.");
    expect(out).toContain("No reputation yet");
    expect(out).toContain("starting");
  });
});
