import "server-only";
import type { Db } from "@/db/client";
import type { Lease } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { readLeaseStatus } from "@/lib/lease/lease-status-store";
import type { MetricsHub } from "@/lib/lease/metrics-hub";
import { readLeaseView } from "@/lib/lease/read-lease-view";
import type { LeaseStatusView } from "@/lib/lease/types";

// A lease's pods, events and endpoints for the status route. A closed or torn-down lease answers from
// its database row alone (no workload), never from the last live poll or its cluster: once the escrow
// is settled nothing of it may look Running. Otherwise the poller's latest status while it is fresh,
// else what the lease controller (in whichever process holds it) last stored, else one read of the
// cluster.

const NOTHING: LeaseStatusView = { pods: [], events: [], endpoints: [] };

export async function getLeaseStatus({
  db,
  lease,
  hub,
  freshMs,
}: {
  db: Db;
  lease: Lease;
  hub: MetricsHub;
  /** How old the poller's status may be and still be served. */
  freshMs: number;
}): Promise<{ at: string; status: LeaseStatusView }> {
  const now = new Date().toISOString();
  if (lease.status !== "active" || lease.deployState === "torn_down") return { at: now, status: NOTHING };
  // The poller's last status, if its events and endpoints are recent too (it reads those only for
  // leases somebody watches in this process).
  const cached = hub.latestStatus(lease.id);
  const fresh = (at: string | null | undefined) => at != null && Date.now() - Date.parse(at) < freshMs;
  if (cached && fresh(cached.at) && fresh(cached.detailsAt)) return { at: cached.at, status: cached.status };
  if (!lease.clusterId || lease.deployState === "pending") return { at: now, status: NOTHING };
  const stored = await readLeaseStatus({ db, leaseId: lease.id });
  if (stored) return stored;
  try {
    const client = await clusterClientFor({ db, clusterId: lease.clusterId });
    return { at: now, status: await readLeaseView(client, lease.id) };
  } catch (error) {
    throw new AppError("UPSTREAM_UNAVAILABLE", "The provider's cluster did not answer.", { cause: error });
  }
}
