import "server-only";
import { and, eq, inArray, isNotNull, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leases, metricSamples } from "@/db/schema";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import type { MetricsHub } from "@/lib/lease/metrics-hub";
import type { LeaseWorkload } from "@/lib/lease/workload";

// The metrics poller: once per interval, for every lease whose workload exists, one metrics request
// and one status read to its cluster — however many browsers watch (they subscribe to the hub). Usage
// samples go to metric_samples (history, and the live source for app processes without the poller)
// and to the hub. A cluster that fails is retried with exponential backoff, per lease.

export interface MetricsPollerDeps {
  db: Db;
  workload: LeaseWorkload;
  clientFor: (clusterId: string) => Promise<ClusterClient>;
  hub: MetricsHub;
  intervalMs: number;
  /** Samples older than this are deleted (default 6 h). */
  retentionMs?: number;
  maxBackoffMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export function createMetricsPoller(deps: MetricsPollerDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((m: string) => console.log(`[metrics-poller] ${m}`));
  const retentionMs = deps.retentionMs ?? 6 * 3600_000;
  const maxBackoffMs = deps.maxBackoffMs ?? 60_000;
  const backoff = new Map<string, { failures: number; nextAt: number }>();
  let lastPrune = 0;

  async function pollOne(lease: { id: string; clusterId: string }) {
    const state = backoff.get(lease.id);
    const t = now().getTime();
    if (state && t < state.nextAt) return;
    const at = now().toISOString();
    try {
      const client = await deps.clientFor(lease.clusterId);
      const [metrics, status] = await Promise.all([
        deps.workload.metrics(client, { leaseId: lease.id }),
        deps.workload.status(client, { leaseId: lease.id }),
      ]);
      if (metrics.available && metrics.usage.length > 0) {
        await deps.db.insert(metricSamples).values(
          metrics.usage.map((u) => ({
            leaseId: lease.id,
            pod: u.pod,
            takenAt: new Date(at),
            cpuMillis: Math.round(u.cpuMillis),
            memoryBytes: Math.round(u.memoryBytes),
          })),
        );
      }
      deps.hub.publish(lease.id, { type: "status", at, status });
      deps.hub.publish(lease.id, {
        type: "sample",
        at,
        usage: metrics.usage,
        metricsAvailable: metrics.available,
      });
      if (state) log(`lease ${lease.id}: cluster answers again`);
      backoff.delete(lease.id);
    } catch (error) {
      const failures = (state?.failures ?? 0) + 1;
      const wait = Math.min(deps.intervalMs * 2 ** failures, maxBackoffMs);
      backoff.set(lease.id, { failures, nextAt: t + wait });
      const message = (error as Error).message?.split("\n")[0] ?? "cluster unreachable";
      if (failures === 1 || failures % 10 === 0)
        log(`lease ${lease.id}: poll failed (${failures}x): ${message}`);
      deps.hub.publish(lease.id, {
        type: "error",
        at,
        message: `The cluster did not answer: ${message}`,
        retryInMs: wait,
      });
    }
  }

  return {
    async tick() {
      deps.hub.pollerActive = true;
      const active = await deps.db
        .select({ id: leases.id, clusterId: leases.clusterId })
        .from(leases)
        .where(
          and(
            eq(leases.status, "active"),
            inArray(leases.deployState, ["deploying", "running"]),
            isNotNull(leases.clusterId),
          ),
        );
      const ids = new Set(active.map((l) => l.id));
      for (const id of backoff.keys()) if (!ids.has(id)) backoff.delete(id);
      await Promise.all(active.map((l) => pollOne({ id: l.id, clusterId: l.clusterId as string })));
      if (now().getTime() - lastPrune > 60_000) {
        lastPrune = now().getTime();
        await deps.db
          .delete(metricSamples)
          .where(lt(metricSamples.takenAt, new Date(now().getTime() - retentionMs)));
      }
    },
    /** Leases currently backing off (for tests and diagnostics). */
    backoffState: () => new Map(backoff),
  };
}
