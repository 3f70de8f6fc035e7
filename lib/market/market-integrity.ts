// Read models of market integrity for pages and loops, from the indexer's rows: a provider's bond (as last
// read from the chain), a lease's attested start and SLA refunds, a sealed auction's commits and reveals.
import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { bondEvents, downtimeRefunds, leases, orders, providerBondSnapshots, sealedBids } from "@/db/schema";

export interface ProviderBond {
  provider: string;
  /** Token base units, decimal strings. free = total - locked - unbonding (0 if negative). */
  total: string;
  locked: string;
  unbonding: string;
  free: string;
  /** When the unbonding amount may be withdrawn; null when nothing is unbonding. */
  unbondAt: Date | null;
  /** The block the bond was read at and its time. */
  blockNumber: bigint;
  at: Date;
}

type SnapshotRow = typeof providerBondSnapshots.$inferSelect;

function toBond(row: SnapshotRow): ProviderBond {
  const free = BigInt(row.total) - BigInt(row.locked) - BigInt(row.unbonding);
  return {
    provider: row.provider,
    total: row.total,
    locked: row.locked,
    unbonding: row.unbonding,
    free: (free > 0n ? free : 0n).toString(),
    unbondAt: BigInt(row.unbonding) > 0n ? row.unbondAt : null,
    blockNumber: row.blockNumber,
    at: row.at,
  };
}

/** The provider's bond as last indexed; null when it never bonded (no bond event or bid touched it). */
export async function getProviderBond(db: DbOrTx, address: string): Promise<ProviderBond | null> {
  const [row] = await db
    .select()
    .from(providerBondSnapshots)
    .where(eq(providerBondSnapshots.provider, address.toLowerCase()))
    .orderBy(desc(providerBondSnapshots.blockNumber))
    .limit(1);
  return row ? toBond(row) : null;
}

