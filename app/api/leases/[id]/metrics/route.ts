// GET /api/leases/[id]/metrics – a lease's stored pod usage samples since `minutes` ago (chart history), for its tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getMetricHistory } from "@/lib/lease/get-metric-history";
import { requireLeaseAccess } from "@/lib/lease/lease-access";

const query = z.object({ minutes: z.coerce.number().int().min(1).max(360).default(15) });

export const GET = route(
  { params: z.object({ id: zUintString }), query, auth: true },
  async ({ db, params, query, session }) => {
    await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    const since = new Date(Date.now() - query.minutes * 60_000);
    return { samples: await getMetricHistory({ db, leaseId: params.id, since }) };
  },
);
