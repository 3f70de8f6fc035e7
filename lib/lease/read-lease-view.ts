import "server-only";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { cpuMillis, memoryBytes } from "@/lib/k8s/quantity";
import type { LeaseEndpoint, LeaseEvent, LeasePod, LeaseStatusView, PodUsage } from "@/lib/lease/types";
import { leaseNamespace } from "@/lib/lease/workload";

// Reads a lease's namespace as the lease page shows it (pods with requests/limits, events, services)
// and its pod usage from metrics.k8s.io, from plain Kubernetes JSON.

interface K8sList<T> {
  items?: T[];
}
interface PodJson {
  metadata?: { name?: string; creationTimestamp?: string; deletionTimestamp?: string };
  spec?: {
    nodeName?: string;
    containers?: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type?: string; status?: string }[];
    containerStatuses?: {
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
    }[];
  };
}
interface EventJson {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  metadata?: { creationTimestamp?: string };
}
interface ServiceJson {
  metadata?: { name?: string };
  spec?: { type?: string; clusterIP?: string; ports?: { name?: string; port?: number; protocol?: string; nodePort?: number }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

function sumResource(pod: PodJson, kind: "requests" | "limits", key: "cpu" | "memory"): number | null {
  let total = 0;
  let any = false;
  for (const c of pod.spec?.containers ?? []) {
    const q = c.resources?.[kind]?.[key];
    if (q === undefined) continue;
    any = true;
    total += key === "cpu" ? cpuMillis(q) : memoryBytes(q);
  }
  return any ? total : null;
}

function toPod(p: PodJson): LeasePod {
  const statuses = p.status?.containerStatuses ?? [];
  const waiting = statuses.map((s) => s.state?.waiting?.reason ?? s.state?.terminated?.reason).find(Boolean);
  const readyCond = p.status?.conditions?.find((c) => c.type === "Ready");
  return {
    name: p.metadata?.name ?? "?",
    phase: p.metadata?.deletionTimestamp ? "Terminating" : (p.status?.phase ?? "Unknown"),
    ready: readyCond ? readyCond.status === "True" : statuses.length > 0 && statuses.every((s) => s.ready),
    readyContainers: statuses.filter((s) => s.ready).length,
    containers: p.spec?.containers?.length ?? statuses.length,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    node: p.spec?.nodeName ?? null,
    createdAt: p.metadata?.creationTimestamp ?? null,
    reason: waiting ?? p.status?.reason ?? null,
    requests: { cpuMillis: sumResource(p, "requests", "cpu"), memoryBytes: sumResource(p, "requests", "memory") },
    limits: { cpuMillis: sumResource(p, "limits", "cpu"), memoryBytes: sumResource(p, "limits", "memory") },
  };
}

export async function readLeaseView(client: ClusterClient, leaseId: string): Promise<LeaseStatusView> {
  const ns = encodeURIComponent(leaseNamespace(leaseId));
  const [pods, events, services] = await Promise.all([
    client.requestJson<K8sList<PodJson>>(`/api/v1/namespaces/${ns}/pods`),
    client.requestJson<K8sList<EventJson>>(`/api/v1/namespaces/${ns}/events`).catch(() => ({ items: [] })),
    client.requestJson<K8sList<ServiceJson>>(`/api/v1/namespaces/${ns}/services`).catch(() => ({ items: [] })),
  ]);
  const eventList: LeaseEvent[] = (events.items ?? [])
    .map((e) => ({
      type: e.type ?? "Normal",
      reason: e.reason ?? "",
      message: e.message ?? "",
      object: `${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}`,
      count: e.count ?? 1,
      at: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? null,
    }))
    .sort((a, b) => (b.at ?? "").localeCompare(a.at ?? ""))
    .slice(0, 100);
  const endpoints: LeaseEndpoint[] = (services.items ?? []).map((s) => ({
    name: s.metadata?.name ?? "?",
    type: s.spec?.type ?? "ClusterIP",
    clusterIP: s.spec?.clusterIP ?? null,
    ports: (s.spec?.ports ?? []).map((p) => ({
      name: p.name ?? null,
      port: p.port ?? 0,
      protocol: p.protocol ?? "TCP",
      nodePort: p.nodePort ?? null,
    })),
    addresses: (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? "").filter(Boolean),
  }));
  return {
    pods: (pods.items ?? []).map(toPod).sort((a, b) => a.name.localeCompare(b.name)),
    events: eventList,
    endpoints,
  };
}

export async function readLeaseUsage(
  client: ClusterClient,
  leaseId: string,
): Promise<{ available: boolean; usage: PodUsage[] }> {
  try {
    const items = await client.podMetrics(leaseNamespace(leaseId));
    return {
      available: true,
      usage: items.map((m) => ({
        pod: m.metadata.name,
        cpuMillis: m.containers.reduce((n, c) => n + (c.usage.cpu ? cpuMillis(c.usage.cpu) : 0), 0),
        memoryBytes: m.containers.reduce((n, c) => n + (c.usage.memory ? memoryBytes(c.usage.memory) : 0), 0),
      })),
    };
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === 404 || code === 503) return { available: false, usage: [] };
    throw error;
  }
}
