import "server-only";
import type { Address, Hex } from "viem";
import type { DbHandle } from "@/db/client";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { listProviderReputations } from "@/lib/market/reputation";
import { startSingletonLoop } from "@/lib/server/singleton-loop";
import { createDeployerChain } from "./deployer-chain";
import { type DeployerState, type ProviderScore, runDeployerTick } from "./run-deployer";

// The deployer as a background job: one process at a time (advisory lock), a tick every 2 s (starts
// are attested within seconds of Running; downtime every ATTEST_DOWNTIME_INTERVAL_MS; reputation every
// 5 min). Without DEPLOYER_PRIVATE_KEY or MARKET_ADDRESS it does not start: then no lease's start is
// attested, so no lease accrues, and every lease is cancelled with a refund once its start deadline
// passes (the keeper's cancelUnstarted).

const INTERVAL_MS = 2_000;
const REPUTATION_INTERVAL_MS = 300_000;

export async function startDeployerJob(handle: DbHandle): Promise<() => Promise<void>> {
  const config = getConfig();
  if (!config.DEPLOYER_PRIVATE_KEY || !config.MARKET_ADDRESS) {
    console.log(
      "[deployer] not started: DEPLOYER_PRIVATE_KEY or MARKET_ADDRESS is not set (no lease start is attested; leases are cancelled at their start deadline)",
    );
    return async () => {};
  }
  const chain = createDeployerChain({
    privateKey: config.DEPLOYER_PRIVATE_KEY as Hex,
    market: config.MARKET_ADDRESS as Address,
    rpcUrl: config.RPC_URL,
    chainId: config.CHAIN_ID,
    client: getPublicClient(),
  });
  const state: DeployerState = { lastDowntimeAt: 0, lastReputationAt: 0 };
  return startSingletonLoop({
    name: "deployer",
    handle,
    intervalMs: INTERVAL_MS,
    tick: async () => {
      const r = await runDeployerTick({
        db: handle.db,
        chain,
        state,
        downtimeIntervalMs: config.ATTEST_DOWNTIME_INTERVAL_MS,
        reputationIntervalMs: REPUTATION_INTERVAL_MS,
        reputations: async (): Promise<ProviderScore[]> =>
          (await listProviderReputations(handle.db)).map((r) => ({ provider: r.address, score: r.score })),
      });
      if (r.started + r.downtimeLeases + r.reputations + r.failed > 0)
        console.log(
          `[deployer] ${r.started} started, ${r.downtimeSeconds} s downtime refunded on ${r.downtimeLeases} lease(s), ${r.reputations} reputation(s), ${r.failed} failed`,
        );
    },
  });
}
