// GET /api/leases/[id]/status – a lease's pods, events and service endpoints (none once closed; else the latest poll, the stored status, or a read of its cluster), for its tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getConfig } from "@/lib/config";
import { getLeaseStatus } from "@/lib/lease/get-lease-status";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { getMetricsHub } from "@/lib/lease/metrics-hub";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    const { lease } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    return getLeaseStatus({ db, lease, hub: getMetricsHub(), freshMs: getConfig().METRICS_INTERVAL_MS * 3 });
  },
);
