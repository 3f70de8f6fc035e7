// The running indexer: `syncOnce` on a timer in exactly one app process (a singleton loop holding an
// advisory lock), restarting from the database cursor after any crash or restart; failed ticks back off.
import "server-only";
import type { Address } from "viem";
import type { DbHandle } from "@/db/client";
import { startSingletonLoop } from "@/lib/server/singleton-loop";
import { DEFAULT_INDEXER_NAME, type IndexerClient } from "./index-range";
import { type SyncOnceResult, syncOnce } from "./sync-once";

export interface StartIndexerOptions {
  handle: DbHandle;
  client: IndexerClient;
  market: Address;
  startBlock: bigint;
  confirmations: number;
  intervalMs: number;
  batchSize?: number;
  name?: string;
  log?: (message: string) => void;
  /** Called after each pass that indexed something (tests, metrics). */
  onSync?: (result: SyncOnceResult) => void;
}

/** Start the loop; the returned function stops it (waiting for a running pass) and releases the lock. */
export function startIndexer(opts: StartIndexerOptions): () => Promise<void> {
  const name = opts.name ?? DEFAULT_INDEXER_NAME;
  const log = opts.log ?? ((m: string) => console.log(`[indexer] ${m}`));
  return startSingletonLoop({
    name: `indexer:${name}`,
    handle: opts.handle,
    intervalMs: opts.intervalMs,
    log,
    tick: async () => {
      const result = await syncOnce({
        db: opts.handle.db,
        client: opts.client,
        market: opts.market,
        startBlock: opts.startBlock,
        confirmations: opts.confirmations,
        batchSize: opts.batchSize,
        name,
        log,
      });
      if (result.to !== null) opts.onSync?.(result);
    },
  });
}
