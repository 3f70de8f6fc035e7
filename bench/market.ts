import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
// @ts-expect-error autocannon ships no type declarations
import autocannon from "autocannon";
import { openDb } from "../db/client";
import { clusters, type InventoryNode, inventorySnapshots, providers } from "../db/schema";
import { freePort } from "../dev/free-port";
import { makeClusters } from "../dev/k8s-sim/default-clusters";
import { cpuMillis, memoryBytes } from "../lib/k8s/quantity";

// `npm run bench:market`: GET /api/market (the market page's data route) under concurrent load, with
// 1,000 providers of 10 nodes each seeded directly into the database (one cluster and a few
// inventory snapshots per provider), on the production build with background jobs off. Prints p50,
// p95 and requests per second. Run `npx next build` first.

const PROVIDERS = 1000;
const NODES = 10;
const CONNECTIONS = 20;
const DURATION_S = 15;

const dataDir = mkdtempSync(path.join(os.tmpdir(), "kubebid-bench-market-"));
let child: ChildProcess | undefined;
try {
  console.log(`seeding ${PROVIDERS} providers × ${NODES} nodes into ${dataDir}…`);
  const handle = await openDb({ dataDir: path.join(dataDir, "pglite") });
  const specs = makeClusters(PROVIDERS, NODES);
  const now = Date.now();
  for (let start = 0; start < specs.length; start += 100) {
    const batch = specs.slice(start, start + 100);
    const provRows = batch.map((s, i) => ({
      address: `0x${(start + i + 1).toString(16).padStart(40, "0")}`,
      name: `Bench provider ${start + i}`,
      region: s.region ?? null,
      pricing: {
        cpuCoreHour: String(10_000 + ((start + i) % 50) * 100),
        memoryGibHour: "3000",
        storageGibHour: "100",
        gpuHour: { "NVIDIA-L4": "380000" },
      },
      registered: true,
      autoBid: true,
    }));
    await handle.db.insert(providers).values(provRows);
    const clusterRows = await handle.db
      .insert(clusters)
      .values(
        batch.map((s, i) => ({
          providerAddress: provRows[i]?.address ?? "",
          name: s.name,
          kubeconfigEnc: "bench",
          server: `https://bench-${start + i}.example:6443`,
          status: "up" as const,
          region: s.region ?? null,
          lastSeenAt: new Date(),
        })),
      )
      .returning({ id: clusters.id });
    const snapshots = batch.flatMap((s, i) => {
      const nodes: InventoryNode[] = s.nodes.map((n) => {
        const cpu = cpuMillis(n.cpu);
        const mem = memoryBytes(n.memory);
        return {
          name: n.name,
          region: s.region ?? null,
          ready: true,
          schedulable: true,
          allocatable: { cpuMillis: cpu, memoryBytes: mem, pods: 110, gpus: n.gpus ?? 0 },
          free: {
            cpuMillis: Math.floor(cpu * 0.7),
            memoryBytes: Math.floor(mem * 0.7),
            pods: 100,
            gpus: n.gpus ?? 0,
          },
          gpuModel: n.gpuProduct ?? null,
        };
      });
      const totals = (k: "allocatable" | "free") => {
        const gpus: Record<string, number> = {};
        for (const n of nodes) if (n.gpuModel) gpus[n.gpuModel] = (gpus[n.gpuModel] ?? 0) + n[k].gpus;
        return {
          cpuMillis: nodes.reduce((a, n) => a + n[k].cpuMillis, 0),
          memoryBytes: nodes.reduce((a, n) => a + n[k].memoryBytes, 0),
          gpus,
        };
      };
      // Three readings over the last hour per cluster (history for the capacity chart).
      return [40, 20, 0].map((minutesAgo) => ({
        clusterId: clusterRows[i]?.id ?? "",
        takenAt: new Date(now - minutesAgo * 60_000),
        region: s.region ?? null,
        allocatable: totals("allocatable"),
        free: totals("free"),
        nodes,
      }));
    });
    await handle.db.insert(inventorySnapshots).values(snapshots);
  }
  await handle.close();

  const port = await freePort(0);
  const url = `http://127.0.0.1:${port}`;
  child = spawn(
    process.execPath,
    [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        APP_URL: url,
        // 20 connections from one address: measure the route, not the rate limiter's refusals.
        RATE_LIMIT_SCALE: "10000",
        DATA_DIR: dataDir,
        BACKGROUND_JOBS: "off",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    },
  );
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${url}/api/market`);
      if (res.ok) break;
    } catch {}
    if (i > 300) throw new Error("the app did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  const cold = Date.now();
  await new Promise((r) => setTimeout(r, 2100)); // let the 2 s memo expire
  const first = await fetch(`${url}/api/market`);
  const body = (await first.json()) as { totals: { providers: number; clusters: number } };
  console.log(
    `uncached /api/market: ${Date.now() - cold - 2100} ms for ${body.totals.providers} providers, ${body.totals.clusters} clusters`,
  );

  const load = async (route: string, seconds: number, target: string) => {
    const latencies: number[] = [];
    const instance = autocannon({ url: `${url}${route}`, connections: CONNECTIONS, duration: seconds });
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
      latencies.push(responseTime),
    );
    const result = await instance;
    latencies.sort((a, b) => a - b);
    const p = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN;
    console.log(
      `\nGET ${route}, ${PROVIDERS} providers × ${NODES} nodes, ${CONNECTIONS} connections, ${seconds} s:`,
    );
    console.log(
      `  p50 ${p(0.5).toFixed(1)} ms   p95 ${p(0.95).toFixed(1)} ms   p99 ${p(0.99).toFixed(1)} ms   ${target}`,
    );
    console.log(
      `  ${result.requests.average.toFixed(0)} requests/s average, ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  };
  await load("/api/market", DURATION_S, "(target p95 < 50 ms)");
  // A filtered, re-sorted page of the providers table (computed per request over the memoised data).
  await load(
    "/api/market/providers?region=eu-central-1&minCpu=8&sort=price&dir=asc",
    5,
    "(filtered table page)",
  );
} finally {
  if (child?.pid) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  }
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
