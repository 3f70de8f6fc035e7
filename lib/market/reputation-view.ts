import { formatDuration } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";
import type { ProviderReputation } from "@/lib/market/reputation";

// A provider's reputation as people read it (client-safe): the 0..100 score's tone, and each of its
// parts as a labelled figure with what it measures. The bids, the providers table and the provider
// page all render through these, so a part reads the same everywhere.

/** The reputation of one provider as pages receive it (JSON-safe; from lib/market/reputation.ts by toReputationView). */
export interface ReputationView {
  /** 0..100; a provider without history scores the neutral 50. */
  score: number;
  /** The score last attested on chain (what minReputation is checked against); null before the first. */
  onChainScore: number | null;
  /** Its clusters' uptime over the window, percent with one decimal (rounded down); null with no checks yet. */
  clusterUptimePercent: number | null;
  /** Leases whose start was attested before their start deadline, out of those whose start is decided. */
  onTimeStarts: number;
  startsDue: number;
  /** Leases the provider closed before their end, out of its closed leases. */
  earlyEnds: number;
  leasesEnded: number;
  /** SLA refunds paid to tenants (token units), how many and for how many seconds of downtime. */
  slaRefunded: string;
  slaRefundCount: number;
  slaRefundSeconds: number;
  /** Median seconds from settlement to the attested start (workload Running); null before the first. */
  medianSecondsToRunning: number | null;
}

/** The server's reputation (lib/market/reputation.ts) as pages show it. */
export function toReputationView(r: ProviderReputation): ReputationView {
  const p = r.parts;
  return {
    score: r.score,
    onChainScore: r.onChainAttestedAt ? r.onChainScore : null,
    clusterUptimePercent:
      p.clusterUptimePercent === null ? null : Math.floor(p.clusterUptimePercent * 10) / 10,
    onTimeStarts: p.leasesStartedOnTime,
    startsDue: p.leasesStartDue,
    earlyEnds: p.leasesEndedEarly,
    leasesEnded: p.leasesClosed,
    slaRefunded: p.slaRefunds.amount,
    slaRefundCount: p.slaRefunds.count,
    slaRefundSeconds: p.slaRefunds.seconds,
    medianSecondsToRunning: p.medianStartSeconds === null ? null : Math.round(p.medianStartSeconds),
  };
}

export type Tone = "green" | "amber" | "red" | "gray";

export function reputationTone(score: number | null | undefined): Tone {
  if (score === null || score === undefined) return "gray";
  return score >= 80 ? "green" : score >= 50 ? "amber" : "red";
}

export interface ReputationPart {
  key: "uptime" | "onTime" | "earlyEnds" | "refunds" | "toRunning";
  label: string;
  /** Short figure for a table cell. */
  value: string;
  /** What it measures, for the provider page and the badge's description. */
  explain: string;
  /** How the figure reflects on the provider. */
  tone: Tone;
}

const pct = (n: number, d: number) => (d === 0 ? null : Math.floor((n / d) * 1000) / 10);

export function reputationParts(r: ReputationView): ReputationPart[] {
  const onTime = pct(r.onTimeStarts, r.startsDue);
  const early = pct(r.earlyEnds, r.leasesEnded);
  const refunded = BigInt(r.slaRefunded);
  return [
    {
      key: "uptime",
      label: "Cluster uptime",
      value: r.clusterUptimePercent === null ? "no data yet" : `${r.clusterUptimePercent} %`,
      explain: "Share of inventory checks in which the provider's clusters answered, over recent days.",
      tone:
        r.clusterUptimePercent === null
          ? "gray"
          : r.clusterUptimePercent >= 99
            ? "green"
            : r.clusterUptimePercent >= 95
              ? "amber"
              : "red",
    },
    {
      key: "onTime",
      label: "Started on time",
      value: r.startsDue === 0 ? "no leases yet" : `${r.onTimeStarts} of ${r.startsDue}`,
      explain:
        "Leases whose workload ran with the ordered manifest before the order's start deadline (attested on chain).",
      tone: onTime === null ? "gray" : onTime >= 95 ? "green" : onTime >= 80 ? "amber" : "red",
    },
    {
      key: "earlyEnds",
      label: "Ended early",
      value: r.leasesEnded === 0 ? "none ended yet" : `${r.earlyEnds} of ${r.leasesEnded}`,
      explain: "Leases the provider closed before their paid duration was over.",
      tone: early === null ? "gray" : early === 0 ? "green" : early <= 10 ? "amber" : "red",
    },
    {
      key: "refunds",
      label: "SLA refunds",
      value:
        refunded === 0n
          ? "none"
          : `${formatTokenAmount(refunded)} for ${formatDuration(r.slaRefundSeconds)} down`,
      explain:
        "Paid back to tenants for measured downtime (pods not ready or the cluster unreachable), per second.",
      tone: refunded === 0n ? "green" : r.slaRefundCount <= 1 ? "amber" : "red",
    },
    {
      key: "toRunning",
      label: "Median time to Running",
      value: r.medianSecondsToRunning === null ? "no starts yet" : formatDuration(r.medianSecondsToRunning),
      explain: "Median time from an auction's settlement until the tenant's workload was Running.",
      tone:
        r.medianSecondsToRunning === null
          ? "gray"
          : r.medianSecondsToRunning <= 120
            ? "green"
            : r.medianSecondsToRunning <= 600
              ? "amber"
              : "red",
    },
  ];
}

/** The two parts a table cell has room for: "99.6 % uptime · 12/12 on time". */
export function reputationShort(r: ReputationView): string {
  const uptime =
    r.clusterUptimePercent === null ? "uptime not measured" : `${r.clusterUptimePercent} % uptime`;
  const onTime = r.startsDue === 0 ? "no leases yet" : `${r.onTimeStarts}/${r.startsDue} on time`;
  return `${uptime} · ${onTime}`;
}

/** One line naming every part, for a badge's accessible description and a compact cell. */
export function reputationSummary(r: ReputationView): string {
  return reputationParts(r)
    .map((p) => `${p.label}: ${p.value}`)
    .join(" · ");
}
