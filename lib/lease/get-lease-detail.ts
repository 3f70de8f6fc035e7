import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters, type Lease, manifests, orders, payments, providers } from "@/db/schema";
import { loadLeaseExposure } from "@/lib/lease/domains/load-lease-exposure";
import { listCustomDomains } from "@/lib/lease/domains/manage-custom-domains";
import { listPublicEndpoints } from "@/lib/lease/public-endpoints";
import { readLeaseTerms } from "@/lib/lease/read-lease-terms";
import { readServiceLevel } from "@/lib/lease/read-service-level";
import { readChainClock } from "@/lib/market/chain-reads";
import { deploymentView } from "@/lib/market/deployment-view";
import { manifestSchema } from "@/lib/market/manifest";

// Everything the lease page shows that is not live: the lease (indexer + controller columns), its
// order and its deployment (the stored manifest as deploymentView shows it: services, totals, secret
// names, never a secret's digest or value), the provider, payments, and the escrow's terms as the chain sees them right now
// with a chain clock reading: the page computes balance, spent and runway from time (leaseMoneyAt).
// Also its public URLs and custom domains, and its service level (attested start or the start
// deadline, uptime and downtime, SLA refunds, a cancellation for never starting).

export async function getLeaseDetail({ db, lease }: { db: Db; lease: Lease }) {
  const [[order], [provider], paymentRows, terms, cluster, clock, serviceLevel] = await Promise.all([
    db.select().from(orders).where(eq(orders.id, lease.orderId)),
    db
      .select({ name: providers.name, region: providers.region })
      .from(providers)
      .where(eq(providers.address, lease.provider)),
    db.select().from(payments).where(eq(payments.leaseId, lease.id)).orderBy(asc(payments.at)),
    readLeaseTerms(lease),
    lease.clusterId
      ? db
          .select({ name: clusters.name, region: clusters.region })
          .from(clusters)
          .where(eq(clusters.id, lease.clusterId))
      : Promise.resolve([]),
    readChainClock(),
    readServiceLevel({ db, lease }),
  ]);
  const [manifest] = order
    ? await db
        .select({ body: manifests.body })
        .from(manifests)
        // The spec the lease runs now: the order's until a spec update.
        .where(eq(manifests.specHash, (lease.specHash ?? order.specHash).toLowerCase()))
    : [];
  const parsed = manifest ? manifestSchema.safeParse(manifest.body) : null;
  const exposure = await loadLeaseExposure({ db, lease });
  const domains = await listCustomDomains({ db, lease, exposure });
  const closed = terms.status === "closed";
  return {
    id: lease.id,
    orderId: lease.orderId,
    tenant: lease.tenant,
    provider: lease.provider,
    providerName: provider?.name ?? null,
    pricePerHour: lease.pricePerHour,
    withdrawn: lease.withdrawn,
    startedAt: lease.startedAt.toISOString(),
    endsAt: lease.endsAt?.toISOString() ?? null,
    closedAt: lease.closedAt?.toISOString() ?? null,
    closeReason: lease.closeReason,
    status: closed ? ("closed" as const) : lease.status,
    deployState: lease.deployState,
    deployError: lease.deployError,
    namespace: lease.namespace,
    cluster: cluster[0] ?? null,
    order: order
      ? {
          createdAt: order.createdAt.toISOString(),
          bidCount: order.bidCount,
          bidWindowEndsAt: order.bidWindowEndsAt.toISOString(),
          resources: order.resources,
          maxPricePerHour: order.maxPricePerHour,
          deposit: order.deposit,
          durationSeconds: order.durationSeconds,
          specHash: order.specHash,
        }
      : null,
    deployment: parsed?.success ? deploymentView(parsed.data) : null,
    payments: paymentRows.map((p) => ({
      kind: p.kind,
      amount: p.amount,
      account: p.account,
      at: p.at.toISOString(),
      txHash: p.txHash,
    })),
    terms,
    clock,
    serviceLevel,
    /** Public URLs and NodePorts (the page adds NodePorts from the live status) and custom domains. */
    publicEndpoints: listPublicEndpoints({
      leaseId: lease.id,
      exposure: exposure.exposure,
      services: exposure.services,
      verifiedDomains: domains.filter((d) => d.status === "verified" && d.served),
    }),
    domains,
    updatedAt: lease.updatedAt.toISOString(),
  };
}

export type LeaseDetail = Awaited<ReturnType<typeof getLeaseDetail>>;
