// Metrics poller benchmark: `npm run bench:metrics`.
// 2,000 active leases (one pod each) on 200 simulated clusters, their namespaces and deployments
// server-side applied as the lease controller builds them; then the real metrics poller (createMetricsPoller with clusterClientFor: kubeconfigs
// decrypted from the database, HTTPS with kept-alive connections, samples written to an in-memory
// PGlite) runs poll cycles. Printed:
// - cluster requests per interval, counted at the simulator (target: one round per cluster — a pod
//   list and a pod-metrics list), and by path;
// - the wall time and CPU time of one poll cycle (target ≤ 1 s on 2 cores);
// - one downsampling run after the cycles;
// - database rows per lease-day, by running the real downsampler over 9 simulated days of samples at
//   the default interval.
// The simulator runs in a child process (bench/metrics-sim.ts), so its CPU is not counted as KubeBid's.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

// `npm run bench:metrics -- CLUSTERS LEASES_PER_CLUSTER` for other sizes (default 200 × 10).
const CLUSTERS = Number(process.argv[2] ?? 200);
const LEASES_PER_CLUSTER = Number(process.argv[3] ?? 10);
const NODES_PER_CLUSTER = 3;
const CYCLES = 5;
const INTERVAL_MS = 5_000;

// The bench is the server here: it configures the one settings reader (lib/config.ts) before use.
const key = randomBytes(32);
process.env.KUBECONFIG_ENCRYPTION_KEY = key.toString("hex");
process.env.ALLOW_PRIVATE_CLUSTER_ADDRESSES = "true";

const { openDb } = await import("@/db/client");
const { clusters, leases, metricRollups, metricSamples } = await import("@/db/schema");
const { sql } = await import("drizzle-orm");
const { makeClusters } = await import("@/dev/k8s-sim/default-clusters");
const { leaseObjectPath } = await import("@/lib/k8s/apply-lease-workload");
const { buildLeaseObjects, FIELD_MANAGER } = await import("@/lib/k8s/build-lease-objects");
const { createClusterClient } = await import("@/lib/k8s/cluster-client");
const { encryptKubeconfig } = await import("@/lib/k8s/kubeconfig-crypto");
const { validateKubeconfig } = await import("@/lib/k8s/validate-kubeconfig");
const { clusterClientFor } = await import("@/lib/lease/cluster-clients");
const { downsampleMetrics } = await import("@/lib/lease/downsample-metrics");
const { MetricsHub } = await import("@/lib/lease/metrics-hub");
const { createMetricsPoller } = await import("@/lib/lease/metrics-poller");
const { canonicalizeManifest } = await import("@/lib/market/manifest");
const { rowsOf } = await import("@/lib/market/rows");

type Stats = { requests: number; byPath: Record<string, number>; cpuMs: number };

async function startSim(out: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "bench/metrics-sim.ts", out, String(CLUSTERS), String(NODES_PER_CLUSTER)],
    { stdio: ["ignore", "pipe", "inherit", "ipc"] },
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

