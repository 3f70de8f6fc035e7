// GET /api/leases/[id]/status – a lease's pods, events and service endpoints (latest poll, else read from its cluster), for its tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { getMetricsHub } from "@/lib/lease/metrics-hub";
import { readLeaseView } from "@/lib/lease/read-lease-view";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    const { lease } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    // The poller's last status, if its events and endpoints are recent too (it reads those only for
    // leases somebody watches).
    const cached = getMetricsHub().latestStatus(lease.id);
    const fresh = (at: string | null) =>
      at !== null && Date.now() - Date.parse(at) < getConfig().METRICS_INTERVAL_MS * 3;
    if (cached && fresh(cached.at) && fresh(cached.detailsAt))
      return { at: cached.at, status: cached.status };
    if (!lease.clusterId || lease.deployState === "torn_down" || lease.deployState === "pending")
      return { at: new Date().toISOString(), status: { pods: [], events: [], endpoints: [] } };
    try {
      const client = await clusterClientFor({ db, clusterId: lease.clusterId });
      return { at: new Date().toISOString(), status: await readLeaseView(client, lease.id) };
    } catch (error) {
      throw new AppError("UPSTREAM_UNAVAILABLE", "The provider's cluster did not answer.", { cause: error });
    }
  },
);
