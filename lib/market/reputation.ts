// A provider's reputation: one score 0..100 and the parts it is made of, all from data the market already
// measures (the inventory loop's cluster checks, the indexer's leases, attestations and SLA refunds). The
// deployer loop attests the score on chain (attestReputation), where orders' minReputation is enforced;
// the UI shows the parts beside bids, in the providers table and on /providers/[address].
//
// Score formula. Five parts, each a sub-score s in 0..1, weighted:
//   uptime      30 %  (upChecks + 1) / (upChecks + downChecks + 2) over the provider's clusters, last 30 days
//   onTime      25 %  (startedOnTime + 1) / (startsDue + 2): leases attested before their start deadline,
//                     of those whose start is decided (attested, cancelled unstarted, or past the deadline)
//   endedEarly  15 %  (closed - endedEarly + 1) / (closed + 2): leases the provider or its operator closed
//                     before their end
//   sla         15 %  max(0, 1 - 10 × downtime / attested run time): 10 % refunded downtime scores 0;
//                     0.5 while no lease has run
//   startSpeed  15 %  median settlement -> Running (attestation): <= 60 s scores 1, >= 600 s scores 0,
//                     linear between; 0.5 with no attested lease
// score = round(100 × Σ weight × s). The +1/+2 (Laplace) smoothing makes every part 0.5 without data, so a
// new provider with no history gets the neutral score NEUTRAL_REPUTATION = 50, and one lease cannot swing
// a part to 0 or 1 on its own.
import "server-only";
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { clusters, clusterUptime, downtimeRefunds, leases, providers } from "@/db/schema";

export const NEUTRAL_REPUTATION = 50;
export const REPUTATION_WEIGHTS = {
  uptime: 0.3,
  onTime: 0.25,
  endedEarly: 0.15,
  sla: 0.15,
  startSpeed: 0.15,
} as const;
/** Cluster checks older than this do not count. */
export const UPTIME_WINDOW_DAYS = 30;
const FAST_START_SECONDS = 60;
const SLOW_START_SECONDS = 600;

export interface ReputationParts {
  /** Inventory refreshes that reached / failed to reach the provider's clusters in the window. */
  upChecks: number;
  downChecks: number;
  /** upChecks / (upChecks + downChecks) in percent; null without checks. */
  clusterUptimePercent: number | null;
  /** Leases attested before their start deadline, of those whose start is decided. */
  leasesStartedOnTime: number;
  leasesStartDue: number;
  /** Leases closed by the provider (or its operator) before their end, of all closed leases. */
  leasesEndedEarly: number;
  leasesClosed: number;
  /** Downtime refunds (DowntimeRefunded events with seconds > 0). `amount`: token base units, both sources. */
  slaRefunds: { count: number; seconds: number; amount: string };
  /** Seconds the provider's attested leases have run (attestation to close/end/now): sla's denominator. */
  attestedRunSeconds: number;
  /** Median seconds from settlement to the attested start; null without an attested lease. */
  medianStartSeconds: number | null;
}

export type ReputationSubScores = Record<keyof typeof REPUTATION_WEIGHTS, number>;

