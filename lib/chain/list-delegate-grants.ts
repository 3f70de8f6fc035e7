import "server-only";
import { asc, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leaseDelegates } from "@/db/schema";

// The deploy keys a tenant has authorised and not revoked, from the indexed DelegateSet events: the latest
// event per (delegate, lease id) decides. Lease id "0" means all of the tenant's leases.

export interface DelegateGrant {
  delegate: string;
  /** A lease id, or "0" for all of the tenant's leases. */
  leaseId: string;
  grantedAt: Date;
}

export async function listDelegateGrants({
  db,
  tenant,
}: {
  db: Db;
  tenant: string;
}): Promise<DelegateGrant[]> {
  const latest = await db
    .selectDistinctOn([leaseDelegates.delegate, leaseDelegates.leaseId])
    .from(leaseDelegates)
    .where(eq(leaseDelegates.tenant, tenant.toLowerCase()))
    .orderBy(
      asc(leaseDelegates.delegate),
      asc(leaseDelegates.leaseId),
      desc(leaseDelegates.blockNumber),
      desc(leaseDelegates.logIndex),
    );
  return latest
    .filter((row) => row.allowed)
    .map((row) => ({ delegate: row.delegate, leaseId: row.leaseId, grantedAt: row.at }));
}
