// Undoes everything indexed from `forkBlock` up, after a reorg replaced those blocks. Every chain-derived row
// is either a per-event row carrying its block number (chain_events, bids, payments, indexed_blocks), which is
// deleted, or an entity (order + lease, provider's on-chain part) that is a fold of its events, which is
// rebuilt from scratch by replaying its remaining stored events through the same `applyMarketEvent` the
// forward path uses. So the result equals what indexing the surviving blocks would have produced. One
// transaction: a crash leaves either the old state or the rolled-back one.
import "server-only";
import type { Db } from "@/db/client";
import { applyMarketEvent, emptyProvider, type MarketState } from "./apply-market-event";
import { isMarketEventName, type MarketEvent, parseMarketEventArgs } from "./decode-market-log";
import { deleteEventsFrom, resetCursor, saveMarketState, storedEvents } from "./market-store";

export interface RollBackOptions {
  db: Db;
  name: string;
  /** First block that is no longer on the chain. */
  forkBlock: bigint;
  /** The common ancestor (forkBlock - 1) the cursor goes back to; null = nothing indexed survives. */
  ancestor: { number: bigint; hash: string } | null;
  log?: (message: string) => void;
}

export async function rollBackToFork(opts: RollBackOptions): Promise<{ orders: number; providers: number }> {
  const log = opts.log ?? ((m: string) => console.warn(`[indexer] ${m}`));
  return opts.db.transaction(async (tx) => {
    const affected = await deleteEventsFrom(tx, opts.name, opts.forkBlock);
    const state: MarketState = { orders: new Map(), leases: new Map(), providers: new Map() };
    for (const id of affected.orderIds) {
      state.orders.set(id, null);
      state.leases.set(id, null);
    }
    for (const address of affected.providers) state.providers.set(address, emptyProvider(address));

    const remaining = await storedEvents(tx, { ...affected, beforeBlock: opts.forkBlock });
    for (const row of remaining) {
      if (!isMarketEventName(row.name)) continue;
      // Stored events were validated on the way in; parsing again restores their bigints.
      const event = {
        ...parseMarketEventArgs(row.name, row.args),
        blockNumber: row.blockNumber,
        blockHash: row.blockHash,
        logIndex: row.logIndex,
        txHash: row.txHash,
      } as MarketEvent;
      const problem = applyMarketEvent(state, event, row.at);
      if (problem) log(`replay skipped ${row.name} ${row.txHash}#${row.logIndex}: ${problem}`);
    }
    // Orders/leases left null were created in the dropped blocks: saveMarketState deletes their rows.
    await saveMarketState(tx, state);
    await resetCursor(tx, opts.name, opts.ancestor);
    return { orders: affected.orderIds.length, providers: affected.providers.length };
  });
}
