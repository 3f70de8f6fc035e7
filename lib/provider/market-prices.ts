import "server-only";
import { desc, eq, isNotNull, ne } from "drizzle-orm";
import type { Hex } from "viem";
import type { Db } from "@/db/client";
import { leases, orders, providers } from "@/db/schema";
import { fromBytes32Text } from "@/lib/chain/order-types";
import type { ProviderPricing } from "@/lib/market/price-order";

// What the market pays, for the wizard's pricing preview: recent winning prices with what those
// orders asked for, and the unit prices other providers set.

export interface MarketPrices {
  recentWins: {
    orderId: string;
    pricePerHour: string;
    resources: {
      cpuMillis: number;
      memoryMiB: number;
      storageMiB: number;
      gpuCount: number;
      gpuModel: string | null;
    };
  }[];
  providers: { name: string; pricing: ProviderPricing }[];
}

export async function getMarketPrices(opts: { db: Db; exclude?: string }): Promise<MarketPrices> {
  const wins = await opts.db
    .select({ orderId: leases.orderId, pricePerHour: leases.pricePerHour, resources: orders.resources })
    .from(leases)
    .innerJoin(orders, eq(orders.id, leases.orderId))
    .orderBy(desc(leases.startedAt))
    .limit(10);
  const others = await opts.db
    .select({ name: providers.name, pricing: providers.pricing, address: providers.address })
    .from(providers)
    .where(opts.exclude ? ne(providers.address, opts.exclude.toLowerCase()) : isNotNull(providers.pricing));
  return {
    recentWins: wins.map((w) => {
      const r = w.resources as Record<string, unknown>;
      const raw = typeof r.gpuModel === "string" ? r.gpuModel : "";
      const gpuModel = (/^0x[0-9a-fA-F]{64}$/.test(raw) ? fromBytes32Text(raw as Hex) : raw) || null;
      return {
        orderId: w.orderId,
        pricePerHour: w.pricePerHour,
        resources: {
          cpuMillis: Number(r.cpuMillis ?? 0),
          memoryMiB: Number(r.memoryMiB ?? 0),
          storageMiB: Number(r.storageMiB ?? 0),
          gpuCount: Number(r.gpuCount ?? 0),
          gpuModel,
        },
      };
    }),
    providers: others
      .filter((p): p is typeof p & { pricing: ProviderPricing } => p.pricing !== null)
      .map((p) => ({ name: p.name ?? `${p.address.slice(0, 8)}…`, pricing: p.pricing })),
  };
}
