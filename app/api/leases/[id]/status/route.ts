// GET /api/leases/[id]/status – a lease's pods, events and service endpoints (latest poll or stored status, else read from its cluster), for its tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { readLeaseStatus } from "@/lib/lease/lease-status-store";
import { getMetricsHub } from "@/lib/lease/metrics-hub";
import { readLeaseView } from "@/lib/lease/read-lease-view";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    const { lease } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    const cached = getMetricsHub().latestStatus(lease.id);
    if (cached && Date.now() - Date.parse(cached.at) < getConfig().METRICS_INTERVAL_MS * 3) return cached;
    if (!lease.clusterId || lease.deployState === "torn_down" || lease.deployState === "pending")
      return { at: new Date().toISOString(), status: { pods: [], events: [], endpoints: [] } };
    // What the lease controller (in whichever process holds it) last read from the cluster.
    const stored = await readLeaseStatus({ db, leaseId: lease.id });
    if (stored) return stored;
    try {
      const client = await clusterClientFor({ db, clusterId: lease.clusterId });
      return { at: new Date().toISOString(), status: await readLeaseView(client, lease.id) };
    } catch (error) {
      throw new AppError("UPSTREAM_UNAVAILABLE", "The provider's cluster did not answer.", { cause: error });
    }
  },
);
