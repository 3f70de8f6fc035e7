import "server-only";
import { and, eq, lt, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters, clusterUptime, inventorySnapshots } from "@/db/schema";
import { type ClusterClient, createClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";
import { decryptKubeconfig } from "./kubeconfig-crypto";
import { readInventory } from "./read-inventory";

// The inventory loop: every interval, every cluster in the DB is read (nodes, pods, version, metrics
// API) with bounded concurrency and a per-cluster deadline, a snapshot row is written and the
// cluster's status updated. A cluster that stops answering is marked down with the error; the next
// pass that reaches it marks it up again. Snapshots older than the retention window are pruned
// (the latest per cluster is always kept) so a long-running stack does not grow without bound.
// Each outcome also counts into the cluster's day in cluster_uptime, which reputation reads.

export interface RefreshOptions {
  db: Db;
  /** 32-byte kubeconfig encryption key. */
  key: Uint8Array;
  /** Clusters read at the same time (default 16). */
  concurrency?: number;
  /** Deadline per request and (×2) per cluster (default 10 000 ms). */
  timeoutMs?: number;
  /** Dev/tests: clusters on loopback/private addresses (ALLOW_PRIVATE_CLUSTER_ADDRESSES). */
  allowPrivate?: boolean;
  /** Dev: honour insecure-skip-tls-verify (ALLOW_INSECURE_CLUSTERS). */
  allowInsecure?: boolean;
  /** Snapshots older than this are deleted, except each cluster's latest (default 1 hour). */
  retentionMs?: number;
  /**
   * Clients kept between passes (startInventoryLoop passes one): connections stay alive, so a steady
   * pass costs no TLS handshakes. Without it each cluster's client is closed after its refresh.
   */
  clients?: Map<string, { kubeconfigEnc: string; client: ClusterClient }>;
}

export interface ClusterRefresh {
  clusterId: string;
  name: string;
  status: "up" | "down";
  error: string | null;
  durationMs: number;
}

export interface RefreshSummary {
  clusters: number;
  up: number;
  down: number;
  nodes: number;
  durationMs: number;
  pruned: number;
  results: ClusterRefresh[];
}

const DEFAULT_RETENTION_MS = 60 * 60 * 1000;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DOMException("cluster refresh timed out", "TimeoutError")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function metricsApiPresent(client: ClusterClient): Promise<boolean> {
  try {
    await client.requestJson("/apis/metrics.k8s.io/v1beta1");
    return true;
  } catch {
    return false;
  }
}

async function refreshOne(
  opts: RefreshOptions,
  row: Pick<typeof clusters.$inferSelect, "id" | "name" | "kubeconfigEnc">,
): Promise<ClusterRefresh & { nodes: number }> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let client: ClusterClient | undefined;
  const cached = opts.clients?.get(row.id);
  let keep = false;
  try {
    if (cached && cached.kubeconfigEnc === row.kubeconfigEnc) client = cached.client;
    else {
      if (cached) {
        opts.clients?.delete(row.id);
        void cached.client.close().catch(() => {});
      }
      client = createClusterClient(decryptKubeconfig(row.kubeconfigEnc, opts.key), {
        timeoutMs,
        allowPrivate: opts.allowPrivate,
        allowInsecure: opts.allowInsecure,
      });
    }
    const c = client;
    // Sequential on purpose: one kept-alive connection, one TLS handshake per cluster (see readInventory).
    const [version, inventory, metricsApi] = await withDeadline(
      (async () => {
        const v = await c.requestJson<{ gitVersion?: string }>("/version");
        const inv = await readInventory(c);
        return [v, inv, await metricsApiPresent(c)] as const;
      })(),
      timeoutMs * 2,
    );
    const now = new Date();
    await opts.db.insert(inventorySnapshots).values({
      clusterId: row.id,
      takenAt: now,
      region: inventory.region,
      allocatable: inventory.allocatable,
      free: inventory.free,
      nodes: inventory.nodes,
    });
    await opts.db
      .update(clusters)
      .set({
        status: "up",
        lastError: null,
        lastSeenAt: now,
        version: version.gitVersion ?? null,
        metricsApi,
        // Keep a region set by hand when the nodes carry no label.
        ...(inventory.region ? { region: inventory.region } : {}),
        updatedAt: now,
      })
      .where(eq(clusters.id, row.id));
    await countClusterCheck(opts.db, row.id, true, now);
    if (opts.clients) {
      opts.clients.set(row.id, { kubeconfigEnc: row.kubeconfigEnc, client: c });
      keep = true;
    }
    return {
      clusterId: row.id,
      name: row.name,
      status: "up",
      error: null,
      durationMs: Date.now() - started,
      nodes: inventory.nodes.length,
    };
  } catch (error) {
    // A failed cluster gets a fresh client (and connections) next time.
    opts.clients?.delete(row.id);
    const message = toClusterError(error, "read the cluster's inventory").message;
    await opts.db
      .update(clusters)
      .set({ status: "down", lastError: message, updatedAt: new Date() })
      .where(eq(clusters.id, row.id));
    // A cluster deleted during the pass has no row to count into (foreign key): nothing to record.
    await countClusterCheck(opts.db, row.id, false).catch(() => {});
    return {
      clusterId: row.id,
      name: row.name,
      status: "down",
      error: message,
      durationMs: Date.now() - started,
      nodes: 0,
    };
  } finally {
    // Not awaited: after a deadline, closing waits for the abandoned requests' own timeouts.
    if (!keep) void client?.close().catch(() => {});
  }
}

