// Indexes one block range of the market's events: fetch the logs, validate them, fetch the timestamps of the
// blocks that have events, then write everything — chain_events, bids, payments, the orders/leases/providers
// they change, the remembered block hashes and the cursor — in ONE database transaction, so a crash never
// leaves half a range. Re-running a range is a no-op (events already in chain_events are not re-applied).
import "server-only";
import type { Address, Hex, PublicClient } from "viem";
import type { Db } from "@/db/client";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { applyMarketEvent, bondTouches, emptyEventRows, eventKeys } from "./apply-market-event";
import { decodeMarketLog, type MarketEvent } from "./decode-market-log";
import {
  advanceCursor,
  type BondSnapshot,
  eventKey,
  insertBondSnapshots,
  insertChainEvents,
  insertEventRows,
  loadMarketState,
  readCursor,
  rememberBlocks,
  saveMarketState,
} from "./market-store";
import { withRpcRetry } from "./with-rpc-retry";

/**
 * The RPC calls the indexer makes. `readContract` reads providers' bonds (getBond) after events that may
 * change them; a client without it (some tests) indexes everything but the bond snapshots.
 */
export type IndexerClient = Pick<PublicClient, "getBlock" | "getBlockNumber" | "getLogs"> &
  Partial<Pick<PublicClient, "readContract">>;

export const DEFAULT_INDEXER_NAME = "market";

export interface IndexRangeOptions {
  db: Db;
  client: IndexerClient;
  market: Address;
  fromBlock: bigint;
  toBlock: bigint;
  /** Cursor name (default "market"). */
  name?: string;
  log?: (message: string) => void;
}

export interface IndexRangeResult {
  /** Valid market events found in the range. */
  events: number;
  /** Of those, how many were new (not indexed before). */
  applied: number;
  /** Logs skipped as malformed or inconsistent. */
  skipped: number;
}

/** The chain changed under a batch (a reorg while it was read): nothing was written; retry later. */
export class ChainChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainChangedError";
  }
}

/** eth_getLogs failed for the range (often: the node refuses ranges this large). */
export class LogRangeError extends Error {
  constructor(
    readonly fromBlock: bigint,
    readonly toBlock: bigint,
    cause: unknown,
  ) {
    super(`eth_getLogs ${fromBlock}-${toBlock} failed: ${(cause as Error)?.message?.split("\n")[0]}`, {
      cause,
    });
    this.name = "LogRangeError";
  }
}

const BLOCK_FETCH_CONCURRENCY = 16;

