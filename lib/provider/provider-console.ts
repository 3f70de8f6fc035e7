import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bidDecisions, clusters, type Lease, leases, type Provider, payments, providers } from "@/db/schema";
import type { ChainClockAnchor } from "@/lib/chain/create-chain-clock";
import { getLeaseUptime } from "@/lib/lease/get-lease-uptime";
import type { LeaseTerms } from "@/lib/lease/lease-money-at";
import { readLeaseTerms } from "@/lib/lease/read-lease-terms";
import { readChainClock } from "@/lib/market/chain-reads";
import { getProviderReputation } from "@/lib/market/reputation";
import { type ReputationView, toReputationView } from "@/lib/market/reputation-view";
import { listClusterUptime } from "./list-cluster-uptime";
import { type ClusterView, listProviderClusters } from "./provider-clusters";

// Everything the provider console shows, for one address: profile and bid settings, clusters with
// their capacity history, leases with what they earned so far, earnings over time, and the bid
// engine's decision log, from the database; plus each active lease's terms from the chain and a
// chain clock reading, so the page shows what `withdraw` would pay at this moment (leaseMoneyAt)
// rather than the contract view at the last mined block, which says 0 on a quiet chain.

export interface LeaseView {
  id: string;
  tenant: string;
  pricePerHour: string;
  startedAt: string;
  endsAt: string | null;
  status: Lease["status"];
  deployState: Lease["deployState"];
  clusterName: string | null;
  earned: string;
  withdrawn: string;
  /** Money terms (chain, else the indexed copy): the page computes withdrawable from time. */
  terms: LeaseTerms;
  /** Measured since the attested start (lib/lease/get-lease-uptime.ts); null before it. */
  uptimePercent: number | null;
  downtimeSeconds: number;
  /** SLA refunds paid to the tenant so far, token units. */
  refunded: string;
}

export interface DecisionView {
  id: number;
  orderId: string;
  action: string;
  price: string | null;
  reason: string;
  txHash: string | null;
  clusterName: string | null;
  at: string;
}

export interface ProviderConsole {
  address: string;
  provider: Pick<
    Provider,
    | "name"
    | "website"
    | "contact"
    | "region"
    | "pricing"
    | "bidStrategy"
    | "undercutStep"
    | "autoBid"
    | "registered"
    | "operator"
  > | null;
  clusters: ClusterView[];
  leases: LeaseView[];
  earnings: { t: string; earned: number; withdrawn: number }[];
  totals: { earned: string; withdrawn: string; activeLeases: number };
  decisions: DecisionView[];
  clock: ChainClockAnchor;
  /** The same score and parts tenants see beside its bids. */
  reputation: ReputationView;
  /** Per cluster id: share of inventory checks that reached it over the reputation window (null: none). */
  clusterUptime: Record<string, number | null>;
}

/**
 * Gross amount a lease has earned by `at`: price × elapsed since its attested start (nothing accrues
 * before the deployer attests it Running), capped by its duration and escrow.
 */
function earnedBy(
  l: Pick<Lease, "pricePerHour" | "attestedAt" | "endsAt" | "closedAt" | "deposit">,
  at: Date,
): bigint {
  if (!l.attestedAt) return 0n;
  const end = Math.min(at.getTime(), l.closedAt?.getTime() ?? Infinity, l.endsAt?.getTime() ?? Infinity);
  const seconds = BigInt(Math.max(0, Math.floor((end - l.attestedAt.getTime()) / 1000)));
  const earned = (BigInt(l.pricePerHour) * seconds) / 3600n;
  const cap = BigInt(l.deposit);
  return earned > cap ? cap : earned;
}

const POINTS = 30;

