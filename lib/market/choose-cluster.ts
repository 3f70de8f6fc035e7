import { z } from "zod";
import {
  type ClusterExposure,
  clusterExposureSchema,
  type StorageClassOffer,
  storageClassOfferSchema,
} from "@/lib/k8s/cluster-exposure";
import { fitOrder, type InventoryNode, type OfferedExposure, type Workload } from "@/lib/market/fit-order";
import { type OrderResources, type ProviderPricing, priceOrder } from "@/lib/market/price-order";

// Which of a provider's clusters would run an order, and at what price: the clusters it fits on
// (fitOrder), priced each with its own StorageClass rates (priceOrder), the cheapest taken (ties: the
// first given, so the bid engine can keep the cluster it chose before). The deploy page's screening
// and the bid engine both call this, so the price a tenant sees is the price the provider bids.

export interface CandidateCluster {
  id: string;
  name: string;
  /** The share of each node the provider offers (clusters.offer_percent). */
  offerPercent: number;
  /** The latest inventory snapshot's nodes. */
  nodes: InventoryNode[];
  /** Capacity promised on this cluster and not yet running (open bids it leads, leases deploying). */
  promised: Workload[];
  exposure: OfferedExposure | null;
  storageClasses: StorageClassOffer[];
}

export type ClusterChoice =
  | { ok: true; clusterId: string; pricePerHour: bigint }
  | {
      ok: false;
      /** Why not, one line per cluster that does not fit (named when there are several), then price. */
      reasons: string[];
      /** The lowest price among the clusters that could price it at all; null when none could. */
      pricePerHour: bigint | null;
    };

export function chooseCluster(opts: {
  clusters: CandidateCluster[];
  pricing: ProviderPricing;
  order: Workload;
  /** The order's totals (manifestTotals): what is priced. */
  totals: OrderResources;
}): ClusterChoice {
  const { clusters, order } = opts;
  // A GPU model without a price fails on every cluster alike; StorageClass rates depend on the cluster.
  const gpuPriced = priceOrder(opts.pricing, { ...opts.totals, volumes: [] });
  const misfits: string[] = [];
  let fitsSomewhere = false;
  let best: { clusterId: string; pricePerHour: bigint } | null = null;
  let lowest: bigint | null = null;
  for (const c of clusters) {
    const priced = priceOrder(opts.pricing, opts.totals, c.storageClasses);
    if (priced.ok && (lowest === null || priced.pricePerHour < lowest)) lowest = priced.pricePerHour;
    const fit = fitOrder({
      nodes: c.nodes,
      offerPercent: c.offerPercent,
      promised: c.promised,
      order,
      exposure: c.exposure,
      storageClasses: c.storageClasses,
    });
    if (!fit.ok) {
      misfits.push(clusters.length > 1 ? `${c.name}: ${fit.reason}` : fit.reason);
      continue;
    }
    fitsSomewhere = true;
    // fitOrder checked the cluster offers every class the order uses, so this prices unless a GPU does not.
    if (priced.ok && (!best || priced.pricePerHour < best.pricePerHour))
      best = { clusterId: c.id, pricePerHour: priced.pricePerHour };
  }
  if (best) return { ok: true, ...best };
  const reasons = fitsSomewhere ? [] : misfits;
  if (!gpuPriced.ok) reasons.push(gpuPriced.reason);
  return { ok: false, reasons, pricePerHour: lowest };
}

/** A cluster's exposure and StorageClasses from their jsonb columns; a value that does not parse offers nothing. */
export function clusterOffers(row: { exposure: unknown; storageClasses: unknown }): {
  exposure: ClusterExposure | null;
  storageClasses: StorageClassOffer[];
} {
  const exposure = clusterExposureSchema.nullable().safeParse(row.exposure ?? null);
  const classes = z.array(storageClassOfferSchema).safeParse(row.storageClasses ?? []);
  return {
    exposure: exposure.success ? exposure.data : null,
    storageClasses: classes.success ? classes.data : [],
  };
}
