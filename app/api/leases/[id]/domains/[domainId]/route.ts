// DELETE /api/leases/[id]/domains/[domainId] – the tenant removes a custom domain; its Ingress is deleted first.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { removeCustomDomain } from "@/lib/lease/domains/manage-custom-domains";

export const DELETE = route(
  {
    params: z.object({
      id: zUintString,
      domainId: z.coerce
        .number()
        .int()
        .positive()
        .max(2 ** 53),
    }),
    auth: true,
  },
  async ({ db, params, session }) => {
    await removeCustomDomain({
      db,
      leaseId: params.id,
      address: session.address,
      domainId: params.domainId,
      clientFor: (clusterId) => clusterClientFor({ db, clusterId }),
    });
    return { ok: true };
  },
);
