import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Lease, type LeaseDomain, leaseDomains } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { leaseHost } from "@/lib/k8s/cluster-exposure";
import { checkLeaseAccess } from "@/lib/lease/lease-access";
import type { DnsLookup } from "./dns-resolver";
import { deleteDomainIngress } from "./domain-ingress";
import { httpPortOf, type LeaseExposure, loadLeaseExposure } from "./load-lease-exposure";
import { customDomainSchema, isUnderDomain } from "./validate-custom-domain";
import { verifyCname } from "./verify-cname";

// A lease's custom domains: listed for its tenant and provider, added and removed by its tenant only.
// Adding checks the CNAME at once (the answer is on the page right away); the background loop
// (run-domain-checks.ts) re-checks and applies or removes the Ingress. Removing deletes the Ingress
// first, so a domain is never left served after it disappears from the page.

/** Enough for a service's www and apex-like names across a few services; keeps the loop's work bounded. */
export const MAX_DOMAINS_PER_LEASE = 10;

export type CustomDomainView = {
  id: number;
  service: string;
  domain: string;
  status: LeaseDomain["status"];
  detail: string | null;
  /** The host its CNAME must name. */
  target: string | null;
  checkedAt: string | null;
  served: boolean;
};

export function toDomainView(row: LeaseDomain, target: string | null): CustomDomainView {
  return {
    id: row.id,
    service: row.service,
    domain: row.domain,
    status: row.status,
    detail: row.detail,
    target,
    checkedAt: row.checkedAt?.toISOString() ?? null,
    served: row.appliedAt !== null,
  };
}

/** The generated host a domain of `service` must be a CNAME of, or null when the cluster has no HTTP exposure. */
export function cnameTarget(leaseId: string, service: string, ex: LeaseExposure): string | null {
  if (!ex.exposure?.ingressClass || !ex.exposure.baseDomain) return null;
  try {
    return leaseHost(service, leaseId, ex.exposure.baseDomain);
  } catch {
    return null;
  }
}

async function requireTenant(db: Db, leaseId: string, address: string | null | undefined): Promise<Lease> {
  const access = await checkLeaseAccess({ db, leaseId, address });
  if (!access.ok) {
    if (access.reason === "unauthenticated")
      throw new AppError("UNAUTHORIZED", "Sign in with your wallet first.");
    if (access.reason === "not_found") throw new AppError("NOT_FOUND", "No such lease (yet).");
    throw new AppError("FORBIDDEN", "This lease is not yours: only its tenant can change its domains.");
  }
  if (access.role !== "tenant")
    throw new AppError("FORBIDDEN", "Only the lease's tenant can add or remove its custom domains.");
  return access.lease;
}

export async function listCustomDomains(opts: { db: Db; lease: Lease; exposure?: LeaseExposure }) {
  const ex = opts.exposure ?? (await loadLeaseExposure({ db: opts.db, lease: opts.lease }));
  const rows = await opts.db
    .select()
    .from(leaseDomains)
    .where(eq(leaseDomains.leaseId, opts.lease.id))
    .orderBy(asc(leaseDomains.id));
  return rows.map((r) => toDomainView(r, cnameTarget(opts.lease.id, r.service, ex)));
}

export async function addCustomDomain(opts: {
  db: Db;
  leaseId: string;
  address: string | null | undefined;
  service: string;
  domain: string;
  dns: DnsLookup;
}): Promise<CustomDomainView> {
  const { db } = opts;
  const lease = await requireTenant(db, opts.leaseId, opts.address);
  if (lease.status !== "active")
    throw new AppError("CONFLICT", "The lease is closed: its domains can no longer change.");
  const parsed = customDomainSchema.safeParse(opts.domain);
  if (!parsed.success)
    throw new AppError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Not a valid domain.");
  const domain = parsed.data;
  if (!lease.clusterId)
    throw new AppError("CONFLICT", "The lease has no cluster yet: add the domain once it is deployed.");
  const ex = await loadLeaseExposure({ db, lease });
  const service = ex.services.find((s) => s.name === opts.service);
  if (!service) throw new AppError("BAD_REQUEST", `The lease has no service "${opts.service}".`);
  if (httpPortOf(service) === null)
    throw new AppError(
      "BAD_REQUEST",
      `Service "${service.name}" has no HTTP port: only HTTP services take a custom domain.`,
    );
  const target = cnameTarget(lease.id, service.name, ex);
  if (!target || !ex.exposure?.baseDomain)
    throw new AppError(
      "CONFLICT",
      "This lease's cluster offers no HTTP exposure: a custom domain cannot be served.",
    );
  if (isUnderDomain(domain, ex.exposure.baseDomain))
    throw new AppError(
      "BAD_REQUEST",
      `${domain} is under the provider's domain ${ex.exposure.baseDomain}: use a domain of your own.`,
    );
  const [{ n } = { n: 0 }] = await db
    .select({ n: count() })
    .from(leaseDomains)
    .where(eq(leaseDomains.leaseId, lease.id));
  if (n >= MAX_DOMAINS_PER_LEASE)
    throw new AppError("CONFLICT", `A lease has at most ${MAX_DOMAINS_PER_LEASE} custom domains.`);

  const [row] = await db
    .insert(leaseDomains)
    .values({ leaseId: lease.id, service: service.name, domain })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("CONFLICT", `${domain} is already added to a lease.`);
  const verdict = await verifyCname({ dns: opts.dns, domain, expected: target });
  const [checked] = await db
    .update(leaseDomains)
    .set({
      status: verdict.status === "unknown" ? "pending" : verdict.status,
      detail: verdict.status === "verified" ? "verified; being routed" : verdict.reason,
      checkedAt: new Date(),
    })
    .where(eq(leaseDomains.id, row.id))
    .returning();
  return toDomainView(checked ?? row, target);
}

export async function removeCustomDomain(opts: {
  db: Db;
  leaseId: string;
  address: string | null | undefined;
  domainId: number;
  clientFor: (clusterId: string) => Promise<ClusterClient>;
}): Promise<void> {
  const { db } = opts;
  const lease = await requireTenant(db, opts.leaseId, opts.address);
  const [row] = await db
    .select()
    .from(leaseDomains)
    .where(and(eq(leaseDomains.id, opts.domainId), eq(leaseDomains.leaseId, lease.id)));
  if (!row) throw new AppError("NOT_FOUND", "No such domain on this lease.");
  // An Ingress may exist even before appliedAt is set (an apply whose answer was lost): delete it
  // whenever the lease still has a namespace on a cluster.
  if (lease.clusterId && lease.status === "active")
    await deleteDomainIngress(await opts.clientFor(lease.clusterId), { id: row.id, leaseId: lease.id });
  await db.delete(leaseDomains).where(eq(leaseDomains.id, row.id));
}
