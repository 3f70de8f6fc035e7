import "server-only";
import type { Db } from "@/db/client";
import type { Lease } from "@/db/schema";
import { type DelegateGrant, listDelegateGrants } from "@/lib/chain/list-delegate-grants";
import { AppError } from "@/lib/errors";

// The deploy keys that may update one lease's spec: those its tenant granted for this lease and those
// granted for all of the tenant's leases (lease id 0 on chain), from the indexed DelegateSet events.
//
// Only the tenant may list them. The grants are public on chain, so this hides nothing from someone who
// reads events; but the list is the tenant's key management, the provider has no use for it, and the app
// need not serve as a directory of which keys can change which workloads.

export interface LeaseDeployKeys {
  thisLease: DelegateGrant[];
  allLeases: DelegateGrant[];
}

export async function listLeaseDeployKeys({
  db,
  lease,
  address,
}: {
  db: Db;
  lease: Lease;
  address: string;
}): Promise<LeaseDeployKeys> {
  if (lease.tenant.toLowerCase() !== address.toLowerCase())
    throw new AppError("FORBIDDEN", "Only the lease's tenant manages its deploy keys.");
  const grants = await listDelegateGrants({ db, tenant: lease.tenant });
  return {
    thisLease: grants.filter((g) => g.leaseId === lease.id),
    allLeases: grants.filter((g) => g.leaseId === "0"),
  };
}
