// GET /api/leases/[id]/metrics – a lease's pod usage since `minutes` ago (chart history, raw or bucketed by range), for its tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getMetricHistory, historyResolution } from "@/lib/lease/get-metric-history";
import { requireLeaseAccess } from "@/lib/lease/lease-access";

// Up to a year back: history is kept for the lease's whole life (15-minute buckets past 7 days).
const query = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(366 * 24 * 60)
    .default(15),
});

export const GET = route(
  { params: z.object({ id: zUintString }), query, auth: true },
  async ({ db, params, query, session }) => {
    await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    const now = new Date();
    const since = new Date(now.getTime() - query.minutes * 60_000);
    return {
      /** Seconds per point; 0 for raw samples. */
      resolutionSeconds: historyResolution(since, now).stepS,
      samples: await getMetricHistory({ db, leaseId: params.id, since, now }),
    };
  },
);
