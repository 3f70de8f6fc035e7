import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ReputationView } from "@/lib/market/reputation-view";
import { ReputationBadge } from "./reputation-badge";

// The reputation beside a bid and in the providers table: a link to the provider's page whose
// accessible name carries the score and every part.

const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const rep: ReputationView = {
  score: 64,
  onChainScore: 60,
  clusterUptimePercent: 97.5,
  onTimeStarts: 4,
  startsDue: 5,
  earlyEnds: 1,
  leasesEnded: 4,
  slaRefunded: "300000",
  slaRefundCount: 1,
  slaRefundSeconds: 120,
  medianSecondsToRunning: 75,
};

const html = (reputation: ReputationView | null, parts?: "all" | "short" | "none") =>
  renderToStaticMarkup(createElement(ReputationBadge, { address: ADDRESS, reputation, parts }));

describe("ReputationBadge", () => {
  it("links to the provider's page (lower-case address) with the score and every part in its name", () => {
    const out = html(rep);
    expect(out).toContain(`href="/providers/${ADDRESS.toLowerCase()}"`);
    expect(out).toContain('data-score="64"');
    expect(out).toContain(
      'aria-label="64/100 reputation. Cluster uptime: 97.5 % · Started on time: 4 of 5 · Ended early: 1 of 4 · SLA refunds: 0.30 for 2m 0s down · Median time to Running: 1m 15s. Open the provider&#x27;s page."',
    );
    // Amber: 50..79.
    expect(out).toContain("bg-amber-100");
  });

  it("shows all parts, two of them, or none", () => {
    const visible = (parts: "all" | "short" | "none") =>
      /data-testid="reputation-parts"[^>]*>([^<]*)</.exec(html(rep, parts))?.[1] ?? null;
    expect(visible("all")).toBe(
      "Cluster uptime 97.5 % · Started on time 4 of 5 · Ended early 1 of 4 · SLA refunds 0.30 for 2m 0s down · Median time to Running 1m 15s",
    );
    expect(visible("short")).toBe("97.5 % uptime · 4/5 on time");
    expect(visible("none")).toBeNull();
  });

  it("a provider without a reputation reads as new, still linking to its page", () => {
    const out = html(null);
    expect(out).toContain(">new<");
    expect(out).toContain('aria-label="new provider, no reputation yet: open its page"');
    expect(out).toContain(`href="/providers/${ADDRESS.toLowerCase()}"`);
  });
});
