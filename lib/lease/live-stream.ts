import "server-only";
import type { Db } from "@/db/client";
import { getMetricHistory } from "@/lib/lease/get-metric-history";
import { readLeaseStatus } from "@/lib/lease/lease-status-store";
import type { MetricsHub } from "@/lib/lease/metrics-hub";
import type { LiveMessage, PodUsage } from "@/lib/lease/types";

// A lease's live channel as a server-sent-events stream. In the process running the metrics poller
// it relays the hub (no cluster request per browser); in any other app process it reads the lease's
// stored status (pods, events, endpoints: lease_status) and newest samples from the database once per
// interval, so the page is complete on every one of several app processes behind one PostgreSQL.

export function createLiveStream(opts: {
  hub: MetricsHub;
  db: Db;
  leaseId: string;
  intervalMs: number;
  signal: AbortSignal;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (message: LiveMessage | { type: "hello"; at: string }) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(message)}\n\n`));
        } catch {
          close();
        }
      };
      const timers: NodeJS.Timeout[] = [];
      const close = () => {
        if (closed) return;
        closed = true;
        for (const t of timers) clearInterval(t);
        unsubscribe();
        try {
          controller.close();
        } catch {}
      };
      cleanup = close;
      send({ type: "hello", at: new Date().toISOString() });
      const unsubscribe = opts.hub.subscribe(opts.leaseId, send);
      // Comments keep proxies from closing an idle stream.
      timers.push(
        setInterval(() => {
          if (!closed) controller.enqueue(encoder.encode(": keep-alive\n\n"));
        }, 15_000),
      );
      // Without the poller in this process (BACKGROUND_JOBS=off, or another process holds its lock):
      // the same messages from the database, status included, once per interval. Checked on every
      // interval, since the poller's lock can move between processes while the page is open.
      let since = new Date(Date.now() - opts.intervalMs * 2);
      let statusAt: string | null = null;
      const fromDb = async () => {
        if (opts.hub.pollerActive || closed) return;
        const [stored, rows] = await Promise.all([
          readLeaseStatus({ db: opts.db, leaseId: opts.leaseId }).catch(() => null),
          getMetricHistory({ db: opts.db, leaseId: opts.leaseId, since }).catch(() => []),
        ]);
        if (opts.hub.pollerActive || closed) return;
        if (stored && stored.at !== statusAt) {
          statusAt = stored.at;
          send({ type: "status", at: stored.at, status: stored.status });
        }
        // Rows per (time, pod): the pod's total ('' container) and its containers', as the poller sends them.
        const byAt = new Map<string, Map<string, PodUsage>>();
        for (const r of rows) {
          const pods = byAt.get(r.at) ?? new Map<string, PodUsage>();
          byAt.set(r.at, pods);
          const pod = pods.get(r.pod) ?? { pod: r.pod, cpuMillis: 0, memoryBytes: 0, containers: [] };
          pods.set(r.pod, pod);
          if (r.container === "") Object.assign(pod, { cpuMillis: r.cpuMillis, memoryBytes: r.memoryBytes });
          else
            pod.containers.push({
              container: r.container,
              cpuMillis: r.cpuMillis,
              memoryBytes: r.memoryBytes,
            });
          if (new Date(r.at) > since) since = new Date(r.at);
        }
        for (const [at, pods] of byAt) {
          const usage = [...pods.values()].sort((a, b) => a.pod.localeCompare(b.pod));
          for (const u of usage) u.containers.sort((a, b) => a.container.localeCompare(b.container));
          send({ type: "sample", at, usage, metricsAvailable: true });
        }
      };
      void fromDb();
      timers.push(setInterval(fromDb, opts.intervalMs));
      opts.signal.addEventListener("abort", close, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
}
