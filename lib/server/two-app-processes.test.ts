import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TenantDriver, tenantDriver } from "@/bench/order";
import { ensureMarketDeployed } from "@/dev/deploy";
import { freePort } from "@/dev/free-port";
import { defaultClusters } from "@/dev/k8s-sim/default-clusters";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import { seedDemo } from "@/dev/seed";
import { type StackInfo, stackEnv, startNext, stopChild, waitForHttp } from "@/dev/stack";
import { devRoles } from "@/lib/chain/dev-accounts";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import type { LeaseStatusView, LiveMessage } from "@/lib/lease/types";
import { lockKey } from "./singleton-loop";

// Two production app processes (`next start` on the build `npm run test:e2e` makes), both with the
// background loops on, against one PostgreSQL, anvil and the Kubernetes API simulator with the seeded
// providers, through the tenant's whole flow (signed order → bids → settle → deploy → live page).
// The lock holder loses its database sessions (pg_terminate_backend), and later the holder is killed
// (SIGKILL). Each time: every bid is sent once per provider and price, every lease is deployed once
// (server-side applies counted by the simulator), every loop ends up held by exactly one process
// within a generous bound, and the live lease page (pods, events, endpoints, charts) is complete on
// every process still running. PostgreSQL only (PGlite is one process): run with TEST_DATABASE_URL.

const BASE_URL = process.env.TEST_DATABASE_URL;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LOOPS = [
  "indexer",
  "inventory",
  "bid-engine",
  "keeper",
  "custom-domains",
  "lease-controller",
  "metrics-poller",
] as const;
/** Generous: a standby retries the lock every 10 s; this asserts that failover happens, not how fast. */
const FAILOVER_BOUND_MS = 60_000;
const BID_WINDOW_S = 4;
/** Orders placed as the lock moves stay open until a standby took the bid engine (it retries every 10 s). */
const LONG_BID_WINDOW_S = 30;

if (!BASE_URL)
  console.warn(
    "two-app-processes.test.ts: skipped — set TEST_DATABASE_URL to a PostgreSQL server to run two app processes against it",
  );

interface App {
  name: string;
  url: string;
  child: ChildProcess;
  lines: string[];
  alive: boolean;
}