export async function getProviderConsole(opts: {
  db: Db;
  address: string;
  now?: Date;
}): Promise<ProviderConsole> {
  const { db } = opts;
  const address = opts.address.toLowerCase();
  const now = opts.now ?? new Date();
  const [provider] = await db.select().from(providers).where(eq(providers.address, address));
  const clusterViews = await listProviderClusters({ db, address });
  const names = new Map(clusterViews.map((c) => [c.id, c.name]));
  const leaseRows = await db
    .select()
    .from(leases)
    .where(eq(leases.provider, address))
    .orderBy(desc(leases.startedAt));
  const withdrawals =
    leaseRows.length === 0
      ? []
      : await db
          .select()
          .from(payments)
          .where(
            and(
              eq(payments.kind, "withdrawal"),
              inArray(
                payments.leaseId,
                leaseRows.map((l) => l.id),
              ),
            ),
          );
  const decisionRows = await db
    .select({
      d: bidDecisions,
      clusterName: clusters.name,
    })
    .from(bidDecisions)
    .leftJoin(clusters, eq(clusters.id, bidDecisions.clusterId))
    .where(eq(bidDecisions.provider, address))
    .orderBy(desc(bidDecisions.id))
    .limit(200);

  const [terms, clock, uptimes, reputation, clusterUptime] = await Promise.all([
    Promise.all(leaseRows.map((l) => readLeaseTerms(l))),
    readChainClock(),
    Promise.all(leaseRows.map((l) => getLeaseUptime(db, l.id, now))),
    getProviderReputation(db, address, { now }),
    listClusterUptime({ db, clusterIds: clusterViews.map((c) => c.id), now }),
  ]);
  let earned = 0n;
  let withdrawn = 0n;
  const leaseViews = leaseRows.map((l, i) => {
    // What the provider keeps: accrued less the SLA refunds paid out of it (the contract's payouts).
    const gross = earnedBy(l, now);
    const refunded = BigInt(l.slaRefunded);
    const e = gross > refunded ? gross - refunded : 0n;
    earned += e;
    // What reached the provider: the indexer's withdrawal payments (net of fee), or the lease's own
    // counter if that is ahead.
    const paid = withdrawals.filter((p) => p.leaseId === l.id).reduce((sum, p) => sum + BigInt(p.amount), 0n);
    const w = paid > BigInt(l.withdrawn) ? paid : BigInt(l.withdrawn);
    withdrawn += w;
    return {
      id: l.id,
      tenant: l.tenant,
      pricePerHour: l.pricePerHour,
      startedAt: l.startedAt.toISOString(),
      endsAt: l.endsAt?.toISOString() ?? null,
      status: l.status,
      deployState: l.deployState,
      clusterName: l.clusterId ? (names.get(l.clusterId) ?? null) : null,
      earned: e.toString(),
      withdrawn: w.toString(),
      terms: terms[i] as LeaseTerms,
      uptimePercent: uptimes[i]?.startedAt ? (uptimes[i]?.uptimePercent ?? null) : null,
      downtimeSeconds: uptimes[i]?.downtimeSeconds ?? 0,
      refunded: l.slaRefunded,
    };
  });

  // Earnings over time: cumulative earned (accrual) and withdrawn, from the first lease until now.
  const earnings: ProviderConsole["earnings"] = [];
  const first = leaseRows.at(-1)?.startedAt.getTime();
  if (first !== undefined) {
    const span = Math.max(1_000, now.getTime() - first); // up to now, never into the future
    for (let i = 0; i <= POINTS; i++) {
      const t = new Date(first + (span * i) / POINTS);
      const e = leaseRows.reduce((s, l) => s + earnedBy(l, t), 0n);
      const w = withdrawals.filter((p) => p.at <= t).reduce((s, p) => s + BigInt(p.amount), 0n);
      earnings.push({ t: t.toISOString(), earned: Number(e) / 1e6, withdrawn: Number(w) / 1e6 });
    }
  }

  return {
    address,
    provider: provider
      ? {
          name: provider.name,
          website: provider.website,
          contact: provider.contact,
          region: provider.region,
          pricing: provider.pricing,
          bidStrategy: provider.bidStrategy,
          undercutStep: provider.undercutStep,
          autoBid: provider.autoBid,
          registered: provider.registered,
          operator: provider.operator,
        }
      : null,
    clusters: clusterViews,
    leases: leaseViews,
    earnings,
    totals: {
      earned: earned.toString(),
      withdrawn: withdrawn.toString(),
      activeLeases: leaseRows.filter((l) => l.status === "active").length,
    },
    decisions: decisionRows.map(({ d, clusterName }) => ({
      id: d.id,
      orderId: d.orderId,
      action: d.action,
      price: d.price,
      reason: d.reason,
      txHash: d.txHash,
      clusterName: clusterName ?? null,
      at: d.createdAt.toISOString(),
    })),
    clock,
    reputation: toReputationView(reputation),
    clusterUptime: Object.fromEntries(
      clusterViews.map((c) => [c.id, clusterUptime.get(c.id)?.percent ?? null]),
    ),
  };
}
