import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import {
  createPublicClient,
  custom,
  encodeAbiParameters,
  encodeEventTopics,
  type Hex,
  http,
  pad,
  type RpcLog,
  toHex,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import {
  bids,
  bondEvents,
  chainEvents,
  downtimeRefunds,
  indexedBlocks,
  indexerCursor,
  leases,
  meta,
  orders,
  payments,
  providerBondSnapshots,
  providers,
  reputationAttestations,
  sealedBids,
} from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { attributeId } from "@/lib/chain/order-types";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { compareWithChain, dumpIndexedTables } from "./compare-with-chain";
import { type IndexerClient, indexRange } from "./index-range";
import { createMarketDriver, type MarketDriver, USD } from "./market-test-driver";
import { startIndexer } from "./start-indexer";
import { syncOnce } from "./sync-once";
import { waitForIndexed } from "./wait-for-indexed";

// One anvil, one market, every flow the contract has; then the indexed database is compared with the
// contract's views, and re-indexing (twice, after a restart, through a node refusing large ranges, through
// a node serving junk logs) must end in exactly the same rows.

const quiet = () => {};
const [p0, p1, p2] = devRoles.providers.map((p) => p.address);
const [t0, t1] = devRoles.tenants.map((t) => t.address);
const operator = devRoles.bidEngineOperator.address;
const relayer = devRoles.e2e[0].address;

let anvil: AnvilInstance;
let m: MarketDriver;
let main: Awaited<ReturnType<typeof createTestDb>>;
// Opening a database costs seconds (PGlite compiles WASM): tests share one scratch database, wiped between.
let scratch: Awaited<ReturnType<typeof createTestDb>>;
const ids: Record<string, bigint> = {};

async function runFlows() {
  for (const who of [t0!, t1!]) await m.fund(who);
  await m.register(p0!, {
    operator,
    region: "eu-west",
    gpus: ["nvidia-a100"],
    attributes: [["tier", "gold"]],
  });
  await m.register(p1!, { region: "us-east" });
  await m.register(p2!, {});
  await m.setOperator(p1!, operator);
  await m.update(p0!, {
    region: "eu-west",
    gpus: ["nvidia-a100", "nvidia-h100"],
    attributes: [["tier", "gold"]],
  });
  await m.deregister(p2!);

  // A: auction with undercuts, settled after the window; withdraw, top-up, closed by the tenant with a refund.
  ids.a = await m.createOrder(await m.makeOrder(t0!));
  await m.bid(operator, ids.a, p0!, 2n * USD);
  await m.bid(p1!, ids.a, p1!, 19n * (USD / 10n));
  await m.bid(operator, ids.a, p0!, 18n * (USD / 10n));
  // B: relayed with the tenant's signature, with a required attribute; accepted early, then exhausted.
  const eu = attributeId("region", "eu-west");
  ids.b = await m.relayOrder(await m.makeOrder(t1!, { requiredAttributes: [eu], deposit: USD }), relayer);
  await m.bid(operator, ids.b, p0!, USD, [eu]);
  await m.accept(t1!, ids.b);
  await m.attestStart(ids.b);
  // C: cancelled; D: expires without a bid; E: stays open with a bid.
  ids.c = await m.createOrder(await m.makeOrder(t0!));
  await m.bid(p1!, ids.c, p1!, USD);
  await m.cancel(t0!, ids.c);
  ids.d = await m.createOrder(await m.makeOrder(t0!));
  ids.e = await m.createOrder(await m.makeOrder(t1!, { bidWindow: 30 * 24 * 3600 }));
  await m.bid(operator, ids.e, p1!, USD / 2n);

  await m.advance(601);
  await m.settle(relayer, ids.a);
  await m.attestStart(ids.a);
  await m.settle(relayer, ids.d);
  await m.advance(3600);
  await m.withdraw(relayer, ids.a);
  await m.topUp(t0!, ids.a, 10n * USD);
  await m.advance(1800);
  await m.close(t0!, ids.a, "done");
  // B (1 USD/h, 1 USD deposit) ran out of escrow long ago: anyone may close it.
  await m.close(relayer, ids.b, "exhausted");
}

const counts = async (db: DbHandle["db"]) => {
  const n = async (t: typeof orders | typeof leases | typeof bids | typeof payments | typeof chainEvents) =>
    (await db.select({ n: count() }).from(t))[0]?.n;
  return {
    orders: await n(orders),
    leases: await n(leases),
    bids: await n(bids),
    payments: await n(payments),
    events: await n(chainEvents),
  };
};

async function wipe(db: DbHandle["db"]) {
  for (const t of [
    bondEvents,
    providerBondSnapshots,
    downtimeRefunds,
    reputationAttestations,
    sealedBids,
    chainEvents,
    bids,
    payments,
    leases,
    orders,
    providers,
    indexerCursor,
    indexedBlocks,
    meta,
  ]) {
    await db.delete(t);
  }
  return db;
}

/** A second database that can be closed and reopened with its data (a restarted process). */
async function reopenableDb() {
  if (main.engine === "postgres") {
    // A database of its own (dropped by `cleanup`), opened through fresh connections each time.
    const own = await createTestDb();
    return { open: () => openDb({ url: own.url! }), cleanup: () => own.close() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "kubebid-indexer-"));
  return {
    open: () => openDb({ dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl, feeBps: 100 });
  [main, scratch] = await Promise.all([createTestDb(), createTestDb()]);
  await runFlows();
});

afterAll(async () => {
  await main?.close();
  await scratch?.close();
  await anvil?.stop();
});

describe("syncOnce on anvil", () => {
  it("indexes every flow into the same state the contract's views report", async () => {
    const head = await m.head();
    const result = await syncOnce({
      db: main.db,
      client: m.pub,
      market: m.market,
      startBlock: m.deployBlock,
      confirmations: 0,
      log: quiet,
    });
    expect(result.from).toBe(m.deployBlock);
    expect(result.to).toBe(head);
    expect(await compareWithChain(main.db, m.pub, m.market)).toEqual([]);

    const logs = await m.pub.getLogs({ address: m.market, fromBlock: m.deployBlock, toBlock: head });
    const named = (name: string) =>
      logs.filter(
        (l) =>
          l.topics[0] === encodeEventTopics({ abi: computeMarketAbi, eventName: name as "BidPlaced" })[0],
      );
    expect(await counts(main.db)).toEqual({
      orders: 5,
      leases: 2,
      bids: named("BidPlaced").length,
      // 5 deposits, 1 top-up, 2 refunds (C, D), A: withdraw (net + fee) and close (net + fee + refund),
      // B: close (net + fee; its escrow was used up, no refund).
      payments: 5 + 1 + 2 + 2 + 3 + 2,
      events: result.events,
    });

    const [a] = await main.db.select().from(orders).where(eq(orders.id, ids.a!.toString()));
    expect(a).toMatchObject({
      status: "leased",
      bidCount: 3,
      bestProvider: p0!.toLowerCase(),
      bestPrice: "1800000",
    });
    expect(a?.resources).toEqual({
      cpuMillis: 2000,
      memoryMiB: 4096,
      storageMiB: 10240,
      gpuCount: 0,
      gpuModel: null,
    });
    const [b] = await main.db.select().from(orders).where(eq(orders.id, ids.b!.toString()));
    expect(b?.requiredAttributes).toEqual([attributeId("region", "eu-west")]);
    const [leaseA] = await main.db.select().from(leases).where(eq(leases.id, ids.a!.toString()));
    expect(leaseA).toMatchObject({ status: "closed", closeReason: "done", deposit: "58000000", feeBps: 100 });
    const [leaseB] = await main.db.select().from(leases).where(eq(leases.id, ids.b!.toString()));
    expect(leaseB).toMatchObject({ status: "closed", closeReason: "exhausted", withdrawn: "1000000" });
    const statuses = Object.fromEntries((await main.db.select().from(orders)).map((o) => [o.id, o.status]));
    expect(statuses).toEqual({
      [ids.a!.toString()]: "leased",
      [ids.b!.toString()]: "leased",
      [ids.c!.toString()]: "cancelled",
      [ids.d!.toString()]: "expired",
      [ids.e!.toString()]: "open",
    });

    const provs = Object.fromEntries((await main.db.select().from(providers)).map((p) => [p.address, p]));
    expect(provs[p0!.toLowerCase()]).toMatchObject({
      registered: true,
      operator: operator.toLowerCase(),
      attributes: ["region=eu-west", "gpu=nvidia-a100", "gpu=nvidia-h100", "tier=gold"],
    });
    expect(provs[p1!.toLowerCase()]).toMatchObject({
      registered: true,
      operator: operator.toLowerCase(),
      attributes: ["region=us-east"],
    });
    expect(provs[p2!.toLowerCase()]).toMatchObject({ registered: false, operator: null, attributes: [] });
    expect(provs[p2!.toLowerCase()]?.registeredAt).toBeInstanceOf(Date);
  });

  it("changes nothing when run again or when a range is re-indexed", async () => {
    const before = await dumpIndexedTables(main.db);
    const again = await syncOnce({
      db: main.db,
      client: m.pub,
      market: m.market,
      startBlock: m.deployBlock,
      confirmations: 0,
      log: quiet,
    });
    expect(again).toEqual({ from: null, to: null, events: 0 });
    const [cursor] = await main.db.select().from(indexerCursor);
    const redo = await indexRange({
      db: main.db,
      client: m.pub,
      market: m.market,
      fromBlock: m.deployBlock,
      toBlock: cursor!.blockNumber,
      log: quiet,
    });
    expect(redo.applied).toBe(0);
    expect(redo.events).toBeGreaterThan(20);
    expect(await dumpIndexedTables(main.db)).toEqual(before);
    const [cursorAfter] = await main.db.select().from(indexerCursor);
    expect(cursorAfter?.blockNumber).toBe(cursor?.blockNumber);
  });

  it("resumes after a restart mid-way, in small batches, ending in the same rows", async () => {
    const head = await m.head();
    const half = m.deployBlock + (head - m.deployBlock) / 2n;
    const db2 = await reopenableDb();
    try {
      let handle = await db2.open();
      // First process: two batches of 5 blocks, then it "crashes" (the handle is closed, memory dropped).
      const first = await syncOnce({
        db: handle.db,
        client: m.pub,
        market: m.market,
        startBlock: m.deployBlock,
        confirmations: 0,
        batchSize: 5,
        maxBatches: 2,
        log: quiet,
      });
      expect(first.to).toBe(m.deployBlock + 9n);
      await indexRange({
        db: handle.db,
        client: m.pub,
        market: m.market,
        fromBlock: m.deployBlock + 10n,
        toBlock: half,
        log: quiet,
      });
      await handle.close();

      handle = await db2.open();
      const second = await syncOnce({
        db: handle.db,
        client: m.pub,
        market: m.market,
        startBlock: m.deployBlock,
        confirmations: 0,
        batchSize: 7,
        log: quiet,
      });
      expect(second.from).toBe(half + 1n);
      expect(second.to).toBe(head);
      expect(await dumpIndexedTables(handle.db)).toEqual(await dumpIndexedTables(main.db));
      expect(await counts(handle.db)).toEqual(await counts(main.db));
      await handle.close();
    } finally {
      await db2.cleanup();
    }
  });

  it("shrinks the batch when the node refuses large ranges, and honours confirmations", async () => {
    const db = { db: await wipe(scratch.db) };
    try {
      let refused = 0;
      const client: IndexerClient = {
        getBlock: m.pub.getBlock,
        getBlockNumber: m.pub.getBlockNumber,
        // Bond snapshots are read from the contract at each batch's last block.
        readContract: m.pub.readContract,
        getLogs: ((args: { fromBlock: bigint; toBlock: bigint }) => {
          if (args.toBlock - args.fromBlock >= 8n) {
            refused++;
            return Promise.reject(new Error("query exceeds max block range 8"));
          }
          return m.pub.getLogs(args as never);
        }) as IndexerClient["getLogs"],
      };
      const head = await m.head();
      const result = await syncOnce({
        db: db.db,
        client,
        market: m.market,
        startBlock: m.deployBlock,
        confirmations: 3,
        log: quiet,
      });
      expect(refused).toBeGreaterThan(0);
      expect(result.to).toBe(head - 3n);
      await syncOnce({
        db: db.db,
        client,
        market: m.market,
        startBlock: m.deployBlock,
        confirmations: 0,
        log: quiet,
      });
      expect(await dumpIndexedTables(db.db)).toEqual(await dumpIndexedTables(main.db));
    } finally {
    }
  });

  it("skips malformed and foreign logs a node serves, and writes nothing for a failed batch", async () => {
    const db = { db: await wipe(scratch.db) };
    try {
      const upstream = createPublicClient({ transport: http(anvil.rpcUrl) });
      const bidTopics = encodeEventTopics({
        abi: computeMarketAbi,
        eventName: "BidPlaced",
        args: { orderId: ids.e!, provider: p1! },
      }) as Hex[];
      // Raw JSON-RPC logs (hex quantities), as the node would send them.
      const junk = (log: RpcLog, i: number): RpcLog[] => [
        // Another contract's log.
        { ...log, address: m.token, logIndex: toHex(1000 + i) },
        // BidPlaced with its data cut short.
        { ...log, topics: bidTopics as RpcLog["topics"], data: "0x1234", logIndex: toHex(2000 + i) },
        // BidPlaced decoding fine but with a zero price, which the contract can never emit.
        {
          ...log,
          topics: bidTopics as RpcLog["topics"],
          data: encodeAbiParameters([{ type: "address" }, { type: "uint96" }], [operator, 0n]),
          logIndex: toHex(3000 + i),
        },
        // An event the ABI does not know.
        { ...log, topics: [pad("0xdead")], logIndex: toHex(4000 + i) },
      ];
      const transport = custom({
        async request({ method, params }) {
          const result: unknown = await upstream.request({ method, params } as never);
          if (method !== "eth_getLogs" || !Array.isArray(result) || result.length === 0) return result;
          const logs = result as RpcLog[];
          return [...logs, ...junk(logs[0]!, logs.length)];
        },
      });
      const client = createPublicClient({ transport });
      const skippedMessages: string[] = [];
      await syncOnce({
        db: db.db,
        client,
        market: m.market,
        startBlock: m.deployBlock,
        confirmations: 0,
        log: (msg) => skippedMessages.push(msg),
      });
      expect(skippedMessages.some((s) => s.includes("undecodable"))).toBe(true);
      expect(skippedMessages.some((s) => s.includes("invalid BidPlaced"))).toBe(true);
      expect(skippedMessages.some((s) => s.toLowerCase().includes(`log of ${m.token.toLowerCase()}`))).toBe(
        true,
      );
      expect(await dumpIndexedTables(db.db)).toEqual(await dumpIndexedTables(main.db));

      // A batch whose block fetch fails half-way leaves no trace.
      const fresh = { db: await wipe(scratch.db) };
      try {
        let calls = 0;
        const flaky: IndexerClient = {
          getBlockNumber: m.pub.getBlockNumber,
          getLogs: m.pub.getLogs,
          getBlock: ((args: never) =>
            ++calls > 3
              ? Promise.reject(new Error("connection reset"))
              : m.pub.getBlock(args)) as unknown as IndexerClient["getBlock"],
        };
        await expect(
          indexRange({
            db: fresh.db,
            client: flaky,
            market: m.market,
            fromBlock: m.deployBlock,
            toBlock: await m.head(),
            log: quiet,
          }),
        ).rejects.toThrow("connection reset");
        expect(await counts(fresh.db)).toEqual({ orders: 0, leases: 0, bids: 0, payments: 0, events: 0 });
        expect(await fresh.db.select().from(indexerCursor)).toEqual([]);
      } finally {
      }
    } finally {
    }
  });

  it("runs as a singleton loop that follows new blocks", async () => {
    await wipe(scratch.db);
    const db = scratch;
    const stop = startIndexer({
      handle: db,
      client: m.pub,
      market: m.market,
      startBlock: m.deployBlock,
      confirmations: 0,
      intervalMs: 50,
      log: quiet,
    });
    try {
      const receipt = await m.bid(operator, ids.e!, p1!, USD / 4n);
      await waitForIndexed({ db: db.db, block: receipt.blockNumber, timeoutMs: 20_000 });
      const [e] = await db.db.select().from(orders).where(eq(orders.id, ids.e!.toString()));
      expect(e).toMatchObject({ bidCount: 2, bestPrice: (USD / 4n).toString() });
      expect(await compareWithChain(db.db, m.pub, m.market)).toEqual([]);
    } finally {
      await stop();
    }
  });
});
