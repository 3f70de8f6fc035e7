import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";

// What the market offers right now, from the latest inventory snapshot of each cluster that is up.
// Served from the database only: never a live fan-out to clusters per request.

export interface MarketSummary {
  clusters: number;
  providers: number;
  cpuMillis: number;
  memoryBytes: number;
  gpus: Record<string, number>;
}

export async function getMarketSummary({ db }: { db: Db }): Promise<MarketSummary> {
  const rows = await db.execute<{
    provider_address: string;
    free: { cpuMillis: number; memoryBytes: number; gpus: Record<string, number> };
  }>(sql`
    select distinct on (s.cluster_id) c.provider_address, s.free
    from inventory_snapshots s join clusters c on c.id = s.cluster_id
    where c.status = 'up'
    order by s.cluster_id, s.taken_at desc`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
    provider_address: string;
    free: { cpuMillis: number; memoryBytes: number; gpus: Record<string, number> };
  }[];
  const summary: MarketSummary = {
    clusters: list.length,
    providers: 0,
    cpuMillis: 0,
    memoryBytes: 0,
    gpus: {},
  };
  const providers = new Set<string>();
  for (const row of list) {
    providers.add(row.provider_address);
    summary.cpuMillis += row.free.cpuMillis;
    summary.memoryBytes += row.free.memoryBytes;
    for (const [model, count] of Object.entries(row.free.gpus ?? {}))
      summary.gpus[model] = (summary.gpus[model] ?? 0) + count;
  }
  summary.providers = providers.size;
  return summary;
}
