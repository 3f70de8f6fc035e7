import "server-only";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Lease, leaseDomains, leases } from "@/db/schema";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import type { DnsLookup } from "./dns-resolver";
import { applyDomainIngress, deleteDomainIngress } from "./domain-ingress";
import { httpPortOf, type LeaseExposure, loadLeaseExposure } from "./load-lease-exposure";
import { cnameTarget } from "./manage-custom-domains";
import { verifyCname } from "./verify-cname";

// One pass of the custom-domain loop: check the CNAME of every domain that is due and make the
// cluster match: a verified domain gets its Ingress (server-side apply: converges, changes nothing
// when nothing drifted), a domain whose CNAME no longer names the lease's host loses it. A lookup that
// fails (timeout, SERVFAIL) changes nothing but the note. Domains of closed leases are left alone
// (their namespace is gone). Idempotent, so a second process running it by mistake does no harm.

/** How long after its last check a domain is checked again, by status. */
export const RECHECK_MS = { pending: 15_000, failed: 5 * 60_000, verified: 10 * 60_000 } as const;

export interface DomainCheckDeps {
  db: Db;
  dns: DnsLookup;
  clientFor: (clusterId: string) => Promise<ClusterClient>;
  now?: Date;
}

export async function runDomainChecks(
  deps: DomainCheckDeps,
): Promise<{ checked: number; applied: number; removed: number }> {
  const { db } = deps;
  const now = deps.now ?? new Date();
  const before = (ms: number) => new Date(now.getTime() - ms);
  const due = await db
    .select({ domain: leaseDomains, lease: leases })
    .from(leaseDomains)
    .innerJoin(leases, eq(leases.id, leaseDomains.leaseId))
    .where(
      and(
        eq(leases.status, "active"),
        or(
          isNull(leaseDomains.checkedAt),
          // Verified but not served yet (a failed apply): every pass until it is.
          and(eq(leaseDomains.status, "verified"), isNull(leaseDomains.appliedAt)),
          ...(["pending", "failed", "verified"] as const).map((s) =>
            and(eq(leaseDomains.status, s), lt(leaseDomains.checkedAt, before(RECHECK_MS[s]))),
          ),
        ),
      ),
    );
  const result = { checked: 0, applied: 0, removed: 0 };
  const exposures = new Map<string, LeaseExposure>();
  const exposureOf = async (lease: Lease) => {
    let ex = exposures.get(lease.id);
    if (!ex) {
      ex = await loadLeaseExposure({ db, lease });
      exposures.set(lease.id, ex);
    }
    return ex;
  };

  for (const { domain: row, lease } of due) {
    result.checked++;
    const ex = await exposureOf(lease);
    const target = cnameTarget(lease.id, row.service, ex);
    const service = ex.services.find((s) => s.name === row.service);
    const port = service ? httpPortOf(service) : null;
    const update = (set: Partial<typeof leaseDomains.$inferInsert>) =>
      db
        .update(leaseDomains)
        .set({ checkedAt: now, ...set })
        .where(eq(leaseDomains.id, row.id));
    if (!target || !ex.exposure || port === null || !lease.clusterId) {
      await update({
        status: "failed",
        detail: "the lease's cluster no longer offers HTTP exposure for this service",
      });
      continue;
    }
    const verdict = await verifyCname({ dns: deps.dns, domain: row.domain, expected: target });
    if (verdict.status === "unknown") {
      await update({ detail: verdict.reason });
      continue;
    }
    if (verdict.status === "failed") {
      if (row.appliedAt) {
        try {
          await deleteDomainIngress(await deps.clientFor(lease.clusterId), { id: row.id, leaseId: lease.id });
          result.removed++;
        } catch (error) {
          // Still served: stay verified-and-applied, so the next pass tries the removal again.
          await update({
            detail: `CNAME gone, but its Ingress could not be removed yet: ${(error as Error).message}`,
          });
          continue;
        }
      }
      await update({ status: "failed", detail: verdict.reason, appliedAt: null });
      continue;
    }
    try {
      await applyDomainIngress(await deps.clientFor(lease.clusterId), {
        id: row.id,
        leaseId: lease.id,
        domain: row.domain,
        service: row.service,
        port,
        exposure: ex.exposure,
      });
      result.applied++;
      await update({ status: "verified", detail: null, appliedAt: now });
    } catch (error) {
      await update({
        status: "verified",
        detail: `verified, but its Ingress could not be applied yet: ${(error as Error).message}`,
        appliedAt: null,
      });
    }
  }
  return result;
}
