import { type BondParams, bondRequired } from "@/lib/market/bond-required";
import { type CandidateCluster, chooseCluster } from "@/lib/market/choose-cluster";
import { manifestWorkload, type Workload } from "@/lib/market/fit-order";
import { type Manifest, manifestTotals } from "@/lib/market/manifest";
import { formatTokenAmount, type OrderResources, type ProviderPricing } from "@/lib/market/price-order";

// Which providers could take an order, and why the others could not: region, whether some cluster
// fits it (lib/market/fit-order.ts through choose-cluster.ts, exactly what the bid engine runs before
// it bids: StorageClasses, exposure, node by node, taints, GPU model, ephemeral storage, the
// provider's offered share and what it has promised) and price (the provider's own rate on the
// cluster it would use, by the one pricing rule, against the order's max price). Pure: the deploy
// form runs it live in the browser, on the manifest the tenant is editing and offers the server read
// from the database.
//
// Market integrity, as the bid engine checks it before it sends anything: the provider's on-chain reputation
// against the order's minimum, and its free bond against what its first bid would lock (bondRequired at
// the price it would bid: its rate with the floor strategy, the max with undercut; a sealed commit locks
// at the max). Offers without bond data are not bond-screened (an older server); input without bond
// parameters neither.

export interface OfferCluster extends CandidateCluster {
  region: string | null;
  /** The probe found a DCGM exporter: GPU utilisation is exposed (clusters.gpu_metrics). */
  gpuMetrics?: boolean;
}

export interface ProviderOffer {
  address: string;
  name: string | null;
  region: string | null;
  pricing: ProviderPricing | null;
  registered: boolean;
  autoBid: boolean;
  /** Its bid engine's open-auction strategy (also how its first bid is priced) and step (token base
   * units), for the price estimate and screening. */
  bidStrategy?: "floor" | "undercut";
  undercutStep?: string;
  clusters: OfferCluster[];
  /** On-chain reputation score 0..100 (0 before any attestation). */
  reputation?: number;
  /** Free bond as last indexed, token base units (decimal string); null: never bonded. */
  freeBond?: string | null;
}

export interface ScreeningInput {
  /** The validated manifest (v1 or v2): its services, volumes and exposure are what is fitted. */
  manifest: Manifest;
  region: string | null;
  maxPricePerHour: bigint | null;
  /** The order's minimum on-chain reputation (0 or absent: none). */
  minReputation?: number;
  /** With bond parameters: screen each provider's free bond against what its bid would lock. */
  durationSeconds?: number;
  bond?: BondParams | null;
  auctionFormat?: "open" | "sealed";
}

export interface ScreeningResult {
  address: string;
  name: string | null;
  eligible: boolean;
  reasons: string[];
  /** The provider's rate on the cluster it would use (or its lowest, when none fits). */
  pricePerHour: bigint | null;
  autoBid: boolean;
}

export function screenOrder(offers: ProviderOffer[], input: ScreeningInput): ScreeningResult[] {
  const order = manifestWorkload(input.manifest);
  const totals = manifestTotals(input.manifest);
  return offers
    .map((offer) => screenOne(offer, input, order, totals))
    .sort((a, b) => {
      if (a.eligible !== b.eligible) return a.eligible ? -1 : 1;
      if (a.pricePerHour === null || b.pricePerHour === null) return a.pricePerHour === null ? 1 : -1;
      return a.pricePerHour < b.pricePerHour ? -1 : a.pricePerHour > b.pricePerHour ? 1 : 0;
    });
}

function screenOne(
  offer: ProviderOffer,
  input: ScreeningInput,
  order: Workload,
  totals: OrderResources,
): ScreeningResult {
  const reasons: string[] = [];
  if (!offer.registered) reasons.push("not registered on-chain");
  const minReputation = input.minReputation ?? 0;
  if ((offer.reputation ?? 0) < minReputation)
    reasons.push(
      `on-chain reputation ${offer.reputation ?? 0} is below the order's minimum ${minReputation}`,
    );
  if (offer.clusters.length === 0) reasons.push("no cluster online");

  let clusters = offer.clusters;
  if (input.region) {
    clusters = clusters.filter((c) => (c.region ?? offer.region) === input.region);
    if (offer.clusters.length > 0 && clusters.length === 0) reasons.push(`not in region ${input.region}`);
  }

  let pricePerHour: bigint | null = null;
  if (!offer.pricing) reasons.push("no pricing set");
  else if (clusters.length > 0) {
    const choice = chooseCluster({ clusters, pricing: offer.pricing, order, totals });
    pricePerHour = choice.pricePerHour;
    if (!choice.ok) reasons.push(...choice.reasons);
    else if (input.maxPricePerHour !== null && choice.pricePerHour > input.maxPricePerHour)
      reasons.push("its rate is above your max price");
    else if (
      reasons.length === 0 &&
      input.bond &&
      input.durationSeconds !== undefined &&
      offer.freeBond !== undefined
    ) {
      const sealed = input.auctionFormat === "sealed";
      // Without a max price (the deploy form's first pass), a bid at the max is judged at the rate.
      const atMax = (sealed || offer.bidStrategy === "undercut") && input.maxPricePerHour !== null;
      const bidAt = atMax && input.maxPricePerHour !== null ? input.maxPricePerHour : choice.pricePerHour;
      const required = bondRequired(bidAt, input.durationSeconds, input.bond);
      const free = BigInt(offer.freeBond ?? "0");
      if (required > free) {
        const what = sealed ? "a sealed commit (locked at the max price)" : "a bid";
        reasons.push(
          `${what} at ${formatTokenAmount(bidAt)}/h locks ${formatTokenAmount(required)} of bond, ${formatTokenAmount(free)} free (deposit more bond)`,
        );
      }
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
