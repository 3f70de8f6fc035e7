// GET /api/health – state of the database, the chain RPC and each registered cluster; 503 when a required part is down.
import { sql } from "drizzle-orm";
import { NextResponse } from "next/server";
import { clusters } from "@/db/schema";
import { route } from "@/lib/api/handler";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";

export const GET = route({}, async ({ db }) => {
  const config = getConfig();
  const [database, chain] = await Promise.all([
    timed(async () => {
      await db.execute(sql`select 1`);
      return { engine: config.embeddedDatabase ? "pglite" : "postgresql" };
    }),
    timed(async () => {
      const client = getPublicClient();
      const [chainId, block] = await Promise.all([client.getChainId(), client.getBlockNumber()]);
      if (chainId !== config.CHAIN_ID)
        throw new Error(`RPC is on chain ${chainId}, expected ${config.CHAIN_ID}`);
      return { chainId, block: block.toString(), market: config.MARKET_ADDRESS ?? null };
    }),
  ]);
  const clusterRows =
    database.ok === true
      ? await db
          .select({
            id: clusters.id,
            name: clusters.name,
            status: clusters.status,
            lastSeenAt: clusters.lastSeenAt,
            lastError: clusters.lastError,
          })
          .from(clusters)
      : [];
  const ok = database.ok && chain.ok;
  return NextResponse.json(
    {
      status: ok ? "ok" : "degraded",
      database,
      chain,
      clusters: clusterRows.map((c) => ({ ...c, ok: c.status === "up" })),
    },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});

async function timed<T>(fn: () => Promise<T>) {
  const started = performance.now();
  try {
    const value = await fn();
    return { ok: true as const, latencyMs: Math.round(performance.now() - started), ...value };
  } catch (error) {
    return {
      ok: false as const,
      latencyMs: Math.round(performance.now() - started),
      error: (error as Error).message.split("\n")[0],
    };
  }
}
