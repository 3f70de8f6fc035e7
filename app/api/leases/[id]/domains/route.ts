// GET /api/leases/[id]/domains – a lease's custom domains and their CNAME status (tenant or provider); POST – the tenant adds one for an HTTP service, checked at once.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { createDnsLookup } from "@/lib/lease/domains/dns-resolver";
import { addCustomDomain, listCustomDomains } from "@/lib/lease/domains/manage-custom-domains";
import { requireLeaseAccess } from "@/lib/lease/lease-access";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    const { lease } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    return { domains: await listCustomDomains({ db, lease }) };
  },
);

export const POST = route(
  {
    params: z.object({ id: zUintString }),
    body: z.object({ service: z.string().min(1).max(63), domain: z.string().min(1).max(300) }).strict(),
    auth: true,
    rateLimit: "domains",
  },
  async ({ db, params, body, session }) =>
    addCustomDomain({
      db,
      leaseId: params.id,
      address: session.address,
      service: body.service,
      domain: body.domain,
      dns: createDnsLookup(),
    }),
);
