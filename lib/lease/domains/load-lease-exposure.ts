import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters, type Lease, manifests, orders } from "@/db/schema";
import { type ClusterExposure, clusterExposureSchema } from "@/lib/k8s/cluster-exposure";
import { type ManifestService, manifestSchema, manifestServices } from "@/lib/market/manifest";

// What decides a lease's public addresses: its cluster's exposure (IngressClass, base domain, TLS,
// TCP/UDP offer) and its manifest's services and ports. Null exposure: the lease has no cluster yet,
// or its cluster declared none.

export interface LeaseExposure {
  exposure: ClusterExposure | null;
  services: ManifestService[];
}

export async function loadLeaseExposure({ db, lease }: { db: Db; lease: Lease }): Promise<LeaseExposure> {
  const [[cluster], [row]] = await Promise.all([
    lease.clusterId
      ? db.select({ exposure: clusters.exposure }).from(clusters).where(eq(clusters.id, lease.clusterId))
      : Promise.resolve([]),
    db
      .select({ body: manifests.body })
      .from(orders)
      .innerJoin(manifests, eq(manifests.specHash, sql`lower(${orders.specHash})`))
      .where(eq(orders.id, lease.orderId)),
  ]);
  const exposure = clusterExposureSchema.safeParse(cluster?.exposure);
  const manifest = manifestSchema.safeParse(row?.body);
  return {
    exposure: exposure.success ? exposure.data : null,
    services: manifest.success ? manifestServices(manifest.data).services : [],
  };
}

/** The port a service's generated host routes to: its first HTTP port (build-lease-objects.ts). */
export function httpPortOf(service: ManifestService): number | null {
  return service.ports?.find((p) => p.expose === "http")?.port ?? null;
}
