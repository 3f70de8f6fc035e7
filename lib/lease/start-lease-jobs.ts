import "server-only";
import type { DbHandle } from "@/db/client";
import { getConfig } from "@/lib/config";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { downsampleMetrics } from "@/lib/lease/downsample-metrics";
import { k8sLeaseWorkload } from "@/lib/lease/k8s-workload";
import { createLeaseController } from "@/lib/lease/lease-controller";
import { getMetricsHub } from "@/lib/lease/metrics-hub";
import { createMetricsPoller } from "@/lib/lease/metrics-poller";
import { readChainLease } from "@/lib/market/chain-reads";
import { startSingletonLoop } from "@/lib/server/singleton-loop";

// The lease controller, the metrics poller and the metrics downsampler as singleton loops (one process
// holds each).

const CONTROLLER_INTERVAL_MS = 400;

export async function startLeaseControllerJob(handle: DbHandle): Promise<() => Promise<void>> {
  const db = handle.db;
  const checkedAt = new Map<string, number>();
  const controller = createLeaseController({
    db,
    workload: k8sLeaseWorkload,
    clientFor: (clusterId) => clusterClientFor({ db, clusterId }),
    async isExhausted(lease) {
      if (lease.endsAt && lease.endsAt.getTime() <= Date.now()) return true;
      // Escrow exhaustion needs a chain read: at most every 5 s per lease.
      if (lease.deployState !== "running" || Date.now() - (checkedAt.get(lease.id) ?? 0) < 5_000)
        return false;
      checkedAt.set(lease.id, Date.now());
      const chain = await readChainLease(BigInt(lease.id));
      return Boolean(chain && chain.status === "active" && BigInt(chain.accrued) >= BigInt(chain.escrow));
    },
  });
  return startSingletonLoop({
    name: "lease-controller",
    handle,
    intervalMs: CONTROLLER_INTERVAL_MS,
    tick: controller.tick,
  });
}

export async function startMetricsPollerJob(handle: DbHandle): Promise<() => Promise<void>> {
  const db = handle.db;
  const intervalMs = getConfig().METRICS_INTERVAL_MS;
  const poller = createMetricsPoller({
    db,
    clientFor: (clusterId) => clusterClientFor({ db, clusterId }),
    hub: getMetricsHub(),
    intervalMs,
  });
  const hub = getMetricsHub();
  return startSingletonLoop({
    name: "metrics-poller",
    handle,
    intervalMs,
    tick: poller.tick,
    // Once the lock is lost this process's hub gets nothing new: its streams read the database.
    onHolding: (holding) => {
      if (!holding) hub.pollerActive = false;
    },
  });
}

/** Minute buckets close once a minute; running more often would only redo the same ones. */
const DOWNSAMPLE_INTERVAL_MS = 60_000;

export async function startMetricsDownsamplerJob(handle: DbHandle): Promise<() => Promise<void>> {
  return startSingletonLoop({
    name: "metrics-downsampler",
    handle,
    intervalMs: DOWNSAMPLE_INTERVAL_MS,
    tick: async () => {
      await downsampleMetrics({ db: handle.db });
    },
  });
}
