import "server-only";
import { and, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusterUptime } from "@/db/schema";
import { UPTIME_WINDOW_DAYS } from "@/lib/market/reputation";

// Each cluster's uptime over the reputation window: the share of inventory refreshes that reached it
// (cluster_uptime, counted per day by the inventory loop), percent with one decimal rounded down, so a
// single failed check shows below 100. The provider console and the provider page show it per cluster;
// reputation sums the same counts over the provider's clusters.

export interface ClusterUptime {
  upChecks: number;
  downChecks: number;
  /** null without any check in the window. */
  percent: number | null;
}

export function uptimeOf(upChecks: number, downChecks: number): ClusterUptime {
  const total = upChecks + downChecks;
  return { upChecks, downChecks, percent: total > 0 ? Math.floor((1000 * upChecks) / total) / 10 : null };
}

export async function listClusterUptime(opts: {
  db: Db;
  clusterIds: string[];
  now?: Date;
}): Promise<Map<string, ClusterUptime>> {
  if (opts.clusterIds.length === 0) return new Map();
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - UPTIME_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const rows = await opts.db
    .select({
      clusterId: clusterUptime.clusterId,
      up: sql<string>`coalesce(sum(${clusterUptime.upChecks}), 0)`,
      down: sql<string>`coalesce(sum(${clusterUptime.downChecks}), 0)`,
    })
    .from(clusterUptime)
    .where(and(inArray(clusterUptime.clusterId, opts.clusterIds), gte(clusterUptime.day, since)))
    .groupBy(clusterUptime.clusterId);
  return new Map(rows.map((r) => [r.clusterId, uptimeOf(Number(r.up), Number(r.down))]));
}
