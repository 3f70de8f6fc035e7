// Inventory refresh benchmark: `npm run bench:inventory`.
// For N = 50, 100, 200 simulated clusters of 10 nodes, runs one refreshAllClusters pass — the real
// path: decrypt each kubeconfig, read version/nodes/pods/metrics API over HTTPS, write a snapshot and
// the cluster's status into an in-memory PGlite — and prints its wall time (wall_ms) and the peak RSS
// of this process; rss_before_mb is the RSS before the pass (mostly PGlite's WASM heap), and
// warm_wall_ms a second pass over the kept-alive connections, as the inventory loop runs.
// The simulator runs in a child process (`npm run sim`), as a provider's clusters would be elsewhere,
// so its own CPU and memory are not counted as KubeBid's. Target: 200 clusters in under 5 s.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "@/db/client";
import { clusters } from "@/db/schema";
import { refreshAllClusters } from "@/lib/k8s/inventory-loop";
import { encryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { validateKubeconfig } from "@/lib/k8s/validate-kubeconfig";

const SIZES = [50, 100, 200];
const NODES_PER_CLUSTER = 10;

async function startSim(n: number, out: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "dev/k8s-sim/cli.ts",
      "--out",
      out,
      "--clusters",
      String(n),
      "--nodes",
      String(NODES_PER_CLUSTER),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      if (/^ready/m.test(buffered)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return child;
}

async function stopSim(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function run(n: number): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "kb-bench-inventory-"));
  const sim = await startSim(n, out);
  const handle = await openDb({});
  try {
    const key = randomBytes(32);
    const files = readdirSync(out).filter((f) => f.endsWith(".kubeconfig"));
    if (files.length !== n) throw new Error(`expected ${n} kubeconfigs, found ${files.length}`);
    await handle.db.insert(clusters).values(
      files.map((f) => {
        const kc = validateKubeconfig(readFileSync(join(out, f), "utf8"), { allowPrivate: true });
        return {
          providerAddress: "0x000000000000000000000000000000000000bench",
          name: f.replace(/\.kubeconfig$/, ""),
          server: kc.server,
          kubeconfigEnc: encryptKubeconfig(kc, key),
        };
      }),
    );

    const before = process.memoryUsage().rss;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    // The client cache startInventoryLoop keeps: the first pass fills it (cold: a TLS handshake per
    // cluster), the second reuses the kept-alive connections (the loop's steady state).
    const clients: NonNullable<Parameters<typeof refreshAllClusters>[0]["clients"]> = new Map();
    const opts = { db: handle.db, key, allowPrivate: true, concurrency: 16, clients };
    const started = performance.now();
    const summary = await refreshAllClusters(opts);
    const wall = performance.now() - started;
    const warmStarted = performance.now();
    const warm = await refreshAllClusters(opts);
    const warmWall = performance.now() - warmStarted;
    clearInterval(sampler);
    await Promise.all([...clients.values()].map(({ client }) => client.close()));
    peak = Math.max(peak, process.memoryUsage().rss);
    if (summary.down > 0 || warm.down > 0)
      throw new Error(`${summary.down} clusters down: ${summary.results.find((r) => r.error)?.error}`);
    return `inventory clusters=${summary.clusters} nodes=${summary.nodes} wall_ms=${Math.round(wall)} peak_rss_mb=${Math.round(peak / 1024 / 1024)} rss_before_mb=${Math.round(before / 1024 / 1024)} warm_wall_ms=${Math.round(warmWall)}`;
  } finally {
    await handle.close();
    await stopSim(sim);
    rmSync(out, { recursive: true, force: true });
  }
}

for (const n of SIZES) console.log(await run(n));
