import "server-only";
import type { DbHandle } from "@/db/client";
import { startSingletonLoop } from "@/lib/server/singleton-loop";
import { createChainBidder } from "./chain-bidder";
import { runBidEngineTick } from "./run-bid-engine";

// The bid engine as a background job: one process at a time (advisory lock), a tick every 2 s.
// Without OPERATOR_PRIVATE_KEY or MARKET_ADDRESS there is nothing to bid with: it does not start.

const INTERVAL_MS = 2_000;

export async function startBidEngineJob(handle: DbHandle): Promise<() => Promise<void>> {
  const chain = createChainBidder();
  if (!chain) {
    console.log("[bid-engine] not started: OPERATOR_PRIVATE_KEY or MARKET_ADDRESS is not set");
    return async () => {};
  }
  return startSingletonLoop({
    name: "bid-engine",
    handle,
    intervalMs: INTERVAL_MS,
    tick: async () => {
      const r = await runBidEngineTick({ db: handle.db, chain });
      if (r.bids > 0 || r.commits > 0 || r.reveals > 0)
        console.log(
          `[bid-engine] ${r.bids} bid(s) placed, ${r.commits} sealed commit(s), ${r.reveals} reveal(s), ${r.decisions} decision(s) recorded`,
        );
    },
  });
}
