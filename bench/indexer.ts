// Indexer throughput: 10,000 market events on anvil (5 provider registrations, 5 orders and 9,990 bids,
// each provider undercutting itself on its own order so no bid can revert whatever the order of mining),
// then the time for `syncOnce` to catch up from the deploy block into an in-memory PGlite, and into a fresh
// PostgreSQL database when TEST_DATABASE_URL (or DATABASE_URL) is set.
// The bids go in as JSON-RPC batches of eth_sendTransaction (anvil's dev accounts are unlocked) with
// automine off, then blocks are mined until the pool is empty: ~15 full blocks instead of 10,000 tiny ones.
import { performance } from "node:perf_hooks";
import {
  type Address,
  createPublicClient,
  encodeFunctionData,
  http,
  numberToHex,
  type PublicClient,
} from "viem";
import { openDb } from "@/db/client";
import { createTestDb, testDatabaseUrl } from "@/db/test-db";
import { devAccounts, devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { createMarketDriver, USD } from "@/lib/chain/indexer/market-test-driver";
import { syncOnce } from "@/lib/chain/indexer/sync-once";
import { startAnvil } from "@/lib/chain/start-anvil";

const TOTAL_EVENTS = 10_000;
const PROVIDERS = [devAccounts[2], devAccounts[3], devAccounts[4], devAccounts[7], devAccounts[8]].map(
  (a) => a.address,
);

async function generateEvents(rpcUrl: string) {
  const m = await createMarketDriver({ rpcUrl, feeBps: 100 });
  const tenant = devRoles.tenants[0].address;
  await m.fund(tenant);
  const maxPrice = 100_000n * USD;
  const orders: bigint[] = [];
  for (const provider of PROVIDERS) {
    await m.register(provider, { region: "eu-west" });
    orders.push(
      await m.createOrder(
        await m.makeOrder(tenant, { maxPricePerHour: maxPrice, bidWindow: 30 * 24 * 3600 }),
      ),
    );
  }
  const bidsPerOrder = (TOTAL_EVENTS - 2 * PROVIDERS.length) / PROVIDERS.length;

  const batched = createPublicClient({
    transport: http(rpcUrl, { batch: { batchSize: 500 }, timeout: 120_000 }),
  });
  await m.test.setAutomine(false);
  const sends: Promise<unknown>[] = [];
  for (const [i, provider] of PROVIDERS.entries()) {
    const nonce = await m.pub.getTransactionCount({ address: provider, blockTag: "pending" });
    for (let k = 0; k < bidsPerOrder; k++) {
      const data = encodeFunctionData({
        abi: computeMarketAbi,
        functionName: "placeBid",
        args: [orders[i]!, provider, maxPrice - BigInt(k), []],
      });
      sends.push(
        batched.request({
          method: "eth_sendTransaction",
          params: [
            { from: provider, to: m.market, data, gas: numberToHex(120_000), nonce: numberToHex(nonce + k) },
          ],
        } as never),
      );
    }
  }
  await Promise.all(sends);
  for (;;) {
    const status = (await m.pub.request({ method: "txpool_status" } as never)) as { pending: string };
    if (Number(status.pending) === 0) break;
    await m.test.mine({ blocks: 1 });
  }
  await m.test.setAutomine(true);
  const head = await m.head();
  const logs = await m.pub.getLogs({ address: m.market, fromBlock: m.deployBlock, toBlock: head });
  return { market: m.market as Address, deployBlock: m.deployBlock, head, logs: logs.length, pub: m.pub };
}

async function timeSync(
  label: string,
  db: Parameters<typeof syncOnce>[0]["db"],
  chain: { pub: PublicClient; market: Address; deployBlock: bigint },
) {
  const started = performance.now();
  const result = await syncOnce({
    db,
    client: chain.pub,
    market: chain.market,
    startBlock: chain.deployBlock,
    confirmations: 0,
    batchSize: 2_000,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label} events=${result.events} seconds=${seconds.toFixed(2)} events_per_second=${Math.round(result.events / seconds)}`,
  );
}

async function main() {
  const anvil = await startAnvil();
  try {
    const genStart = performance.now();
    const chain = await generateEvents(anvil.rpcUrl);
    console.error(
      `generated ${chain.logs} logs in blocks ${chain.deployBlock}-${chain.head} in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
    );

    const pglite = await openDb({});
    try {
      await timeSync("indexer", pglite.db, chain);
    } finally {
      await pglite.close();
    }
    if (testDatabaseUrl()) {
      const pg = await createTestDb();
      try {
        await timeSync("indexer postgres", pg.db, chain);
      } finally {
        await pg.close();
      }
    }
  } finally {
    await anvil.stop();
  }
}

await main();
