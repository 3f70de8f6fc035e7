import "server-only";
import { leaseNamespace } from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { readLeaseStatus } from "@/lib/k8s/read-lease-status";
import { readPodMetrics } from "@/lib/k8s/read-pod-metrics";
import type { LeasePodStatus } from "@/lib/k8s/summarize-pod";
import type { LeasePod, LeaseStatusView, PodUsage } from "@/lib/lease/types";

// The lease page's view of a lease's namespace (pods with requests and limits, newest events first,
// the Service) and its pod usage, from lib/k8s: a browser-safe shape with nothing of client-node.

const MAX_EVENTS = 100;

/** A pod as the lease page shows it. */
export function leasePodView(p: LeasePodStatus): LeasePod {
  return {
    name: p.name,
    phase: p.phase,
    ready: p.ready,
    readyContainers: p.readyContainers,
    containers: p.containers,
    containerNames: p.containerNames,
    restarts: p.restarts,
    node: p.node,
    createdAt: p.createdAt,
    reason: p.reasons[0] ?? null,
    reasons: p.reasons,
    requests: p.requests,
    limits: p.limits,
    containerStatuses: p.containerStatuses,
  };
}

export async function readLeaseView(client: ClusterClient, leaseId: string): Promise<LeaseStatusView> {
  const status = await readLeaseStatus(client, leaseId, { maxEvents: MAX_EVENTS });
  return {
    rollouts: status.rollouts,
    pods: status.pods.map(leasePodView),
    events: status.events
      .map((e) => ({
        type: e.type,
        reason: e.reason,
        message: e.message,
        object: e.object,
        count: e.count,
        at: e.lastTimestamp,
      }))
      .reverse(),
    endpoints: status.service
      ? [
          {
            name: status.service.name,
            type: status.service.type,
            clusterIP: status.service.clusterIP,
            ports: status.service.ports,
            addresses: status.service.addresses,
          },
        ]
      : [],
    autoscalers: status.autoscalers,
  };
}

export async function readLeaseUsage(
  client: ClusterClient,
  leaseId: string,
): Promise<{ available: boolean; usage: PodUsage[] }> {
  const metrics = await readPodMetrics(client, leaseNamespace(leaseId));
  if (!metrics.available) return { available: false, usage: [] };
  return {
    available: true,
    usage: metrics.pods.map((m) => ({
      pod: m.name,
      cpuMillis: m.usage.cpuMillis,
      memoryBytes: m.usage.memoryBytes,
      containers: m.containers.map((c) => ({
        container: c.name,
        cpuMillis: c.usage.cpuMillis,
        memoryBytes: c.usage.memoryBytes,
      })),
    })),
  };
}