/** Counts one refresh outcome into the cluster's UTC day (cluster_uptime). */
export async function countClusterCheck(db: Db, clusterId: string, up: boolean, at = new Date()) {
  const day = at.toISOString().slice(0, 10);
  await db
    .insert(clusterUptime)
    .values({ clusterId, day, upChecks: up ? 1 : 0, downChecks: up ? 0 : 1 })
    .onConflictDoUpdate({
      target: [clusterUptime.clusterId, clusterUptime.day],
      set: up
        ? { upChecks: sql`${clusterUptime.upChecks} + 1` }
        : { downChecks: sql`${clusterUptime.downChecks} + 1` },
    });
}

/** Deletes snapshots older than the window, keeping each cluster's latest. Returns the count. */
async function pruneInventorySnapshots(db: Db, retentionMs = DEFAULT_RETENTION_MS): Promise<number> {
  const cutoff = new Date(Date.now() - retentionMs);
  const latest = db
    .select({ id: sql<number>`max(${inventorySnapshots.id})` })
    .from(inventorySnapshots)
    .groupBy(inventorySnapshots.clusterId);
  const deleted = await db
    .delete(inventorySnapshots)
    .where(and(lt(inventorySnapshots.takenAt, cutoff), notInArray(inventorySnapshots.id, latest)))
    .returning({ id: inventorySnapshots.id });
  return deleted.length;
}

/** One pass over every cluster in the DB. Never throws for a cluster's failure; see the summary. */
export async function refreshAllClusters(opts: RefreshOptions): Promise<RefreshSummary> {
  const started = Date.now();
  const rows = await opts.db
    .select({ id: clusters.id, name: clusters.name, kubeconfigEnc: clusters.kubeconfigEnc })
    .from(clusters);
  const results: Array<ClusterRefresh & { nodes: number }> = [];
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      if (row) results.push(await refreshOne(opts, row));
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 16, rows.length)) }, worker),
  );
  const pruned = await pruneInventorySnapshots(opts.db, opts.retentionMs);
  return {
    clusters: rows.length,
    up: results.filter((r) => r.status === "up").length,
    down: results.filter((r) => r.status === "down").length,
    nodes: results.reduce((n, r) => n + r.nodes, 0),
    durationMs: Date.now() - started,
    pruned,
    results: results.map(({ nodes: _nodes, ...r }) => r),
  };
}

export interface InventoryLoopOptions extends RefreshOptions {
  intervalMs: number;
  /** Called after each pass (logging, tests). */
  onPass?: (summary: RefreshSummary) => void;
  onError?: (error: unknown) => void;
}

/**
 * Runs a pass now and then `intervalMs` after each pass ends (passes never overlap). Returns a stop
 * function that resolves once the running pass, if any, has finished.
 */
export function startInventoryLoop(opts: InventoryLoopOptions): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const clients: NonNullable<RefreshOptions["clients"]> = new Map();
  const tick = () => {
    running = refreshAllClusters({ ...opts, clients })
      .then((summary) => opts.onPass?.(summary))
      .catch((error) => opts.onError?.(error))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, opts.intervalMs);
      });
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    await Promise.all([...clients.values()].map(({ client }) => client.close().catch(() => {})));
    clients.clear();
  };
}
