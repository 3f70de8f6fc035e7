// One catch-up pass of the indexer: check the cursor is still on the chain (else roll back to the common
// ancestor), then index from the cursor to head - confirmations in batches of at most `batchSize` blocks,
// each batch its own transaction. The batch halves when the node refuses a range and grows back after.
import "server-only";
import { eq } from "drizzle-orm";
import type { Address } from "viem";
import type { Db } from "@/db/client";
import { meta } from "@/db/schema";
import { DEFAULT_INDEXER_NAME, type IndexerClient, indexRange, LogRangeError } from "./index-range";
import { readCursor, rememberedBlocks } from "./market-store";
import { rollBackToFork } from "./roll-back-to-fork";
import { withRpcRetry } from "./with-rpc-retry";

export interface SyncOnceOptions {
  db: Db;
  client: IndexerClient;
  market: Address;
  /** Where indexing starts when there is no cursor: the market's deploy block. */
  startBlock: bigint;
  /** Blocks below head that are not indexed yet (0 on anvil). */
  confirmations: number;
  /** Most blocks per eth_getLogs call and per transaction (default 2,000). */
  batchSize?: number;
  name?: string;
  /** Stop after this many batches (default: catch up fully). */
  maxBatches?: number;
  log?: (message: string) => void;
}

export interface SyncOnceResult {
  /** First and last block indexed by this pass; null when already caught up. */
  from: bigint | null;
  to: bigint | null;
  /** Market events found in the indexed blocks. */
  events: number;
  /** Blocks rolled back because of a reorg, if one was found. */
  reorg?: { forkBlock: bigint };
}

const DEFAULT_BATCH_SIZE = 2_000;

export async function syncOnce(opts: SyncOnceOptions): Promise<SyncOnceResult> {
  const { db, client, market } = opts;
  const name = opts.name ?? DEFAULT_INDEXER_NAME;
  const log = opts.log ?? ((m: string) => console.warn(`[indexer] ${m}`));
  const maxBatch = BigInt(Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE));
  await checkMarket(db, name, market);

  const head = await withRpcRetry(() => client.getBlockNumber({ cacheTime: 0 }));
  const target = head - BigInt(opts.confirmations);
  const result: SyncOnceResult = { from: null, to: null, events: 0 };

  let cursor = await readCursor(db, name);
  if (cursor && !(await isOnChain(client, cursor.blockNumber, cursor.blockHash))) {
    const ancestor = await findCommonAncestor(db, client, name, opts.startBlock);
    const forkBlock = ancestor ? ancestor.number + 1n : opts.startBlock;
    log(`reorg: block ${cursor.blockNumber} is no longer on the chain; rolling back from block ${forkBlock}`);
    await rollBackToFork({ db, name, forkBlock, ancestor, log });
    result.reorg = { forkBlock };
    cursor = await readCursor(db, name);
  }

  let from = cursor ? cursor.blockNumber + 1n : opts.startBlock;
  let batch = maxBatch;
  let batches = 0;
  while (from <= target && (opts.maxBatches === undefined || batches < opts.maxBatches)) {
    const to = from + batch - 1n < target ? from + batch - 1n : target;
    try {
      const indexed = await indexRange({ db, client, market, fromBlock: from, toBlock: to, name, log });
      result.from ??= from;
      result.to = to;
      result.events += indexed.events;
      from = to + 1n;
      batches++;
      if (batch < maxBatch) batch = batch * 2n < maxBatch ? batch * 2n : maxBatch;
    } catch (error) {
      if (!(error instanceof LogRangeError) || batch === 1n) throw error;
      batch = batch / 2n;
      log(`${error.message}; retrying with ${batch} block(s) per batch`);
    }
  }
  return result;
}

/** Refuse to mix two markets' data in one database (e.g. MARKET_ADDRESS changed under a kept database). */
async function checkMarket(db: Db, name: string, market: Address): Promise<void> {
  const key = `indexer:${name}:market`;
  const value = market.toLowerCase();
  const [row] = await db.select().from(meta).where(eq(meta.key, key));
  if (!row) {
    await db.insert(meta).values({ key, value }).onConflictDoNothing();
  } else if (row.value !== value) {
    throw new Error(
      `this database was indexed from market ${row.value}, not ${value}; use a fresh database for a new market`,
    );
  }
}

async function isOnChain(client: IndexerClient, number: bigint, hash: string): Promise<boolean> {
  try {
    const block = await withRpcRetry(() => client.getBlock({ blockNumber: number }), {
      // A block above the new head is simply gone; no point retrying.
      retryable: (e) => !(e instanceof Error && e.name === "BlockNotFoundError"),
    });
    return block.hash.toLowerCase() === hash.toLowerCase();
  } catch (error) {
    if (error instanceof Error && error.name === "BlockNotFoundError") return false;
    throw error;
  }
}

/** The newest remembered block still on the chain; null when none is (re-index from the start block). */
async function findCommonAncestor(db: Db, client: IndexerClient, name: string, startBlock: bigint) {
  for (const block of await rememberedBlocks(db, name)) {
    if (block.number < startBlock) break;
    if (await isOnChain(client, block.number, block.hash)) return block;
  }
  return null;
}
