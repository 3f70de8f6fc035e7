import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ProviderPricing } from "@/db/schema";
import { clusterOffers } from "@/lib/market/choose-cluster";
import { inventoryNodesSchema } from "@/lib/market/fit-order";
import { loadPromisedCapacity, promisedOn } from "@/lib/market/load-promised-capacity";
import { listProviderBonds } from "@/lib/market/market-integrity";
import { rowsOf } from "@/lib/market/rows";
import type { ProviderOffer } from "@/lib/market/screen-order";

// Every provider with its attested reputation and what it could sell right now and how its bid engine bids (strategy, step) (latest snapshot of each cluster that is up) and
// its pricing, the offered share of each cluster, its exposure and StorageClasses (with their prices) and
// what it has already promised there (the same as
// the bid engine counts): the input of the deploy form's screening and estimate. From the database only.

export async function getOffers({
  db,
}: {
  db: Db;
}): Promise<{ offers: ProviderOffer[]; recentPrices: RecentPrice[] }> {
  const [providerRes, clusterRes, priceRes, promised] = await Promise.all([
    db.execute(
      sql`select address, name, region, pricing, registered, auto_bid, bid_strategy, undercut_step, reputation from providers`,
    ),
    db.execute(sql`
      select distinct on (s.cluster_id) s.cluster_id, c.name, c.provider_address, coalesce(s.region, c.region) as region,
        c.offer_percent, c.exposure, c.storage_classes, c.gpu_metrics, s.nodes
      from inventory_snapshots s join clusters c on c.id = s.cluster_id
      where c.status = 'up'
      order by s.cluster_id, s.taken_at desc`),
    db.execute(sql`
      select l.price_per_hour, o.resources from leases l join orders o on o.id = l.order_id
      order by l.started_at desc limit 50`),
    loadPromisedCapacity({ db }),
  ]);
  const bonds = await listProviderBonds(db);
  const offers = new Map<string, ProviderOffer>();
  for (const p of rowsOf<{
    address: string;
    name: string | null;
    region: string | null;
    pricing: ProviderPricing | null;
    registered: boolean;
    auto_bid: boolean;
    bid_strategy: "floor" | "undercut";
    undercut_step: string;
    reputation: number | null;
  }>(providerRes)) {
    offers.set(p.address, {
      address: p.address,
      name: p.name,
      region: p.region,
      pricing: p.pricing,
      registered: p.registered,
      autoBid: p.auto_bid,
      bidStrategy: p.bid_strategy === "floor" ? "floor" : "undercut",
      undercutStep: String(p.undercut_step),
      clusters: [],
      reputation: Number(p.reputation ?? 0),
      freeBond: bonds.get(p.address)?.free ?? null,
    });
  }
  for (const c of rowsOf<{
    cluster_id: string;
    name: string;
    provider_address: string;
    region: string | null;
    offer_percent: number;
    exposure: unknown;
    storage_classes: unknown;
    gpu_metrics: boolean;
    nodes: unknown;
  }>(clusterRes)) {
    const offer = offers.get(c.provider_address);
    // A snapshot that does not parse counts as no inventory, as in the bid engine.
    const nodes = inventoryNodesSchema.safeParse(c.nodes);
    if (!offer || !nodes.success) continue;
    offer.clusters.push({
      id: c.cluster_id,
      name: c.name,
      region: c.region,
      offerPercent: Number(c.offer_percent),
      nodes: nodes.data,
      gpuMetrics: c.gpu_metrics === true,
      ...offered(clusterOffers({ exposure: c.exposure, storageClasses: c.storage_classes })),
      promised: promisedOn(promised, { provider: c.provider_address.toLowerCase(), clusterId: c.cluster_id }),
    });
  }
  return {
    offers: [...offers.values()],
    recentPrices: rowsOf<{ price_per_hour: string; resources: { cpuMillis?: number } | null }>(priceRes).map(
      (r) => ({
        pricePerHour: String(r.price_per_hour),
        cpuMillis: Number(r.resources?.cpuMillis ?? 0),
      }),
    ),
  };
}

/** Only what the fit reads of a cluster's exposure: its ingress namespace, labels and TLS stay private. */
function offered(o: ReturnType<typeof clusterOffers>) {
  const x = o.exposure;
  return {
    storageClasses: o.storageClasses,
    exposure: x ? { ingressClass: x.ingressClass, baseDomain: x.baseDomain, ports: x.ports } : null,
  };
}

export interface RecentPrice {
  pricePerHour: string;
  cpuMillis: number;
}
