import { z } from "zod";
import type { StorageClassOffer } from "@/lib/k8s/cluster-exposure";

// One pricing rule for the whole market: a provider's hourly price for an order is the sum of its
// unit prices times what the order asks for. Used by the bid engine (what to bid), the wizard's
// live preview, and the deploy form's estimate. Persistent volumes are priced by the cluster that
// would hold them: each volume's size × that cluster's price per GiB-hour of its StorageClass
// (clusters.storage_classes), so the same order may cost more on one cluster than another. Prices are token base units (6 decimals) per hour,
// carried as decimal strings so they survive JSON; arithmetic is exact in bigint (rounded up to
// the next base unit, so a provider never bids below its own rates).

const units = z.string().regex(/^[0-9]{1,30}$/, "must be a whole number of token base units");

export const providerPricingSchema = z
  .object({
    cpuCoreHour: units,
    memoryGibHour: units,
    storageGibHour: units,
    gpuHour: z.record(z.string().min(1).max(64), units).default({}),
  })
  .strict();

export type ProviderPricingInput = z.input<typeof providerPricingSchema>;
export type ProviderPricing = z.output<typeof providerPricingSchema>;

export interface OrderResources {
  cpuMillis: number;
  memoryMiB: number;
  storageMiB: number;
  gpuCount: number;
  gpuModel: string | null;
  /** Persistent volumes per StorageClass, in MiB (manifestTotals); none when absent. */
  volumes?: { storageClass: string; sizeMiB: number }[];
}

export type PriceResult = { ok: true; pricePerHour: bigint } | { ok: false; reason: string };

/** `storageClasses`: the offers of the cluster the order would run on (needed when it has volumes). */
export function priceOrder(
  pricing: ProviderPricing,
  resources: OrderResources,
  storageClasses: StorageClassOffer[] = [],
): PriceResult {
  // Each term is (quantity in its unit's thousandths/1024ths) × price, divided once at the end.
  const cpu = BigInt(resources.cpuMillis) * BigInt(pricing.cpuCoreHour); // / 1000
  const memory = BigInt(resources.memoryMiB) * BigInt(pricing.memoryGibHour); // / 1024
  const storage = BigInt(resources.storageMiB) * BigInt(pricing.storageGibHour); // / 1024
  let volumes = 0n; // / 1024
  for (const v of resources.volumes ?? []) {
    const offer = storageClasses.find((c) => c.name === v.storageClass);
    if (!offer) return { ok: false, reason: `no price for StorageClass "${v.storageClass}"` };
    volumes += BigInt(v.sizeMiB) * BigInt(offer.pricePerGiBHour);
  }
  let gpu = 0n;
  if (resources.gpuCount > 0) {
    const model = resources.gpuModel ?? cheapestGpu(pricing);
    const price = model ? pricing.gpuHour[model] : undefined;
    if (!model || price === undefined) {
      return { ok: false, reason: `no price set for GPU ${resources.gpuModel ?? "(any model)"}` };
    }
    gpu = BigInt(resources.gpuCount) * BigInt(price);
  }
  const numerator = cpu * 1024n + (memory + storage + volumes) * 1000n; // common denominator 1000 × 1024
  const total = ceilDiv(numerator, 1_024_000n) + gpu;
  return { ok: true, pricePerHour: total };
}

function cheapestGpu(pricing: ProviderPricing): string | undefined {
  let best: [string, bigint] | undefined;
  for (const [model, price] of Object.entries(pricing.gpuHour)) {
    const p = BigInt(price);
    if (!best || p < best[1]) best = [model, p];
  }
  return best?.[0];
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a + b - 1n) / b;
}

/** Token amounts for people: 6-decimal base units to "1.234567" with trailing zeros trimmed (min 2 decimals). */
export function formatTokenAmount(units: bigint | string, decimals = 6): string {
  const value = BigInt(units);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  let fraction = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole.toLocaleString("en-US")}.${fraction}`;
}

/** "1.5" (tokens) to base units; throws on more than `decimals` decimals or bad input. */
export function parseTokenAmount(text: string, decimals = 6): bigint {
  const match = /^\s*([0-9]+)(?:\.([0-9]*))?\s*$/.exec(text);
  if (!match) throw new Error("not a token amount");
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) throw new Error(`at most ${decimals} decimals`);
  return BigInt(match[1] ?? "0") * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}
