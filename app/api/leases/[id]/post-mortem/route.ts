// GET /api/leases/[id]/post-mortem – what a closed lease's workload left (final pods, events, last logs), for its tenant or provider; null until captured.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { readPostMortem } from "@/lib/lease/read-post-mortem";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    return { postMortem: await readPostMortem({ db, leaseId: params.id }) };
  },
);
