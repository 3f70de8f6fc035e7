import "server-only";
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leaseDowntime, leaseSla, leases } from "@/db/schema";
import type { DowntimeCause } from "@/lib/lease/record-lease-health";

// A lease's uptime from its downtime intervals (lease_downtime), over the time it was observed: from
// its attested start until its close (or now). For the lease page, the provider console and the
// deployer loop, which refunds `downtimeSeconds - attestedDowntimeSeconds` whole seconds at a time.

export interface LeaseDowntimeInterval {
  cause: DowntimeCause;
  startedAt: string;
  /** null while it lasts. */
  endedAt: string | null;
  /** Seconds of it inside the observed window (an open one: until `now`). */
  seconds: number;
}

export interface LeaseUptime {
  /** The attested start (server clock); null while the start is not attested: nothing is counted yet. */
  startedAt: string | null;
  /** Whole seconds from the attested start to the close or now. */
  observedSeconds: number;
  /** Whole seconds down within them. */
  downtimeSeconds: number;
  /** Of those, refunded on chain by the deployer so far. */
  attestedDowntimeSeconds: number;
  /** 0..100 with one decimal, rounded down (any downtime shows below 100 once it is 0.1 %); 100 when nothing was observed yet. */
  uptimePercent: number;
  intervals: LeaseDowntimeInterval[];
}

interface Window {
  from: number;
  to: number;
}

/** Milliseconds of [start, end ?? window end) inside the window. */
function overlapMs(start: Date, end: Date | null, w: Window): number {
  const s = Math.max(start.getTime(), w.from);
  const e = Math.min(end?.getTime() ?? w.to, w.to);
  return Math.max(0, e - s);
}

/** The observed window of a lease: attested start → close (if before now) or now. */
function windowOf(attestedAt: Date, closedAt: Date | null, now: Date): Window {
  const to = closedAt && closedAt.getTime() < now.getTime() ? closedAt.getTime() : now.getTime();
  return { from: attestedAt.getTime(), to: Math.max(attestedAt.getTime(), to) };
}

export function uptimePercent(observedMs: number, downtimeMs: number): number {
  if (!(observedMs > 0)) return 100;
  const up = Math.min(1, Math.max(0, (observedMs - downtimeMs) / observedMs));
  return Math.floor(up * 1000) / 10;
}

export async function getLeaseUptime(db: Db, leaseId: string, now: Date = new Date()): Promise<LeaseUptime> {
  const [row] = await db
    .select({
      closedAt: leases.closedAt,
      attestedAt: leaseSla.attestedAt,
      attested: leaseSla.attestedDowntimeSeconds,
    })
    .from(leaseSla)
    .leftJoin(leases, eq(leases.id, leaseSla.leaseId))
    .where(eq(leaseSla.leaseId, leaseId));
  const rows = await db
    .select()
    .from(leaseDowntime)
    .where(eq(leaseDowntime.leaseId, leaseId))
    .orderBy(asc(leaseDowntime.startedAt));
  const attestedDowntimeSeconds = row?.attested ?? 0;
  if (!row?.attestedAt)
    return {
      startedAt: null,
      observedSeconds: 0,
      downtimeSeconds: 0,
      attestedDowntimeSeconds,
      uptimePercent: 100,
      intervals: [],
    };
  const w = windowOf(row.attestedAt, row.closedAt ?? null, now);
  let downMs = 0;
  const intervals = rows.map((r) => {
    const ms = overlapMs(r.startedAt, r.endedAt, w);
    downMs += ms;
    return {
      cause: r.cause,
      startedAt: r.startedAt.toISOString(),
      endedAt: r.endedAt?.toISOString() ?? null,
      seconds: Math.floor(ms / 1000),
    };
  });
  const observedMs = w.to - w.from;
  return {
    startedAt: row.attestedAt.toISOString(),
    observedSeconds: Math.floor(observedMs / 1000),
    downtimeSeconds: Math.floor(downMs / 1000),
    attestedDowntimeSeconds,
    uptimePercent: uptimePercent(observedMs, downMs),
    intervals,
  };
}

/**
 * Each active lease with an attested start whose measured downtime (whole seconds) exceeds what the
 * chain has refunded: the seconds still to attest, and the total they bring it to.
 */
export async function listDowntimeToAttest(
  db: Db,
  now: Date = new Date(),
): Promise<{ leaseId: string; seconds: number; total: number }[]> {
  const started = await db
    .select({
      leaseId: leaseSla.leaseId,
      attestedAt: leaseSla.attestedAt,
      attested: leaseSla.attestedDowntimeSeconds,
      closedAt: leases.closedAt,
    })
    .from(leaseSla)
    .innerJoin(leases, eq(leases.id, leaseSla.leaseId))
    .where(and(isNotNull(leaseSla.attestedAt), eq(leases.status, "active")));
  if (started.length === 0) return [];
  const rows = await db
    .select()
    .from(leaseDowntime)
    .where(
      inArray(
        leaseDowntime.leaseId,
        started.map((s) => s.leaseId),
      ),
    );
  const byLease = new Map<string, typeof rows>();
  for (const r of rows) byLease.set(r.leaseId, [...(byLease.get(r.leaseId) ?? []), r]);
  const due: { leaseId: string; seconds: number; total: number }[] = [];
  for (const s of started) {
    const list = byLease.get(s.leaseId);
    if (!list || !s.attestedAt) continue;
    const w = windowOf(s.attestedAt, s.closedAt, now);
    const total = Math.floor(list.reduce((sum, r) => sum + overlapMs(r.startedAt, r.endedAt, w), 0) / 1000);
    if (total > s.attested) due.push({ leaseId: s.leaseId, seconds: total - s.attested, total });
  }
  return due.sort((a, b) => (BigInt(a.leaseId) < BigInt(b.leaseId) ? -1 : 1));
}
