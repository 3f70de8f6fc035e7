import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leaseStatus } from "@/db/schema";
import type { LeaseStatusView } from "@/lib/lease/types";

// A lease's latest pods, events and endpoints in the database (lease_status), written by the process
// that follows the lease's cluster (the lease controller) and read by every app process's live
// stream, so the lease page is complete whichever process serves it.

/** A status unchanged is written again this often, so readers can tell it is current. */
export const LEASE_STATUS_REFRESH_MS = 5_000;

/** Whether a stored status is recent enough to show as the current one. */
export function isLeaseStatusCurrent(at: string, now = Date.now()): boolean {
  return now - Date.parse(at) < LEASE_STATUS_REFRESH_MS * 3;
}

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
