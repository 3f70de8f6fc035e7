// GET /api/leases/[id]/delegates – the deploy keys that may update this lease's spec (granted for it or for all the tenant's leases); tenant only.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { listLeaseDeployKeys } from "@/lib/lease/list-lease-deploy-keys";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    const { lease } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    return listLeaseDeployKeys({ db, lease, address: session.address });
  },
);
