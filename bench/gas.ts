// Gas used by each ComputeMarket operation on a real anvil, as `gas <operation> <gasUsed>` lines
// (plus the target where there is one). Run: npm run bench:gas

import { type GasTarget, runGasScenario } from "@/bench/gas-scenario";
import { startAnvil } from "@/lib/chain/start-anvil";

const TARGETS: Record<string, GasTarget> = {
  createOrder: 160_000,
  placeBid_first: 50_000,
  placeBid_undercut: 50_000,
  settle_after_1_bid: 120_000,
  settle_after_10_bids: 120_000,
  settle_after_100_bids: 120_000,
  withdraw: 60_000,
};

const anvil = await startAnvil();
let failed = false;
try {
  const results = await runGasScenario(anvil.rpcUrl);
  for (const [op, gas] of results) {
    const target = TARGETS[op];
    const verdict =
      target === undefined
        ? ""
        : gas <= BigInt(target)
          ? ` (target ≤ ${target}: ok)`
          : ` (target ≤ ${target}: OVER)`;
    if (target !== undefined && gas > BigInt(target)) failed = true;
    console.log(`gas ${op} ${gas}${verdict}`);
  }
} finally {
  await anvil.stop();
}
if (failed) process.exitCode = 1;