const until = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms: number) => {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

/** The loops a process holds, from its log ("[loop] holding the lock" / "[loop] lost the lock"). */
function held(app: App): Set<string> {
  const out = new Set<string>();
  if (!app.alive) return out;
  for (const line of app.lines) {
    const m = /\[([\w-]+)\] (holding the lock|lost the lock)/.exec(line);
    if (!m?.[1]) continue;
    if (m[2] === "holding the lock") out.add(m[1]);
    else out.delete(m[1]);
  }
  return out;
}

describe.skipIf(!BASE_URL)("two app processes on one PostgreSQL", () => {
  const dbName = `kubebid_two_apps_${randomBytes(5).toString("hex")}`;
  const admin = BASE_URL ? postgres(BASE_URL, { max: 1, onnotice: () => {} }) : null;
  let pg: ReturnType<typeof postgres>;
  let dataDir = "";
  let anvil: AnvilInstance | undefined;
  let sim: Simulator | undefined;
  let info: Omit<StackInfo, "url" | "simControlUrl">;
  let env: Record<string, string>;
  let appUrl = "";
  const apps: App[] = [];
  let tenant: TenantDriver;
  const leases: string[] = [];

  async function startApp(name: string, port: number): Promise<App> {
    const lines: string[] = [];
    const child = startNext({
      mode: "prod",
      port,
      env: { ...env, APP_URL: appUrl },
      label: name,
      onLine: (line) => lines.push(line),
    });
    const app: App = { name, url: `http://127.0.0.1:${port}`, child, lines, alive: true };
    app.child.once("exit", () => {
      app.alive = false;
    });
    await waitForHttp(`${app.url}/api/health`, app.child, 90_000);
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    if (!existsSync(path.join(root, ".next", "BUILD_ID")))
      throw new Error("two-app-processes.test.ts needs a production build: run `npx next build` first");
    await admin?.unsafe(`create database "${dbName}"`);
    const dbUrl = new URL(BASE_URL as string);
    dbUrl.pathname = `/${dbName}`;
    pg = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} });

    dataDir = mkdtempSync(path.join(os.tmpdir(), "kubebid-two-apps-"));
    anvil = await startAnvil({ port: await freePort() });
    const deployment = await ensureMarketDeployed({ rpcUrl: anvil.rpcUrl, previous: {} });
    sim = await startSimulator({ clusters: defaultClusters });
    info = {
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      ...deployment,
      dataDir,
      kubeconfigDir: dataDir,
      encryptionKey: randomBytes(32).toString("hex"),
      ingressPort: sim.ingressPort,
      ingressDomains: Object.fromEntries(sim.clusters.map((c) => [c.name, c.ingressBaseDomain])),
    };
    // KubeBid's least-privilege token per cluster, as the wizard has a provider set it up.
    const kubebidTokens = new Map<string, string>();
    for (const cluster of sim.clusters)
      kubebidTokens.set(cluster.name, await provisionKubebidAccess(cluster, sim.caPem, { via: "secret" }));
    await seedDemo({ info, sim, kubebidTokens, databaseUrl: dbUrl.toString() });
    env = stackEnv(info, {
      DATABASE_URL: dbUrl.toString(),
      BACKGROUND_JOBS: "on",
      INDEXER_INTERVAL_MS: "300",
      INVENTORY_INTERVAL_MS: "2000",
      METRICS_INTERVAL_MS: "1000",
    });
    // Behind one load balancer both processes are the same public origin.
    const [portA, portB] = [await freePort(), await freePort()];
    appUrl = `http://127.0.0.1:${portA}`;
    const a = await startApp("app-a", portA);
    // a holds every loop before b exists, so the first holder is known.
    await until("app-a to hold every loop", () => LOOPS.every((l) => held(a).has(l)), FAILOVER_BOUND_MS);
    await startApp("app-b", portB as number);
    tenant = await tenantDriver({ ...info, url: a.url }, devRoles.tenants[0].privateKey);
  }, 300_000);

  afterAll(async () => {
    for (const app of apps) if (app.alive) await stopChild(app.child).catch(() => {});
    await sim?.stop();
    await anvil?.stop();
    await pg?.end({ timeout: 5 });
    await admin?.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin?.end({ timeout: 5 });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const api = async (app: App, p: string) => {
    const res = await fetch(`${app.url}${p}`, { headers: { cookie: tenant.cookie } });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
  };

  /** A signed order (bids start); its id is the lease's once settled. */
  async function placeOrder(name: string, bidWindowSeconds = LONG_BID_WINDOW_S): Promise<string> {
    const { orderId } = await tenant.placeOrder({ bidWindowSeconds, name });
    return orderId;
  }
  /** Settles the order after its bid window and waits until its lease runs. */
  async function settleAndRun(orderId: string, via: App): Promise<void> {
    await tenant.settle(orderId);
    await until(
      `lease ${orderId} running`,
      async () => {
        const r = await api(via, `/api/leases/${orderId}`);
        if (r.status === 200 && r.body.deployState === "failed")
          throw new Error(`lease ${orderId} failed: ${r.body.deployError}`);
        return r.status === 200 && r.body.deployState === "running";
      },
      90_000,
    );
    leases.push(orderId);
  }

  /** Every loop held by exactly one live process (by its log and by PostgreSQL's lock table). */
  async function everyLoopHeldOnce(on?: App): Promise<boolean> {
    const live = apps.filter((a) => a.alive);
    for (const loop of LOOPS) {
      const holders = live.filter((a) => held(a).has(loop));
      if (holders.length !== 1) return false;
      if (on && holders[0] !== on) return false;
    }
    const rows = await pg<{ classid: string; objid: string }[]>`
      select classid::text, objid::text from pg_locks
      where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = ${dbName})`;
    const granted = new Set(rows.map((r) => `${r.classid}:${r.objid}`));
    return ["indexer:market", ...LOOPS.filter((l) => l !== "indexer")].every((name) => {
      const k = BigInt.asUintN(64, BigInt(lockKey(name)));
      return granted.has(`${k >> 32n}:${k & 0xffffffffn}`);
    });
  }

  /** Nothing done twice, over every order and lease so far. */
  async function expectNoDuplicates() {
    // One bid per provider per price: the chain's bids as the indexer recorded them.
    const twice = await pg`
      select order_id::text, provider, price::text, count(*)::int as n from bids
      group by order_id, provider, price having count(*) > 1`;
    expect(twice).toEqual([]);
    // Each provider's bids on an order go down in price, one per price change.
    const bids = await pg<{ order_id: string; provider: string; price: string }[]>`
      select order_id::text, provider, price::text from bids order by block_number, log_index`;
    const last = new Map<string, bigint>();
    for (const b of bids) {
      const key = `${b.order_id}:${b.provider}`;
      const prev = last.get(key);
      if (prev !== undefined) expect(BigInt(b.price)).toBeLessThan(prev);
      last.set(key, BigInt(b.price));
    }
    expect(bids.length).toBeGreaterThan(0);
    // No bid clashing with another sender of the operator key (nonce) or with the same bid sent
    // already (BidNotLower): the split-brain symptoms. A bid racing the end of its window
    // (BiddingClosed) happens with one process too.
    const errors = await pg<{ order_id: string; reason: string }[]>`
      select order_id::text, reason from bid_decisions where action = 'error'`;
    expect(errors.filter((e) => /nonce|BidNotLower|replacement|already known/i.test(e.reason))).toEqual([]);
    // One deploy per lease: the simulator counts every write (server-side apply) of each lease's
    // Deployment (reads, e.g. checking its strategy before an apply, are not deploys).
    const applies = new Map<string, number>();
    for (const cluster of sim?.clusters ?? [])
      for (const [p, n] of cluster.stats.writesByPath) {
        const m = /^\/apis\/apps\/v1\/namespaces\/kb-lease-(\d+)\/deployments\/[^/]+$/.exec(p);
        if (m?.[1]) applies.set(m[1], (applies.get(m[1]) ?? 0) + n);
      }
    for (const id of leases)
      expect({ lease: id, applies: applies.get(id) }).toEqual({ lease: id, applies: 1 });
  }

  /** The live lease page's data from one process: status (pods, events, endpoints), SSE and chart history. */
  async function expectLivePage(app: App, leaseId: string) {
    const complete = (s: LeaseStatusView | undefined) =>
      Boolean(
        s?.pods.some((p) => p.phase === "Running" && p.ready) &&
          s.events.length > 0 &&
          s.endpoints.length > 0,
      );
    await until(
      `${app.name}: status of lease ${leaseId} with pods, events and endpoints`,
      async () => {
        const r = await api(app, `/api/leases/${leaseId}/status`);
        return r.status === 200 && complete((r.body as { status?: LeaseStatusView }).status);
      },
      30_000,
    );
    await until(
      `${app.name}: chart history of lease ${leaseId}`,
      async () => {
        const r = await api(app, `/api/leases/${leaseId}/metrics?minutes=15`);
        return r.status === 200 && ((r.body as { samples?: unknown[] }).samples?.length ?? 0) > 0;
      },
      30_000,
    );
    // The page's live channel: a status message with everything, and usage samples for the charts.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 30_000);
    try {
      const res = await fetch(`${app.url}/api/leases/${leaseId}/live`, {
        headers: { cookie: tenant.cookie, accept: "text/event-stream" },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let status = false;
      let sample = false;
      while (!(status && sample)) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value);
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          if (!chunk.startsWith("data: ")) continue;
          const m = JSON.parse(chunk.slice(6)) as LiveMessage;
          if (m.type === "status" && complete(m.status)) status = true;
          if (m.type === "sample" && m.usage.length > 0) sample = true;
        }
      }
      await reader.cancel().catch(() => {});
      expect({ app: app.name, status, sample }).toEqual({ app: app.name, status: true, sample: true });
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }

  it("fails over without doing anything twice and serves the full live page from either process", async () => {
    const [a, b] = apps as [App, App];
    // Before anything goes wrong: a runs every loop, b serves the page from the database.
    const first = await placeOrder("before", BID_WINDOW_S);
    await settleAndRun(first, b);
    for (const app of [a, b]) await expectLivePage(app, first);
    await expectNoDuplicates();

    // 1. The holder's database sessions are terminated (what a PostgreSQL restart, a failover or a
    //    network reset does to it) while it keeps running. Orders arrive meanwhile.
    const sessions = await pg<{ pid: number }[]>`
        select distinct pid from pg_locks where locktype = 'advisory' and granted
          and database = (select oid from pg_database where datname = ${dbName})`;
    expect(sessions.length).toBeGreaterThan(0);
    const cut = a.lines.length;
    for (const s of sessions) await pg`select pg_terminate_backend(${s.pid})`;
    const during = [await placeOrder("cut-1"), await placeOrder("cut-2")];
    // a notices and stops every loop it held; each loop is then held by exactly one process.
    await until(
      "app-a to stop every loop it held",
      () => LOOPS.every((l) => a.lines.slice(cut).some((line) => line.includes(`[${l}] lost the lock`))),
      FAILOVER_BOUND_MS,
    );
    await until("every loop held by exactly one process", () => everyLoopHeldOnce(), FAILOVER_BOUND_MS);
    for (const id of during) await settleAndRun(id, b);
    await expectNoDuplicates();
    for (const app of [a, b]) for (const id of [first, ...during]) await expectLivePage(app, id);

    // 2. The process holding the lease controller is killed outright; the other takes every loop.
    const victim = held(a).has("lease-controller") ? a : b;
    const survivor = victim === a ? b : a;
    if (victim.child.pid) process.kill(-victim.child.pid, "SIGKILL");
    await until(`${victim.name} to exit`, () => !victim.alive, 30_000);
    const after = [await placeOrder("kill-1"), await placeOrder("kill-2")];
    await until(`every loop held by ${survivor.name}`, () => everyLoopHeldOnce(survivor), FAILOVER_BOUND_MS);
    for (const id of after) await settleAndRun(id, survivor);
    await expectNoDuplicates();
    for (const id of [first, ...during, ...after]) await expectLivePage(survivor, id);
  }, 600_000);
});
