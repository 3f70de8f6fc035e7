import "server-only";
import type { Address, Hex } from "viem";
import type { DbHandle } from "@/db/client";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { startSingletonLoop } from "@/lib/server/singleton-loop";
import { createKeeperChain } from "./keeper-chain";
import { runKeeperTick } from "./run-keeper";

// The keeper as a background job: one process at a time (advisory lock), a tick every 3 s, so an
// order settles within a few seconds of its bid window's end. Without KEEPER_PRIVATE_KEY or
// MARKET_ADDRESS it does not start (orders then wait for someone to settle them by hand).

const INTERVAL_MS = 3_000;

export async function startKeeperJob(handle: DbHandle): Promise<() => Promise<void>> {
  const config = getConfig();
  if (!config.KEEPER_PRIVATE_KEY || !config.MARKET_ADDRESS) {
    console.log("[keeper] not started: KEEPER_PRIVATE_KEY or MARKET_ADDRESS is not set");
    return async () => {};
  }
  const chain = createKeeperChain({
    privateKey: config.KEEPER_PRIVATE_KEY as Hex,
    market: config.MARKET_ADDRESS as Address,
    rpcUrl: config.RPC_URL,
    chainId: config.CHAIN_ID,
    client: getPublicClient(),
  });
  return startSingletonLoop({
    name: "keeper",
    handle,
    intervalMs: INTERVAL_MS,
    tick: async () => {
      const r = await runKeeperTick({ db: handle.db, chain });
      if (r.settled + r.closed + r.toppedUp + r.failed > 0)
        console.log(
          `[keeper] ${r.settled} settled, ${r.closed} closed, ${r.toppedUp} topped up, ${r.failed} failed`,
        );
    },
  });
}
