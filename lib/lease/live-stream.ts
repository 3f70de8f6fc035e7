import "server-only";
import type { Db } from "@/db/client";
import { getMetricHistory } from "@/lib/lease/get-metric-history";
import type { MetricsHub } from "@/lib/lease/metrics-hub";
import type { LiveMessage, PodUsage } from "@/lib/lease/types";

// A lease's live channel as a server-sent-events stream. In the process running the metrics poller
// it relays the hub (no cluster request per browser); in any other app process it reads the newest
// samples from the database once per interval, so several app processes behind one PostgreSQL work.

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
      if (!opts.hub.pollerActive) {
        let since = new Date(Date.now() - opts.intervalMs * 2);
        timers.push(
          setInterval(async () => {
            if (opts.hub.pollerActive || closed) return;
            const rows = await getMetricHistory({ db: opts.db, leaseId: opts.leaseId, since }).catch(
              () => [],
            );
            const byAt = new Map<string, PodUsage[]>();
            for (const r of rows) {
              const list = byAt.get(r.at) ?? [];
              list.push({ pod: r.pod, cpuMillis: r.cpuMillis, memoryBytes: r.memoryBytes });
              byAt.set(r.at, list);
              if (new Date(r.at) > since) since = new Date(r.at);
            }
            for (const [at, usage] of byAt) send({ type: "sample", at, usage, metricsAvailable: true });
          }, opts.intervalMs),
        );
      }
      opts.signal.addEventListener("abort", close, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
}
