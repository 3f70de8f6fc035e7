import "server-only";
import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leaseDowntime, leaseSla } from "@/db/schema";
import type { LeaseStatusView } from "@/lib/lease/types";

// Downtime intervals of started leases (lease_downtime), written by the lease controller each time it
// reads a lease's workload: "pods-not-ready" while some service has fewer ready (available) pods than
// its Deployment wants, "cluster-unreachable" while the cluster does not answer. Every write is a
// state transition that is safe to repeat (close the open interval; open one unless one is open), so
// a restarted process, or a second one that believes it runs the controller, never adds a duplicate:
// the partial unique index allows one open interval per lease. Counting starts at the lease's attested
// start (lease_sla.attested_at, set by the deployer loop); before that the start deadline applies.

export type DowntimeCause = "pods-not-ready" | "cluster-unreachable";
export type LeaseHealth = "up" | DowntimeCause;

/**
 * Up when every service has as many ready pods as its Deployment desires (an autoscaled one: as many
 * as its HPA set). Status rows without rollouts (older readers, fakes) fall back to the pods: at least
 * one, every one Running and ready. No Deployment at all (the workload is gone) is down.
 */
export function workloadHealth(status: LeaseStatusView): "up" | "pods-not-ready" {
  if (status.rollouts) {
    const up =
      status.rollouts.length > 0 &&
      status.rollouts.every((r) => r.availableReplicas >= Math.max(1, r.replicas));
    return up ? "up" : "pods-not-ready";
  }
  const up = status.pods.length > 0 && status.pods.every((p) => p.phase === "Running" && p.ready);
  return up ? "up" : "pods-not-ready";
}

/** How long the tenant's own spec update may leave pods unready before that counts as downtime. */
export const TENANT_ROLLOUT_GRACE_MS = 10 * 60_000;

/**
 * The workload's health as the provider answers for it. While the tenant's own spec update rolls out
 * (revision > 0: some Deployment not yet at the lease's spec, or its rollout not complete), pods that
 * are not ready are the tenant's doing — a Recreate rollout stops every old pod before the new ones
 * start, and a tenant could otherwise claw back payment by updating — so they count as up, for at most
 * TENANT_ROLLOUT_GRACE_MS after the update was applied: a revision that never gets ready counts after
 * that, like any other. Once the update has been seen fully up (`rolledOut`), a later outage is the
 * provider's again. Without rollouts in the status (older readers) nothing is exempt.
 */
export function providerHealth(opts: {
  status: LeaseStatusView;
  specRevision: number;
  specHash: string | null;
  /** When the lease's current spec was applied to its cluster (lease_deploys.applied_at). */
  updateAppliedAt: Date | undefined;
  /** The workload was seen fully up since the update was applied. */
  rolledOut: boolean;
  now: Date;
}): "up" | "pods-not-ready" {
  const health = workloadHealth(opts.status);
  if (health === "up" || opts.rolledOut || opts.specRevision === 0 || !opts.updateAppliedAt || !opts.specHash)
    return health;
  if (opts.now.getTime() - opts.updateAppliedAt.getTime() >= TENANT_ROLLOUT_GRACE_MS) return health;
  const spec = opts.specHash.toLowerCase();
  const rolling = (opts.status.rollouts ?? []).some((r) => r.specHash?.toLowerCase() !== spec || !r.complete);
  return rolling ? "up" : health;
}

/** Never before the interval's start (another process's clock may run slightly ahead of ours). */
const endAt = (at: Date) => sql`greatest(${at.toISOString()}::timestamptz, ${leaseDowntime.startedAt})`;

/** The attested start (server clock) of each of these leases that has one. */
export async function readAttestedStarts(db: Db, leaseIds: string[]): Promise<Map<string, Date>> {
  if (leaseIds.length === 0) return new Map();
  const rows = await db
    .select({ leaseId: leaseSla.leaseId, attestedAt: leaseSla.attestedAt })
    .from(leaseSla)
    .where(and(inArray(leaseSla.leaseId, leaseIds), isNotNull(leaseSla.attestedAt)));
  return new Map(rows.map((r) => [r.leaseId, r.attestedAt as Date]));
}

/**
 * Records what one look at a started lease's workload found at `at`. Opens an interval when it went
 * down (or its cause changed: the old one closes and the new one opens at the same instant), closes
 * the open one when it is up again. Idempotent.
 */
export async function recordLeaseHealth(opts: {
  db: Db;
  leaseId: string;
  health: LeaseHealth;
  at: Date;
}): Promise<void> {
  const { db, leaseId, health, at } = opts;
  const open = and(eq(leaseDowntime.leaseId, leaseId), isNull(leaseDowntime.endedAt));
  if (health === "up") {
    await db
      .update(leaseDowntime)
      .set({ endedAt: endAt(at) })
      .where(open);
    return;
  }
  const [current] = await db.select().from(leaseDowntime).where(open);
  if (current?.cause === health) return;
  await db.transaction(async (tx) => {
    if (current)
      await tx
        .update(leaseDowntime)
        .set({ endedAt: endAt(at) })
        .where(and(eq(leaseDowntime.id, current.id), isNull(leaseDowntime.endedAt)));
    // Another writer that opened one meanwhile wins; its interval covers the same outage.
    await tx.insert(leaseDowntime).values({ leaseId, cause: health, startedAt: at }).onConflictDoNothing();
  });
}

/** Closes a lease's open interval (the lease closed or its workload was torn down): counting stops. */
export async function closeLeaseDowntime(opts: { db: Db; leaseId: string; at: Date }): Promise<void> {
  await opts.db
    .update(leaseDowntime)
    .set({ endedAt: endAt(opts.at) })
    .where(and(eq(leaseDowntime.leaseId, opts.leaseId), isNull(leaseDowntime.endedAt)));
}
