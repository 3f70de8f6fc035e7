import "server-only";
import { ApiException, type V1Pod } from "@kubernetes/client-node";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";
import { quantityOrZero } from "./quantity";

// CPU and memory usage of a namespace's pods from metrics.k8s.io (metrics-server), next to what each
// container requested and is limited to. A cluster without a metrics API is a normal state, reported
// as { available: false, reason }, not an error.

export interface ResourceAmounts {
  cpuMillis: number;
  memoryBytes: number;
}

export interface ContainerMetrics {
  name: string;
  usage: ResourceAmounts;
  requests: ResourceAmounts;
  limits: ResourceAmounts;
}

export interface PodMetrics {
  name: string;
  /** When metrics-server sampled it. */
  timestamp: string | null;
  usage: ResourceAmounts;
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  containers: ContainerMetrics[];
}

export type PodMetricsResult =
  | { available: true; takenAt: string; pods: PodMetrics[] }
  | { available: false; reason: string };

const zero = (): ResourceAmounts => ({ cpuMillis: 0, memoryBytes: 0 });
const add = (a: ResourceAmounts, b: ResourceAmounts) => {
  a.cpuMillis += b.cpuMillis;
  a.memoryBytes += b.memoryBytes;
};
const amounts = (r: Record<string, string> | undefined): ResourceAmounts => ({
  cpuMillis: quantityOrZero(r?.cpu, 1000),
  memoryBytes: quantityOrZero(r?.memory),
});

export async function readPodMetrics(client: ClusterClient, namespace: string): Promise<PodMetricsResult> {
  let items: Awaited<ReturnType<ClusterClient["podMetrics"]>>;
  let pods: V1Pod[];
  try {
    [items, pods] = await Promise.all([
      client.podMetrics(namespace),
      client.core.listNamespacedPod({ namespace }).then((l) => l.items),
    ]);
  } catch (error) {
    if (error instanceof ApiException && (error.code === 404 || error.code === 503))
      return {
        available: false,
        reason:
          "This cluster has no metrics API (metrics.k8s.io); the provider has not installed metrics-server.",
      };
    if (error instanceof ApiException && error.code === 403)
      return { available: false, reason: "KubeBid is not allowed to read pod metrics on this cluster." };
    throw toClusterError(error, `read pod metrics of ${namespace}`);
  }
  const specs = new Map(pods.map((p) => [p.metadata?.name ?? "", p]));
  const result: PodMetrics[] = items.map((item) => {
    const spec = specs.get(item.metadata.name);
    const containers: ContainerMetrics[] = item.containers.map((c) => {
      const container = spec?.spec?.containers.find((s) => s.name === c.name);
      return {
        name: c.name,
        usage: amounts(c.usage as Record<string, string>),
        requests: amounts(container?.resources?.requests),
        limits: amounts(container?.resources?.limits),
      };
    });
    const pod: PodMetrics = {
      name: item.metadata.name,
      timestamp: item.timestamp ?? null,
      usage: zero(),
      requests: zero(),
      limits: zero(),
      containers,
    };
    for (const c of containers) {
      add(pod.usage, c.usage);
      add(pod.requests, c.requests);
      add(pod.limits, c.limits);
    }
    return pod;
  });
  return {
    available: true,
    takenAt: new Date().toISOString(),
    pods: result.sort((a, b) => a.name.localeCompare(b.name)),
  };
}
