import "server-only";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leases, metricSamples } from "@/db/schema";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { readClusterLeasePods } from "@/lib/k8s/read-cluster-lease-pods";
import type { MetricsHub } from "@/lib/lease/metrics-hub";
import { leasePodView, readLeaseView } from "@/lib/lease/read-lease-view";
import type { LeaseStatusView } from "@/lib/lease/types";

// The metrics poller: once per interval, each cluster is asked once for all of its leases — one
// cluster-wide pod list and one pod-metrics list by KubeBid's label selector
// (lib/k8s/read-cluster-lease-pods.ts) — however many leases it runs and however many browsers watch
// (they subscribe to the hub). Usage samples, per pod and per container, go to metric_samples (history, downsampled by
// downsample-metrics.ts, and the live source for app processes without the poller) and to the hub.
//
// Events and endpoints are per namespace and change rarely; they are read only for leases somebody
// watches in this process (bounded per cluster), and the last ones read ride along with each status.
// Clusters are polled a bounded number at a time; one that fails backs off exponentially on its own.

export interface MetricsPollerDeps {
  db: Db;
  clientFor: (clusterId: string) => Promise<ClusterClient>;
  hub: MetricsHub;
  intervalMs: number;
  /** Events and endpoints of a watched lease (default: the lease page's full view). */
  readDetails?: (client: ClusterClient, leaseId: string) => Promise<LeaseStatusView>;
  /** Clusters polled at once (default 32). */
  clusterConcurrency?: number;
  /** Watched leases of one cluster whose details are read at once (default 4). */
  detailConcurrency?: number;
  maxBackoffMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

/** Rows per insert: well under PostgreSQL's 65,535 bind parameters (6 per row). */
const INSERT_CHUNK = 5_000;

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export function createMetricsPoller(deps: MetricsPollerDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((m: string) => console.log(`[metrics-poller] ${m}`));
  const maxBackoffMs = deps.maxBackoffMs ?? 60_000;
  const readDetails = deps.readDetails ?? readLeaseView;
  const backoff = new Map<string, { failures: number; nextAt: number }>();
  const details = new Map<string, { at: string; view: LeaseStatusView }>();
  const ignoredLogged = new Map<string, number>();
  const known = new Set<string>();

  type Sample = typeof metricSamples.$inferInsert;

  async function pollCluster(clusterId: string, leaseIds: string[], samples: Sample[]) {
    const state = backoff.get(clusterId);
    const t = now().getTime();
    if (state && t < state.nextAt) return;
    const at = now().toISOString();
    try {
      const client = await deps.clientFor(clusterId);
      const result = await readClusterLeasePods(client, { leaseIds });
      if (result.ignored !== (ignoredLogged.get(clusterId) ?? 0)) {
        ignoredLogged.set(clusterId, result.ignored);
        if (result.ignored > 0)
          log(`cluster ${clusterId}: ignored ${result.ignored} pod(s) outside its leases or malformed`);
      }
      const watched = leaseIds.filter((id) => deps.hub.subscriberCount(id) > 0);
      await eachLimited(watched, deps.detailConcurrency ?? 4, async (id) => {
        try {
          details.set(id, { at, view: await readDetails(client, id) });
        } catch {
          // The pods and samples still go out; the events and endpoints shown stay the last ones read.
        }
      });
      for (const id of leaseIds) {
        const entry = result.leases.get(id);
        if (!entry) continue;
        const detail = details.get(id);
        deps.hub.publish(
          id,
          {
            type: "status",
            at,
            status: {
              pods: entry.pods.map(leasePodView),
              events: detail?.view.events ?? [],
              endpoints: detail?.view.endpoints ?? [],
              autoscalers: detail?.view.autoscalers ?? [],
            },
          },
          { detailsAt: detail?.at ?? null },
        );
        deps.hub.publish(id, {
          type: "sample",
          at,
          usage: entry.usage,
          metricsAvailable: result.metrics.available,
        });
        for (const u of entry.usage) {
          const base = { leaseId: id, pod: u.pod, takenAt: new Date(at) };
          samples.push({ ...base, container: "", cpuMillis: u.cpuMillis, memoryBytes: u.memoryBytes });
          for (const c of u.containers)
            samples.push({
              ...base,
              container: c.container,
              cpuMillis: c.cpuMillis,
              memoryBytes: c.memoryBytes,
            });
        }
      }
      if (state) log(`cluster ${clusterId}: answers again`);
      backoff.delete(clusterId);
    } catch (error) {
      const failures = (state?.failures ?? 0) + 1;
      const wait = Math.min(deps.intervalMs * 2 ** failures, maxBackoffMs);
      backoff.set(clusterId, { failures, nextAt: t + wait });
      const message = (error as Error).message?.split("\n")[0] ?? "cluster unreachable";
      if (failures === 1 || failures % 10 === 0)
        log(`cluster ${clusterId}: poll failed (${failures}x): ${message}`);
      for (const id of leaseIds)
        deps.hub.publish(id, {
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
      const byCluster = new Map<string, string[]>();
      for (const l of active) {
        const list = byCluster.get(l.clusterId as string) ?? [];
        list.push(l.id);
        byCluster.set(l.clusterId as string, list);
      }
      const ids = new Set(active.map((l) => l.id));
      for (const id of known)
        if (!ids.has(id)) {
          known.delete(id);
          details.delete(id);
          deps.hub.forget(id);
        }
      for (const id of ids) known.add(id);
      for (const id of backoff.keys()) if (!byCluster.has(id)) backoff.delete(id);
      for (const id of ignoredLogged.keys()) if (!byCluster.has(id)) ignoredLogged.delete(id);

      const samples: Sample[] = [];
      await eachLimited([...byCluster], deps.clusterConcurrency ?? 32, ([clusterId, leaseIds]) =>
        pollCluster(clusterId, leaseIds, samples),
      );
      for (let i = 0; i < samples.length; i += INSERT_CHUNK)
        await deps.db.insert(metricSamples).values(samples.slice(i, i + INSERT_CHUNK));
    },
    /** Clusters currently backing off (for tests and diagnostics). */
    backoffState: () => new Map(backoff),
  };
}
