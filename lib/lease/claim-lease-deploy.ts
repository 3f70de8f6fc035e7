import "server-only";
import { and, eq, isNull, lt, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leaseDeploys } from "@/db/schema";

// The database's guarantee that a lease is deployed once even when two app processes both believe
// they run the lease controller (a holder whose lock was lost and has not noticed yet): the process
// that inserts the (lease, spec hash) row applies the workload, any other leaves it alone. A claim
// whose holder died mid-apply (never marked applied) may be taken over once it is stale; the apply is
// idempotent server-side apply, so finishing someone's half-done apply is a repair, not a second deploy.

/** A claim not marked applied after this long belongs to a process that died mid-apply. */
const DEPLOY_CLAIM_STALE_MS = 60_000;

export type DeployClaim = { state: "claimed" } | { state: "taken" } | { state: "applied"; clusterId: string };

export async function claimLeaseDeploy(opts: {
  db: Db;
  leaseId: string;
  specHash: string;
  clusterId: string;
  staleMs?: number;
}): Promise<DeployClaim> {
  const { db, leaseId, clusterId } = opts;
  const specHash = opts.specHash.toLowerCase();
  const key = and(eq(leaseDeploys.leaseId, leaseId), eq(leaseDeploys.specHash, specHash));
  const inserted = await db
    .insert(leaseDeploys)
    .values({ leaseId, specHash, clusterId })
    .onConflictDoNothing()
    .returning({ leaseId: leaseDeploys.leaseId });
  if (inserted.length > 0) return { state: "claimed" };
  // The database's clock for staleness: app processes' clocks may disagree.
  const stale = sql`now() - make_interval(secs => ${(opts.staleMs ?? DEPLOY_CLAIM_STALE_MS) / 1000})`;
  const takenOver = await db
    .update(leaseDeploys)
    .set({ clusterId, claimedAt: sql`now()` })
    .where(and(key, isNull(leaseDeploys.appliedAt), lt(leaseDeploys.claimedAt, stale)))
    .returning({ leaseId: leaseDeploys.leaseId });
  if (takenOver.length > 0) return { state: "claimed" };
  const [row] = await db.select().from(leaseDeploys).where(key);
  return row?.appliedAt ? { state: "applied", clusterId: row.clusterId } : { state: "taken" };
}

/**
 * Records the apply, and forgets the lease's other specs: the workload runs this one only, so a later
 * update back to an earlier spec (a rollback) is a new deploy to claim.
 */
export async function markLeaseDeployApplied(opts: { db: Db; leaseId: string; specHash: string }) {
  const specHash = opts.specHash.toLowerCase();
  await opts.db.transaction(async (tx) => {
    await tx
      .update(leaseDeploys)
      .set({ appliedAt: sql`now()` })
      .where(and(eq(leaseDeploys.leaseId, opts.leaseId), eq(leaseDeploys.specHash, specHash)));
    await tx
      .delete(leaseDeploys)
      .where(and(eq(leaseDeploys.leaseId, opts.leaseId), ne(leaseDeploys.specHash, specHash)));
  });
}

/** Gives a claim back after a failed apply, so the next tick retries it. */
export async function releaseLeaseDeploy(opts: { db: Db; leaseId: string; specHash: string }) {
  await opts.db
    .delete(leaseDeploys)
    .where(
      and(
        eq(leaseDeploys.leaseId, opts.leaseId),
        eq(leaseDeploys.specHash, opts.specHash.toLowerCase()),
        isNull(leaseDeploys.appliedAt),
      ),
    );
}
