// GET /api/leases/[id]/reachability – whether one public URL of a lease answers (status code, latency), checked from the server, for its tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { checkReachability } from "@/lib/lease/domains/check-reachability";
import { createDnsLookup } from "@/lib/lease/domains/dns-resolver";
import { loadLeaseExposure } from "@/lib/lease/domains/load-lease-exposure";
import { listCustomDomains } from "@/lib/lease/domains/manage-custom-domains";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { listPublicEndpoints } from "@/lib/lease/public-endpoints";

export const GET = route(
  {
    params: z.object({ id: zUintString }),
    // The URL is never taken from the request: only which of the lease's own rows to check.
    query: z.object({ service: z.string().min(1).max(63), domain: z.string().min(1).max(253).optional() }),
    auth: true,
    rateLimit: "reachability",
  },
  async ({ db, params, query, session }) => {
    const { lease } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    if (lease.status !== "active") throw new AppError("CONFLICT", "The lease is closed: nothing is served.");
    const exposure = await loadLeaseExposure({ db, lease });
    const verified = (await listCustomDomains({ db, lease, exposure })).filter(
      (d) => d.status === "verified" && d.served,
    );
    const rows = listPublicEndpoints({
      leaseId: lease.id,
      exposure: exposure.exposure,
      services: exposure.services,
      verifiedDomains: verified,
    });
    const row = rows.find(
      (r) =>
        r.kind === "http" &&
        r.service === query.service &&
        r.domain === (query.domain?.toLowerCase() ?? null),
    );
    if (!row?.url) throw new AppError("NOT_FOUND", "The lease has no such public URL.");
    return checkReachability({
      url: row.url,
      scope: {
        baseDomain: exposure.exposure?.baseDomain ?? null,
        customDomains: verified.map((d) => d.domain),
      },
      dns: createDnsLookup(),
      allowPrivate: getConfig().ALLOW_PRIVATE_CLUSTER_ADDRESSES,
    });
  },
);
