import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leaseStatus } from "@/db/schema";
import type { LeaseStatusView } from "@/lib/lease/types";

// A lease's latest pods, events and endpoints in the database (lease_status), written by the process
// that follows the lease's cluster (the lease controller) and read by every app process's live
// stream, so the lease page is complete whichever process serves it. Written when it changes (a new
// controller rewrites every lease's on its first pass), so the row is as current as the controller.

export async function saveLeaseStatus(opts: {
  db: Db;
  leaseId: string;
  status: LeaseStatusView;
  at: Date;
}): Promise<void> {
  await opts.db
    .insert(leaseStatus)
    .values({ leaseId: opts.leaseId, status: opts.status, observedAt: opts.at })
    .onConflictDoUpdate({
      target: leaseStatus.leaseId,
      set: { status: opts.status, observedAt: opts.at },
    });
}

export async function readLeaseStatus(opts: {
  db: Db;
  leaseId: string;
}): Promise<{ at: string; status: LeaseStatusView } | null> {
  const [row] = await opts.db.select().from(leaseStatus).where(eq(leaseStatus.leaseId, opts.leaseId));
  return row ? { at: row.observedAt.toISOString(), status: row.status } : null;
}

export async function deleteLeaseStatus(opts: { db: Db; leaseId: string }): Promise<void> {
  await opts.db.delete(leaseStatus).where(eq(leaseStatus.leaseId, opts.leaseId));
}