/** Latest bonds of the given providers (all indexed ones when omitted), by address. */
export async function listProviderBonds(
  db: DbOrTx,
  addresses?: string[],
): Promise<Map<string, ProviderBond>> {
  const list = addresses?.map((a) => a.toLowerCase());
  if (list && list.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([providerBondSnapshots.provider])
    .from(providerBondSnapshots)
    .where(list ? inArray(providerBondSnapshots.provider, list) : undefined)
    .orderBy(providerBondSnapshots.provider, desc(providerBondSnapshots.blockNumber));
  return new Map(rows.map((r) => [r.provider, toBond(r)]));
}

/** A provider's bond movements (deposits, withdrawal requests, withdrawals, slashes), newest first. */
export async function listBondEvents(db: DbOrTx, address: string, limit = 100) {
  return db
    .select()
    .from(bondEvents)
    .where(eq(bondEvents.provider, address.toLowerCase()))
    .orderBy(desc(bondEvents.blockNumber), desc(bondEvents.logIndex))
    .limit(limit);
}

export interface LeaseIntegrity {
  leaseId: string;
  /** Settlement (LeaseStarted block time), the attestation deadline, and the attestation if any. */
  settledAt: Date | null;
  startDeadline: Date | null;
  attestedAt: Date | null;
  attestedSpecHash: string | null;
  /** attested: started on time; pending: not yet, deadline ahead; missed: deadline passed unattested; unstarted: cancelled for it. */
  start: "attested" | "pending" | "missed" | "unstarted";
  /** Seconds from settlement to the attested start. */
  secondsToStart: number | null;
  /** Cancelled unstarted: the escrow returned and the bond slashed to the tenant (base units). */
  unstarted: { refund: string; slash: string } | null;
  /** Attested downtime and the refunds it paid (both sources), with each refund. */
  downtimeSeconds: number;
  slaRefunded: string;
  refunds: {
    seconds: number;
    fromEarnings: string;
    fromBond: string;
    at: Date;
    txHash: string;
  }[];
  /** Seconds the lease has run since its attested start (to its close, end or `now`). */
  runSeconds: number;
  /** 100 × (1 - downtime / run time), null before the start; attested downtime only. */
  uptimePercent: number | null;
}

/** A lease's attested start and SLA figures; null when the lease is not indexed. */
export async function getLeaseIntegrity(
  db: DbOrTx,
  leaseId: string,
  opts: { now?: Date } = {},
): Promise<LeaseIntegrity | null> {
  const now = opts.now ?? new Date();
  const [lease] = await db.select().from(leases).where(eq(leases.id, leaseId));
  if (!lease) return null;
  const refunds = await db
    .select()
    .from(downtimeRefunds)
    .where(eq(downtimeRefunds.leaseId, leaseId))
    .orderBy(asc(downtimeRefunds.blockNumber), asc(downtimeRefunds.logIndex));
  const start: LeaseIntegrity["start"] = lease.attestedAt
    ? "attested"
    : lease.unstartedRefund !== null
      ? "unstarted"
      : lease.startDeadline && lease.startDeadline <= now
        ? "missed"
        : "pending";
  const until = Math.min(
    now.getTime(),
    lease.closedAt?.getTime() ?? Number.POSITIVE_INFINITY,
    lease.endsAt?.getTime() ?? Number.POSITIVE_INFINITY,
  );
  const runSeconds = lease.attestedAt
    ? Math.max(0, Math.floor((until - lease.attestedAt.getTime()) / 1000))
    : 0;
  return {
    leaseId,
    settledAt: lease.settledAt,
    startDeadline: lease.startDeadline,
    attestedAt: lease.attestedAt,
    attestedSpecHash: lease.attestedSpecHash,
    start,
    secondsToStart:
      lease.attestedAt && lease.settledAt
        ? Math.max(0, Math.round((lease.attestedAt.getTime() - lease.settledAt.getTime()) / 1000))
        : null,
    unstarted:
      lease.unstartedRefund !== null
        ? { refund: lease.unstartedRefund, slash: lease.unstartedSlash ?? "0" }
        : null,
    downtimeSeconds: lease.downtimeSeconds,
    slaRefunded: lease.slaRefunded,
    refunds: refunds.map((r) => ({
      seconds: r.seconds,
      fromEarnings: r.fromEarnings,
      fromBond: r.fromBond,
      at: r.at,
      txHash: r.txHash,
    })),
    runSeconds,
    uptimePercent:
      runSeconds > 0
        ? Math.max(0, 100 * (1 - Math.min(lease.downtimeSeconds, runSeconds) / runSeconds))
        : null,
  };
}

export interface SealedAuctionView {
  orderId: string;
  /** Reveals are accepted from the bid window's end until revealEndsAt; settlement after. */
  bidWindowEndsAt: Date;
  revealEndsAt: Date;
  commits: { provider: string; bidder: string | null; at: Date }[];
  reveals: { provider: string; price: string; at: Date }[];
  forfeits: { provider: string; amount: string; at: Date }[];
  /** Lowest reveal (the winner) and what it is paid: the second-lowest, or the max price alone. */
  bestProvider: string | null;
  bestPrice: string | null;
  secondPrice: string | null;
  clearingPrice: string | null;
}

/** A sealed order's auction as indexed; null for an unknown or open-format order. */
export async function getSealedAuctionView(db: DbOrTx, orderId: string): Promise<SealedAuctionView | null> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (order?.auctionFormat !== "sealed") return null;
  const rows = await db
    .select()
    .from(sealedBids)
    .where(eq(sealedBids.orderId, orderId))
    .orderBy(asc(sealedBids.blockNumber), asc(sealedBids.logIndex));
  return {
    orderId,
    bidWindowEndsAt: order.bidWindowEndsAt,
    revealEndsAt: new Date(order.bidWindowEndsAt.getTime() + order.revealWindowSeconds * 1000),
    commits: rows
      .filter((r) => r.kind === "commit")
      .map((r) => ({ provider: r.provider, bidder: r.bidder, at: r.at })),
    reveals: rows
      .filter((r) => r.kind === "reveal")
      .map((r) => ({ provider: r.provider, price: r.price ?? "0", at: r.at })),
    forfeits: rows
      .filter((r) => r.kind === "forfeit")
      .map((r) => ({ provider: r.provider, amount: r.amount ?? "0", at: r.at })),
    bestProvider: order.bestProvider,
    bestPrice: order.bestPrice,
    secondPrice: order.secondPrice,
    clearingPrice: order.bestPrice === null ? null : (order.secondPrice ?? order.maxPricePerHour),
  };
}

/** Sealed orders whose reveal window has ended with commits never revealed: (order, provider) pairs to forfeit. */
export async function listUnrevealedCommits(db: DbOrTx, now: Date) {
  const rows = await db
    .select({
      orderId: sealedBids.orderId,
      provider: sealedBids.provider,
      kinds: sql<string[]>`array_agg(${sealedBids.kind})`,
    })
    .from(sealedBids)
    .innerJoin(orders, eq(orders.id, sealedBids.orderId))
    .where(
      and(
        eq(orders.auctionFormat, "sealed"),
        sql`${orders.bidWindowEndsAt} + make_interval(secs => ${orders.revealWindowSeconds}) <= ${now.toISOString()}::timestamptz`,
      ),
    )
    .groupBy(sealedBids.orderId, sealedBids.provider);
  return rows
    .filter((r) => r.kinds.includes("commit") && !r.kinds.includes("reveal") && !r.kinds.includes("forfeit"))
    .map((r) => ({ orderId: r.orderId, provider: r.provider }));
}
