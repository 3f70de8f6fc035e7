// Test and tooling helper: resolves once the indexer's cursor has reached a block (e.g. a transaction's
// receipt.blockNumber), so a caller can read the tables knowing that block is in them.
import "server-only";
import type { Db } from "@/db/client";
import { DEFAULT_INDEXER_NAME } from "./index-range";
import { readCursor } from "./market-store";

export interface WaitForIndexedOptions {
  db: Db;
  block: bigint;
  name?: string;
  timeoutMs?: number;
  pollMs?: number;
}

export async function waitForIndexed(opts: WaitForIndexedOptions): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const cursor = await readCursor(opts.db, opts.name ?? DEFAULT_INDEXER_NAME);
    if (cursor && cursor.blockNumber >= opts.block) return;
    if (Date.now() > deadline) {
      throw new Error(
        `indexer did not reach block ${opts.block} in time (at ${cursor?.blockNumber ?? "none"})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 100));
  }
}
