// GET /api/leases/[id] – a lease for its tenant or provider: terms, deploy state, manifest, payments and live escrow (403 for anyone else).
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getLeaseDetail } from "@/lib/lease/get-lease-detail";
import { requireLeaseAccess } from "@/lib/lease/lease-access";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    const { lease, role } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    return { ...(await getLeaseDetail({ db, lease })), role };
  },
);
