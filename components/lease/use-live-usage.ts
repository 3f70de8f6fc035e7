"use client";

import { useEffect, useRef, useState } from "react";
import { fetchJson } from "@/lib/api/fetch-json";
import type { LeaseStatusView, LiveMessage, PodUsage } from "@/lib/lease/types";

// A lease's usage history (from the database) plus live samples and pod status (server-sent events),
// per pod and per container (keyed by containerKey), trimmed to the chosen window. Windows longer than an hour show downsampled history
// (bucket averages); live samples would not match their resolution, so that history is refetched
// every minute instead.

const LIVE_WINDOW_MS = 60 * 60_000;

export interface PodSeries {
  cpu: { t: number; value: number }[];
  memory: { t: number; value: number }[];
}

/** The series key of one container of a pod (pod names never contain "/"). */
export const containerKey = (pod: string, container: string) => `${pod}/${container}`;

export function useLiveUsage(leaseId: string, windowMs: number, enabled: boolean) {
  const [series, setSeries] = useState<Record<string, PodSeries>>({});
  const [containerSeries, setContainerSeries] = useState<Record<string, PodSeries>>({});
  /** The newest live sample per pod (with its containers' figures), for usage as % of request/limit. */
  const [latest, setLatest] = useState<Record<string, PodUsage>>({});
  const [status, setStatus] = useState<LeaseStatusView | null>(null);
  const [liveError, setLiveError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [metricsAvailable, setMetricsAvailable] = useState(true);
  const windowRef = useRef(windowMs);
  windowRef.current = windowMs;

  const add = (at: number, usage: PodUsage[]) => {
    setLatest(Object.fromEntries(usage.map((u) => [u.pod, u])));
    if (windowRef.current > LIVE_WINDOW_MS) return;
    const append = (
      prev: Record<string, PodSeries>,
      points: { key: string; cpuMillis: number; memoryBytes: number }[],
    ) => {
      const next = { ...prev };
      const cutoff = Date.now() - windowRef.current;
      for (const u of points) {
        const s = next[u.key] ?? { cpu: [], memory: [] };
        if (s.cpu.at(-1)?.t === at) continue;
        next[u.key] = {
          cpu: [...s.cpu.filter((p) => p.t >= cutoff), { t: at, value: u.cpuMillis }],
          memory: [...s.memory.filter((p) => p.t >= cutoff), { t: at, value: u.memoryBytes }],
        };
      }
      return next;
    };
    setSeries((prev) =>
      append(
        prev,
        usage.map((u) => ({ ...u, key: u.pod })),
      ),
    );
    setContainerSeries((prev) =>
      append(
        prev,
        usage.flatMap((u) =>
          (u.containers ?? []).map((c) => ({ ...c, key: containerKey(u.pod, c.container) })),
        ),
      ),
    );
  };

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const load = () =>
      fetchJson<{
        samples: { pod: string; container: string; at: string; cpuMillis: number; memoryBytes: number }[];
      }>(`/api/leases/${leaseId}/metrics?minutes=${Math.ceil(windowMs / 60_000)}`)
        .then(({ samples }) => {
          if (cancelled) return;
          // A sample's container is '' for the pod's total.
          const pods: Record<string, PodSeries> = {};
          const containers: Record<string, PodSeries> = {};
          for (const s of samples) {
            const into = s.container === "" ? pods : containers;
            const key = s.container === "" ? s.pod : containerKey(s.pod, s.container);
            const entry = into[key] ?? { cpu: [], memory: [] };
            into[key] = entry;
            const t = Date.parse(s.at);
            entry.cpu.push({ t, value: s.cpuMillis });
            entry.memory.push({ t, value: s.memoryBytes });
          }
          const merge = (next: Record<string, PodSeries>) => (prev: Record<string, PodSeries>) => {
            if (windowMs > LIVE_WINDOW_MS) return next;
            // keep live points newer than the history
            for (const [key, s] of Object.entries(prev)) {
              const entry = next[key] ?? { cpu: [], memory: [] };
              next[key] = entry;
              const last = entry.cpu.at(-1)?.t ?? 0;
              entry.cpu.push(...s.cpu.filter((p) => p.t > last));
              entry.memory.push(...s.memory.filter((p) => p.t > last));
            }
            return next;
          };
          setSeries(merge(pods));
          setContainerSeries(merge(containers));
        })
        .catch(() => {});
    void load();
    const timer = windowMs > LIVE_WINDOW_MS ? setInterval(load, 60_000) : undefined;
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [leaseId, windowMs, enabled]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `add` only uses state setters and a ref
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`/api/leases/${leaseId}/live`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.onmessage = (event) => {
      const message = JSON.parse(event.data) as LiveMessage | { type: "hello" };
      if (message.type === "status") {
        setStatus(message.status);
        setLiveError(null);
      } else if (message.type === "sample") {
        setMetricsAvailable(message.metricsAvailable);
        setLiveError(null);
        add(Date.parse(message.at), message.usage);
      } else if (message.type === "error") setLiveError(message.message);
    };
    return () => source.close();
  }, [leaseId, enabled]);

  return { series, containerSeries, latest, status, liveError, connected, metricsAvailable };
}