export async function indexRange(opts: IndexRangeOptions): Promise<IndexRangeResult> {
  const { db, client, market, fromBlock, toBlock } = opts;
  const name = opts.name ?? DEFAULT_INDEXER_NAME;
  const log = opts.log ?? ((m: string) => console.warn(`[indexer] ${m}`));
  if (toBlock < fromBlock) throw new Error(`empty range ${fromBlock}-${toBlock}`);

  const blockAt = (blockNumber: bigint) => withRpcRetry(() => client.getBlock({ blockNumber }));
  const last = await blockAt(toBlock);
  const first = fromBlock === toBlock ? last : await blockAt(fromBlock);

  // No retry here: the caller shrinks the range instead, which is what a node refusing large ranges needs.
  const logs = await client.getLogs({ address: market, fromBlock, toBlock }).catch((error: unknown) => {
    throw new LogRangeError(fromBlock, toBlock, error);
  });

  const events: MarketEvent[] = [];
  let skipped = 0;
  for (const raw of logs) {
    const result = decodeMarketLog(raw, market);
    if ("event" in result) {
      const { blockNumber } = result.event;
      if (blockNumber < fromBlock || blockNumber > toBlock) {
        skipped++;
        log(`skipped log outside ${fromBlock}-${toBlock} (block ${blockNumber})`);
      } else {
        events.push(result.event);
      }
    } else if ("skipped" in result) {
      skipped++;
      log(`skipped log ${raw.transactionHash}#${raw.logIndex}: ${result.skipped}`);
    }
  }
  // Chain order, whatever order the node answered in; duplicates (same position) are dropped.
  events.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  const unique = events.filter((e, i) => i === 0 || eventKey(e) !== eventKey(events[i - 1]!));

  // Timestamps (and hashes) of the blocks with events; each log must come from the block we timestamp.
  const blocks = new Map<bigint, { hash: Hex; at: Date }>();
  blocks.set(toBlock, { hash: last.hash, at: new Date(Number(last.timestamp) * 1000) });
  const numbers = [...new Set(unique.map((e) => e.blockNumber))].filter((n) => !blocks.has(n));
  for (let i = 0; i < numbers.length; i += BLOCK_FETCH_CONCURRENCY) {
    const fetched = await Promise.all(numbers.slice(i, i + BLOCK_FETCH_CONCURRENCY).map(blockAt));
    for (const b of fetched) blocks.set(b.number, { hash: b.hash, at: new Date(Number(b.timestamp) * 1000) });
  }
  for (const e of unique) {
    if (blocks.get(e.blockNumber)?.hash.toLowerCase() !== e.blockHash) {
      throw new ChainChangedError(`log in block ${e.blockNumber} has hash ${e.blockHash}, the block another`);
    }
  }
  // The last block's hash commits to every block below it: unchanged means the range did not reorg meanwhile.
  if ((await blockAt(toBlock)).hash !== last.hash) throw new ChainChangedError(`block ${toBlock} changed`);

  const located = unique.map((e) => ({ ...e, at: blocks.get(e.blockNumber)!.at, ...eventKeys(e) }));
  let applied = 0;
  await db.transaction(async (tx) => {
    // The range must extend the indexed chain: if the cursor's block was replaced since syncOnce checked it,
    // write nothing; the next pass sees the cursor off the chain and rolls back.
    const cursor = await readCursor(tx, name);
    if (
      cursor &&
      cursor.blockNumber === fromBlock - 1n &&
      cursor.blockHash !== first.parentHash.toLowerCase()
    ) {
      throw new ChainChangedError(
        `block ${fromBlock} does not follow the indexed block ${cursor.blockNumber}`,
      );
    }
    const fresh = await insertChainEvents(tx, located);
    const toApply = located.filter((e) => fresh.has(eventKey(e)));
    applied = toApply.length;
    if (toApply.length > 0) {
      const state = await loadMarketState(tx, {
        orderIds: toApply.flatMap((e) => (e.orderId ? [e.orderId] : [])),
        providers: toApply.flatMap((e) => (e.provider ? [e.provider] : [])),
      });
      const rows = emptyEventRows();
      const bondProviders = new Set<string>();
      for (const e of toApply) {
        for (const p of bondTouches(state, e)) bondProviders.add(p);
        const problem = applyMarketEvent(state, e, e.at, rows);
        if (problem) {
          skipped++;
          log(`skipped ${e.name} ${e.txHash}#${e.logIndex}: ${problem}`);
        }
        for (const p of bondTouches(state, e)) bondProviders.add(p);
      }
      // The bond is read, not folded: placeBid and settle move locks without a bond event. Read at the
      // range's last block (whose hash was checked above), so a reorg that drops it drops these rows too.
      await insertBondSnapshots(
        tx,
        await readBonds(client, market, [...bondProviders], toBlock, blocks.get(toBlock)!.at),
      );
      // Untouched entities loaded only to be read (none today) would be rewritten unchanged: harmless.
      await saveMarketState(tx, pruneUnknown(state));
      await insertEventRows(tx, rows);
    }
    await rememberBlocks(
      tx,
      name,
      [...blocks].map(([number, b]) => ({ number, hash: b.hash.toLowerCase() })),
      toBlock,
    );
    await advanceCursor(tx, name, { number: toBlock, hash: last.hash.toLowerCase() });
  });
  return { events: unique.length, applied, skipped };
}

const BOND_READ_CONCURRENCY = 16;

async function readBonds(
  client: IndexerClient,
  market: Address,
  providers: string[],
  blockNumber: bigint,
  at: Date,
): Promise<BondSnapshot[]> {
  if (!client.readContract || providers.length === 0) return [];
  const reader = client as Pick<PublicClient, "readContract">;
  const out: BondSnapshot[] = [];
  for (let i = 0; i < providers.length; i += BOND_READ_CONCURRENCY) {
    const batch = providers.slice(i, i + BOND_READ_CONCURRENCY);
    const bonds = await Promise.all(
      batch.map((provider) =>
        withRpcRetry(() =>
          reader.readContract({
            address: market,
            abi: computeMarketAbi,
            functionName: "getBond",
            args: [provider as Address],
            blockNumber,
          }),
        ),
      ),
    );
    bonds.forEach((b, j) => {
      out.push({
        provider: batch[j]!,
        blockNumber,
        total: b.total,
        locked: b.locked,
        unbonding: b.unbonding,
        unbondAt: Number(b.unbondAt),
        at,
      });
    });
  }
  return out;
}

/** Orders/leases still null were only looked up (e.g. a bid on an unknown order): nothing to write or delete. */
function pruneUnknown<T extends { orders: Map<string, unknown>; leases: Map<string, unknown> }>(state: T): T {
  for (const [id, row] of state.orders) if (row === null) state.orders.delete(id);
  for (const [id, row] of state.leases) if (row === null) state.leases.delete(id);
  return state;
}