export interface ProviderReputation {
  address: string;
  /** 0..100, by the formula above. */
  score: number;
  subScores: ReputationSubScores;
  parts: ReputationParts;
  /** What the chain holds (last ReputationAttested; 0 before any) and when it was attested. */
  onChainScore: number;
  onChainAttestedAt: Date | null;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const smoothed = (good: number, total: number) => (good + 1) / (total + 2);

/** The score and sub-scores of measured parts (pure). */
export function scoreReputation(parts: ReputationParts): { score: number; subScores: ReputationSubScores } {
  const subScores: ReputationSubScores = {
    uptime: smoothed(parts.upChecks, parts.upChecks + parts.downChecks),
    onTime: smoothed(parts.leasesStartedOnTime, parts.leasesStartDue),
    endedEarly: smoothed(parts.leasesClosed - parts.leasesEndedEarly, parts.leasesClosed),
    sla:
      parts.attestedRunSeconds > 0
        ? clamp01(1 - (10 * parts.slaRefunds.seconds) / parts.attestedRunSeconds)
        : 0.5,
    startSpeed:
      parts.medianStartSeconds === null
        ? 0.5
        : clamp01(
            (SLOW_START_SECONDS - parts.medianStartSeconds) / (SLOW_START_SECONDS - FAST_START_SECONDS),
          ),
  };
  let sum = 0;
  for (const [k, w] of Object.entries(REPUTATION_WEIGHTS))
    sum += w * subScores[k as keyof ReputationSubScores];
  return { score: Math.round(100 * sum), subScores };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function emptyReputationParts(): ReputationParts {
  return {
    upChecks: 0,
    downChecks: 0,
    clusterUptimePercent: null,
    leasesStartedOnTime: 0,
    leasesStartDue: 0,
    leasesEndedEarly: 0,
    leasesClosed: 0,
    slaRefunds: { count: 0, seconds: 0, amount: "0" },
    attestedRunSeconds: 0,
    medianStartSeconds: null,
  };
}

/** Reputations of the given providers (addresses lower-case); every one gets an entry, neutral without data. */
async function loadReputations(
  db: DbOrTx,
  addresses: string[],
  now: Date,
): Promise<Map<string, ProviderReputation>> {
  const out = new Map<string, ProviderReputation>();
  if (addresses.length === 0) return out;
  const parts = new Map(addresses.map((a) => [a, emptyReputationParts()]));
  const starts = new Map<string, number[]>(addresses.map((a) => [a, []]));

  const since = new Date(now.getTime() - UPTIME_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const checks = await db
    .select({
      provider: clusters.providerAddress,
      up: sql<string>`coalesce(sum(${clusterUptime.upChecks}), 0)`,
      down: sql<string>`coalesce(sum(${clusterUptime.downChecks}), 0)`,
    })
    .from(clusterUptime)
    .innerJoin(clusters, eq(clusters.id, clusterUptime.clusterId))
    .where(and(inArray(clusters.providerAddress, addresses), gte(clusterUptime.day, since)))
    .groupBy(clusters.providerAddress);
  for (const c of checks) {
    const p = parts.get(c.provider);
    if (!p) continue;
    p.upChecks = Number(c.up);
    p.downChecks = Number(c.down);
  }

  const operators = new Map(
    (
      await db
        .select({ address: providers.address, operator: providers.operator })
        .from(providers)
        .where(inArray(providers.address, addresses))
    ).map((r) => [r.address, r.operator]),
  );
  const leaseRows = await db
    .select({
      provider: leases.provider,
      status: leases.status,
      endsAt: leases.endsAt,
      closedAt: leases.closedAt,
      closedBy: leases.closedBy,
      settledAt: leases.settledAt,
      startedAt: leases.startedAt,
      attestedAt: leases.attestedAt,
      startDeadline: leases.startDeadline,
      unstartedRefund: leases.unstartedRefund,
    })
    .from(leases)
    .where(inArray(leases.provider, addresses));
  for (const l of leaseRows) {
    const p = parts.get(l.provider);
    if (!p) continue;
    const settledAt = l.settledAt ?? l.startedAt;
    if (l.attestedAt) {
      p.leasesStartDue++;
      if (!l.startDeadline || l.attestedAt <= l.startDeadline) p.leasesStartedOnTime++;
      starts.get(l.provider)?.push(Math.max(0, (l.attestedAt.getTime() - settledAt.getTime()) / 1000));
      const until = Math.min(
        now.getTime(),
        l.closedAt?.getTime() ?? Number.POSITIVE_INFINITY,
        l.endsAt?.getTime() ?? Number.POSITIVE_INFINITY,
      );
      p.attestedRunSeconds += Math.max(0, (until - l.attestedAt.getTime()) / 1000);
    } else if (l.unstartedRefund !== null || (l.startDeadline && l.startDeadline <= now)) {
      p.leasesStartDue++;
    }
    if (l.status === "closed" && l.unstartedRefund === null) {
      p.leasesClosed++;
      const by = l.closedBy;
      const byProvider = by !== null && (by === l.provider || by === operators.get(l.provider));
      if (byProvider && l.closedAt && l.endsAt && l.closedAt < l.endsAt) p.leasesEndedEarly++;
    }
  }

  const refunds = await db
    .select({
      provider: downtimeRefunds.provider,
      count: sql<string>`count(*) filter (where ${downtimeRefunds.seconds} > 0)`,
      seconds: sql<string>`coalesce(sum(${downtimeRefunds.seconds}), 0)`,
      amount: sql<string>`coalesce(sum(${downtimeRefunds.fromEarnings} + ${downtimeRefunds.fromBond}), 0)`,
    })
    .from(downtimeRefunds)
    .where(inArray(downtimeRefunds.provider, addresses))
    .groupBy(downtimeRefunds.provider);
  for (const r of refunds) {
    const p = parts.get(r.provider);
    if (p) p.slaRefunds = { count: Number(r.count), seconds: Number(r.seconds), amount: String(r.amount) };
  }

  const chain = new Map(
    (
      await db
        .select({
          address: providers.address,
          reputation: providers.reputation,
          at: providers.reputationAttestedAt,
        })
        .from(providers)
        .where(inArray(providers.address, addresses))
    ).map((r) => [r.address, r]),
  );
  for (const address of addresses) {
    const p = parts.get(address)!;
    const total = p.upChecks + p.downChecks;
    p.clusterUptimePercent = total > 0 ? (100 * p.upChecks) / total : null;
    p.medianStartSeconds = median(starts.get(address) ?? []);
    const onChain = chain.get(address);
    out.set(address, {
      address,
      ...scoreReputation(p),
      parts: p,
      onChainScore: onChain?.reputation ?? 0,
      onChainAttestedAt: onChain?.at ?? null,
    });
  }
  return out;
}

/** Every known provider's reputation (the providers table), best score first. */
export async function listProviderReputations(
  db: DbOrTx,
  opts: { now?: Date } = {},
): Promise<ProviderReputation[]> {
  const addresses = (await db.select({ address: providers.address }).from(providers)).map((r) => r.address);
  const map = await loadReputations(db, addresses, opts.now ?? new Date());
  return [...map.values()].sort((a, b) => b.score - a.score || a.address.localeCompare(b.address));
}

/** One provider's reputation; a provider the market has never seen gets the neutral score. */
export async function getProviderReputation(
  db: DbOrTx,
  address: string,
  opts: { now?: Date } = {},
): Promise<ProviderReputation> {
  const a = address.toLowerCase();
  const map = await loadReputations(db, [a], opts.now ?? new Date());
  return map.get(a)!;
}
