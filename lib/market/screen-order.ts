import { formatBytes, formatCores } from "@/lib/market/format";
import { type OrderResources, type ProviderPricing, priceOrder } from "@/lib/market/price-order";

// Which providers could take an order, and why the others could not: attributes (region, GPU model),
// free capacity (the whole order on one cluster, each replica on one node) and price (the provider's
// own rate, by the one pricing rule, against the order's max price). Pure: the deploy form runs it
// live in the browser on offers the server read from the database.

export interface OfferNode {
  cpuMillis: number;
  memoryBytes: number;
  gpus: number;
  gpuModel: string | null;
}

export interface OfferCluster {
  id: string;
  name: string;
  region: string | null;
  free: { cpuMillis: number; memoryBytes: number; gpus: Record<string, number> };
  nodes: OfferNode[];
}

export interface ProviderOffer {
  address: string;
  name: string | null;
  region: string | null;
  pricing: ProviderPricing | null;
  registered: boolean;
  autoBid: boolean;
  clusters: OfferCluster[];
}

export interface ScreeningInput {
  /** Totals of the whole order. */
  resources: OrderResources;
  /** Per replica (to check that each replica fits on one node). */
  perReplica: { cpuMillis: number; memoryMiB: number; gpuCount: number };
  region: string | null;
  maxPricePerHour: bigint | null;
}

export interface ScreeningResult {
  address: string;
  name: string | null;
  eligible: boolean;
  reasons: string[];
  pricePerHour: bigint | null;
  autoBid: boolean;
}

const MiB = 1024 * 1024;

export function screenOrder(offers: ProviderOffer[], input: ScreeningInput): ScreeningResult[] {
  return offers
    .map((offer) => screenOne(offer, input))
    .sort((a, b) => {
      if (a.eligible !== b.eligible) return a.eligible ? -1 : 1;
      if (a.pricePerHour === null || b.pricePerHour === null) return a.pricePerHour === null ? 1 : -1;
      return a.pricePerHour < b.pricePerHour ? -1 : a.pricePerHour > b.pricePerHour ? 1 : 0;
    });
}

function screenOne(offer: ProviderOffer, input: ScreeningInput): ScreeningResult {
  const reasons: string[] = [];
  const { resources: r } = input;
  if (!offer.registered) reasons.push("not registered on-chain");
  if (offer.clusters.length === 0) reasons.push("no cluster online");

  let clusters = offer.clusters;
  if (input.region) {
    clusters = clusters.filter((c) => (c.region ?? offer.region) === input.region);
    if (offer.clusters.length > 0 && clusters.length === 0) reasons.push(`not in region ${input.region}`);
  }
  if (r.gpuCount > 0 && r.gpuModel) {
    const model = r.gpuModel;
    const withModel = clusters.filter(
      (c) => c.nodes.some((n) => n.gpuModel === model) || (c.free.gpus[model] ?? -1) >= 0,
    );
    if (clusters.length > 0 && withModel.length === 0) reasons.push(`no ${model} GPUs`);
    clusters = withModel;
  } else if (r.gpuCount > 0) {
    const withGpus = clusters.filter((c) => c.nodes.some((n) => n.gpuModel));
    if (clusters.length > 0 && withGpus.length === 0) reasons.push("no GPUs");
    clusters = withGpus;
  }

  if (clusters.length > 0) {
    const fits = clusters.some((c) => clusterFits(c, input));
    if (!fits) {
      const best = clusters.reduce((a, b) => (b.free.cpuMillis > a.free.cpuMillis ? b : a));
      const gpuFree = r.gpuModel
        ? (best.free.gpus[r.gpuModel] ?? 0)
        : Object.values(best.free.gpus).reduce((a, b) => a + b, 0);
      const parts: string[] = [];
      if (best.free.cpuMillis < r.cpuMillis) parts.push(`${formatCores(best.free.cpuMillis)} free`);
      if (best.free.memoryBytes < r.memoryMiB * MiB)
        parts.push(`${formatBytes(best.free.memoryBytes)} memory free`);
      if (r.gpuCount > gpuFree) parts.push(`${gpuFree} GPU free`);
      reasons.push(
        parts.length ? `not enough free capacity (${parts.join(", ")})` : "no single node can fit a replica",
      );
    }
  }

  let pricePerHour: bigint | null = null;
  if (!offer.pricing) reasons.push("no pricing set");
  else {
    const priced = priceOrder(offer.pricing, r);
    if (!priced.ok) reasons.push(priced.reason);
    else {
      pricePerHour = priced.pricePerHour;
      if (input.maxPricePerHour !== null && priced.pricePerHour > input.maxPricePerHour)
        reasons.push("its rate is above your max price");
    }
  }
  return {
    address: offer.address,
    name: offer.name,
    eligible: reasons.length === 0,
    reasons,
    pricePerHour,
    autoBid: offer.autoBid,
  };
}

function clusterFits(c: OfferCluster, input: ScreeningInput): boolean {
  const { resources: r, perReplica } = input;
  if (c.free.cpuMillis < r.cpuMillis || c.free.memoryBytes < r.memoryMiB * MiB) return false;
  const gpuFree = r.gpuModel
    ? (c.free.gpus[r.gpuModel] ?? 0)
    : Object.values(c.free.gpus).reduce((a, b) => a + b, 0);
  if (gpuFree < r.gpuCount) return false;
  // Every replica must land on some node (nodes are not consumed here: a cheap, optimistic check).
  return c.nodes.some(
    (n) =>
      n.cpuMillis >= perReplica.cpuMillis &&
      n.memoryBytes >= perReplica.memoryMiB * MiB &&
      n.gpus >= perReplica.gpuCount &&
      (perReplica.gpuCount === 0 || !r.gpuModel || n.gpuModel === r.gpuModel),
  );
}
