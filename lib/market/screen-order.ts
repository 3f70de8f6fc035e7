import { fitOrder, type InventoryNode, orderWorkload, type Workload } from "@/lib/market/fit-order";
import { type OrderResources, type ProviderPricing, priceOrder } from "@/lib/market/price-order";

// Which providers could take an order, and why the others could not: region, whether some cluster
// fits it (lib/market/fit-order.ts, the same fit the bid engine runs before it bids: node by node,
// taints, GPU model, ephemeral storage, the provider's offered share and what it has promised) and
// price (the provider's own rate, by the one pricing rule, against the order's max price). Pure: the
// deploy form runs it live in the browser on offers the server read from the database.

export interface OfferCluster {
  id: string;
  name: string;
  region: string | null;
  /** The share of each node the provider offers (clusters.offer_percent). */
  offerPercent: number;
  /** The latest inventory snapshot's nodes. */
  nodes: InventoryNode[];
  /** Capacity promised on this cluster and not yet running (open bids it leads, leases deploying). */
  promised: Workload[];
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
  /** The manifest's replica count: each replica must fit on one node. */
  replicas: number;
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
  if (clusters.length > 0) {
    const order = orderWorkload(r, input.replicas);
    const misfits: string[] = [];
    for (const c of clusters) {
      const fit = fitOrder({ nodes: c.nodes, offerPercent: c.offerPercent, promised: c.promised, order });
      if (fit.ok) {
        misfits.length = 0;
        break;
      }
      misfits.push(clusters.length > 1 ? `${c.name}: ${fit.reason}` : fit.reason);
    }
    reasons.push(...misfits);
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
