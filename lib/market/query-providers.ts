import { z } from "zod";
import type { MarketProviderRow } from "@/lib/market/get-market-overview";

// Filtering, sorting and paging of the market's providers table, done on the server over the
// memoised overview: a market of thousands of providers sends a browser one page, not all of them.

export const providerSortKeys = [
  "name",
  "reputation",
  "cpu",
  "memory",
  "gpus",
  "price",
  "leases",
  "online",
  "seen",
] as const;
export type ProviderSortKey = (typeof providerSortKeys)[number];

const optionalNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "must be a non-negative number")
  .transform(Number)
  .optional()
  .or(z.literal("").transform(() => undefined));

export const providerQuerySchema = z.object({
  region: z.string().max(64).optional(),
  gpu: z.string().max(64).optional(),
  /** Minimum free CPU, cores. */
  minCpu: optionalNumber,
  /** Minimum free memory, GiB. */
  minMemory: optionalNumber,
  sort: z.enum(providerSortKeys).default("cpu"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export type ProviderQuery = z.output<typeof providerQuerySchema>;
export type ProviderQueryInput = z.input<typeof providerQuerySchema>;

export interface ProviderPage {
  rows: MarketProviderRow[];
  /** Providers matching the filters (all pages). */
  matched: number;
  /** Providers online, whatever the filters. */
  total: number;
  /** Filter choices over every provider online. */
  facets: { regions: string[]; gpuModels: string[] };
}

export const defaultProviderQuery: ProviderQuery = providerQuerySchema.parse({});

export function providerFacets(all: MarketProviderRow[]): ProviderPage["facets"] {
  return {
    regions: [...new Set(all.flatMap((p) => p.regions))].sort(),
    gpuModels: [...new Set(all.flatMap((p) => p.gpuModels))].sort(),
  };
}

export function queryProviders(
  all: MarketProviderRow[],
  query: ProviderQuery,
  facets: ProviderPage["facets"] = providerFacets(all),
): ProviderPage {
  const cpu = (query.minCpu ?? 0) * 1000;
  const mem = (query.minMemory ?? 0) * 2 ** 30;
  const value = (p: MarketProviderRow): number | string => {
    switch (query.sort) {
      case "name":
        return (p.name ?? p.address).toLowerCase();
      case "reputation":
        return p.reputation?.score ?? -1;
      case "cpu":
        return p.free.cpuMillis;
      case "memory":
        return p.free.memoryBytes;
      case "gpus":
        return p.free.gpus;
      case "price":
        return p.pricing ? Number(p.pricing.cpuCoreHour) : Number.POSITIVE_INFINITY;
      case "leases":
        return p.activeLeases;
      case "online":
        return p.onlineSince ? -Date.parse(p.onlineSince) : 0;
      case "seen":
        return p.lastSeenAt ? Date.parse(p.lastSeenAt) : 0;
    }
  };
  const matching = all.filter(
    (p) =>
      (!query.region || p.regions.includes(query.region)) &&
      (!query.gpu || p.gpuModels.includes(query.gpu)) &&
      p.free.cpuMillis >= cpu &&
      p.free.memoryBytes >= mem,
  );
  const sign = query.dir === "desc" ? -1 : 1;
  matching.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return (x < y ? -1 : x > y ? 1 : a.address < b.address ? -1 : 1) * sign;
  });
  return {
    rows: matching.slice(query.offset, query.offset + query.limit),
    matched: matching.length,
    total: all.length,
    facets,
  };
}
