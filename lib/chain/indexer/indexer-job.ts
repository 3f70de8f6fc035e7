// The indexer as a server background job, configured from the environment (lib/config.ts).
import "server-only";
import type { Address } from "viem";
import type { DbHandle } from "@/db/client";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { startIndexer } from "./start-indexer";

export async function startIndexerJob(handle: DbHandle): Promise<() => Promise<void>> {
  const config = getConfig();
  if (!config.MARKET_ADDRESS) {
    console.log("[indexer] MARKET_ADDRESS is not set; the indexer is off");
    return async () => {};
  }
  return startIndexer({
    handle,
    client: getPublicClient(),
    market: config.MARKET_ADDRESS as Address,
    startBlock: config.MARKET_DEPLOY_BLOCK,
    confirmations: config.CONFIRMATIONS,
    intervalMs: config.INDEXER_INTERVAL_MS,
  });
}