function simStats(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as Stats));
    child.send("stats");
  });
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function pollCycles(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "kb-bench-metrics-"));
  const sim = await startSim(out);
  const handle = await openDb({});
  const db = handle.db;
  try {
    // Clusters as onboarding stores them; leases deployed by the real server-side apply.
    const names = makeClusters(CLUSTERS, NODES_PER_CLUSTER).map((c) => c.name);
    const kubeconfigs = names.map((n) =>
      validateKubeconfig(readFileSync(join(out, `${n}.kubeconfig`), "utf8"), { allowPrivate: true }),
    );
    const rows = await db
      .insert(clusters)
      .values(
        names.map((name, i) => ({
          providerAddress: "0x000000000000000000000000000000000000bench",
          name,
          server: kubeconfigs[i]?.server ?? "",
          kubeconfigEnc: encryptKubeconfig(kubeconfigs[i] as never, key),
          status: "up" as const,
        })),
      )
      .returning({ id: clusters.id });
    const { manifest, specHash } = canonicalizeManifest({
      name: "web",
      image: "ghcr.io/acme/web:1.0",
      ports: [{ port: 8080 }],
      resources: { cpu: 100, memory: 64 },
      replicas: 1,
    });
    const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
    const deployStarted = performance.now();
    console.log(
      `${rows.length} simulated clusters up; deploying ${rows.length * LEASES_PER_CLUSTER} leases…`,
    );
    // Of each lease's objects only the Namespace and the Deployment are applied (server-side apply,
    // as applyLeaseWorkload does): the poller reads pods and their usage, and the quota, limits,
    // policies and Service would only cost the simulator time before the measurement starts.
    let deployed = 0;
    await eachLimited(
      rows.map((r, i) => ({ clusterId: r.id, kc: kubeconfigs[i] })),
      8,
      async ({ clusterId, kc }) => {
        const admin = createClusterClient(kc as never, { allowPrivate: true, timeoutMs: 300_000 });
        try {
          const base = rows.findIndex((r) => r.id === clusterId) * LEASES_PER_CLUSTER;
          for (let j = 0; j < LEASES_PER_CLUSTER; j++) {
            const { objects } = buildLeaseObjects({
              leaseId: String(1000 + base + j),
              tenant,
              specHash,
              manifest,
            });
            for (const o of objects.filter((o) => o.kind === "Namespace" || o.kind === "Deployment"))
              await admin.requestJson(leaseObjectPath(o), {
                method: "PATCH",
                query: { fieldManager: FIELD_MANAGER, force: true },
                body: o,
                contentType: "application/apply-patch+yaml",
              });
            if (++deployed % 200 === 0) console.log(`  ${deployed} deployed`);
          }
        } finally {
          await admin.close();
        }
      },
    );
    await db.insert(leases).values(
      rows.flatMap((r, i) =>
        Array.from({ length: LEASES_PER_CLUSTER }, (_, j) => {
          const id = String(1000 + i * LEASES_PER_CLUSTER + j);
          return {
            id,
            orderId: id,
            tenant,
            provider: "0x000000000000000000000000000000000000bench",
            pricePerHour: "1",
            deposit: "1",
            startedAt: new Date(),
            createdBlock: 1n,
            deployState: "running" as const,
            clusterId: r.id,
          };
        }),
      ),
    );
    const leaseCount = rows.length * LEASES_PER_CLUSTER;
    console.log(
      `deployed ${leaseCount} leases on ${rows.length} simulated clusters in ${((performance.now() - deployStarted) / 1000).toFixed(1)} s`,
    );

    const poller = createMetricsPoller({
      db,
      clientFor: (clusterId) => clusterClientFor({ db, clusterId }),
      hub: new MetricsHub(),
      intervalMs: INTERVAL_MS,
      log: (m) => console.log(`  poller: ${m}`),
    });
    const samplesNow = async () =>
      Number((await db.select({ n: sql<number>`count(*)::int` }).from(metricSamples))[0]?.n ?? 0);

    // Warm-up: until every pod runs and reports usage (the first cycles also open the connections).
    const warmStarted = Date.now();
    for (;;) {
      const before = await samplesNow();
      await poller.tick();
      const got = (await samplesNow()) - before;
      if (got >= leaseCount) break;
      if (Date.now() - warmStarted > 120_000)
        throw new Error(`only ${got} of ${leaseCount} pods report usage`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const walls: number[] = [];
    const cpuTimes: number[] = [];
    const requests: number[] = [];
    const simCpus: number[] = [];
    const load = loadavg()[0] ?? 0;
    let byPath: Record<string, number> = {};
    let samples = 0;
    for (let i = 0; i < CYCLES; i++) {
      const statsBefore = await simStats(sim);
      const samplesBefore = await samplesNow();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await poller.tick();
      walls.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      const statsAfter = await simStats(sim);
      requests.push(statsAfter.requests - statsBefore.requests);
      simCpus.push(statsAfter.cpuMs - statsBefore.cpuMs);
      byPath = Object.fromEntries(
        Object.entries(statsAfter.byPath)
          .map(([p, n]) => [p, n - (statsBefore.byPath[p] ?? 0)] as const)
          .filter(([, n]) => n > 0),
      );
      samples = (await samplesNow()) - samplesBefore;
    }
    const perInterval = median(requests);
    console.log(
      `\npoll cycle, ${leaseCount} active leases on ${rows.length} clusters (${CYCLES} cycles after warm-up):`,
    );
    console.log(
      `  cluster requests per interval: ${perInterval} (${(perInterval / rows.length).toFixed(2)} per cluster: ${Object.entries(
        byPath,
      )
        .map(([p, n]) => `${p} ×${n}`)
        .join(", ")}); ${(perInterval / leaseCount).toFixed(2)} per lease`,
    );
    console.log(
      `  poll cycle wall time: median ${median(walls).toFixed(0)} ms, max ${Math.max(...walls).toFixed(0)} ms; CPU time median ${median(cpuTimes).toFixed(0)} ms`,
    );
    console.log(
      `  simulator CPU time per cycle (its own process, answering and reconciling): median ${median(simCpus).toFixed(0)} ms; host load average ${load.toFixed(1)} on ${cpus().length} cores`,
    );
    console.log(`  samples written per cycle: ${samples}`);

    const ds0 = performance.now();
    await downsampleMetrics({ db, now: new Date(Date.now() + 120_000) });
    const minuteRows = Number(
      (await db.select({ n: sql<number>`count(*)::int` }).from(metricRollups))[0]?.n ?? 0,
    );
    console.log(
      `  downsampling run over those samples: ${(performance.now() - ds0).toFixed(0)} ms (${minuteRows} bucket rows)`,
    );
    await Promise.all(rows.map(async (r) => (await clusterClientFor({ db, clusterId: r.id })).close()));
  } finally {
    await handle.close();
    sim.send("stop");
    await new Promise((r) => sim.once("exit", r));
    rmSync(out, { recursive: true, force: true });
  }
}

async function rowsPerLeaseDay(): Promise<void> {
  // Two leases of one pod each, sampled every INTERVAL_MS for 9 days, downsampled hourly (the job runs
  // every minute; hourly catch-up gives the same rows, in chunks).
  const LEASES = 2;
  const DAYS = 9;
  const handle = await openDb({});
  const db = handle.db;
  try {
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    const hour = 3600_000;
    for (let h = 0; h < DAYS * 24; h++) {
      const batch: (typeof metricSamples.$inferInsert)[] = [];
      for (let t = t0 + h * hour; t < t0 + (h + 1) * hour; t += INTERVAL_MS)
        for (let l = 0; l < LEASES; l++)
          batch.push({
            leaseId: String(l + 1),
            pod: "web-0",
            takenAt: new Date(t),
            cpuMillis: 100 + (t % 97),
            memoryBytes: 64 << 20,
          });
      await db.insert(metricSamples).values(batch);
      await downsampleMetrics({ db, now: new Date(t0 + (h + 1) * hour) });
    }
    const count = async (q: ReturnType<typeof sql>) =>
      Number(rowsOf<{ n: number }>(await db.execute(q))[0]?.n ?? 0);
    const raw = (await count(sql`select count(*)::int as n from metric_samples`)) / LEASES;
    const minute =
      (await count(sql`select count(*)::int as n from metric_rollups where resolution_s = 60`)) / LEASES;
    const quarter =
      (await count(sql`select count(*)::int as n from metric_rollups where resolution_s = 900`)) / LEASES;
    const written = (24 * 3600_000) / INTERVAL_MS;
    console.log(
      `\ndatabase rows per lease (one pod, a sample every ${INTERVAL_MS / 1000} s), after ${DAYS} days:`,
    );
    console.log(`  raw samples written per lease-day: ${written} (kept 6 h: ${raw} rows held)`);
    console.log(`  1-minute buckets held: ${minute} (${(minute / 7).toFixed(0)} per lease-day, last 7 days)`);
    console.log(
      `  15-minute buckets held: ${quarter} (${(quarter / DAYS).toFixed(0)} per lease-day, whole life)`,
    );
    console.log(
      `  rows per lease-day kept: ${(minute / 7 + quarter / DAYS).toFixed(0)} in the first week, ${(quarter / DAYS).toFixed(0)} after (plus ${raw} raw rows at any time)`,
    );
  } finally {
    await handle.close();
  }
}

await pollCycles();
await rowsPerLeaseDay();
process.exit(0);
