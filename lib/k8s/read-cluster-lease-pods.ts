import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { z } from "zod";
import { LABELS, leaseNamespace } from "./build-lease-objects";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";
import { quantityOrZero } from "./quantity";
import { type LeasePodStatus, summarizePod } from "./summarize-pod";

// Every lease's pods and their usage on one cluster, in two requests whatever the number of leases:
// one cluster-wide pod list and one cluster-wide metrics.k8s.io pod-metrics list, both by KubeBid's
// label selector (metrics-server filters PodMetrics by the labels of their pods, for any namespace or
// all of them: kubernetes-sigs/metrics-server pkg/api/pod.go, podMetrics.List).
//
// The answers come from the provider's cluster and are untrusted: every item is validated, and only
// pods in the namespaces of the leases this cluster runs count; a pod elsewhere (a namespace that is
// not a lease's, or another provider's lease) is ignored, as are usage figures for pods the pod list
// does not show. Figures are clamped so a cluster cannot make the history unstorable.

export const LEASE_POD_SELECTOR = `${LABELS.managedBy}=kubebid,${LABELS.lease}`;

/** Pods of one lease counted at most (a manifest has ≤ 20 replicas; a rollout briefly has more). */
export const MAX_PODS_PER_LEASE = 64;
/** Usage clamps: the history's integer columns, and sums of a 15-minute bucket, must stay exact. */
const MAX_CPU_MILLIS = 2 ** 31 - 1;
const MAX_MEMORY_BYTES = 2 ** 42;

export interface ContainerUsageFigures {
  container: string;
  cpuMillis: number;
  memoryBytes: number;
}

export interface PodUsageFigures {
  pod: string;
  cpuMillis: number;
  memoryBytes: number;
  /** Per container, by name (the pod's figures are their sums). */
  containers: ContainerUsageFigures[];
}

export interface LeasePodsOnCluster {
  pods: LeasePodStatus[];
  /** Empty when the metrics API is unavailable. */
  usage: PodUsageFigures[];
}

export interface ClusterLeasePods {
  /** One entry per requested lease id, also when the cluster shows none of its pods. */
  leases: Map<string, LeasePodsOnCluster>;
  metrics: { available: true } | { available: false; reason: string };
  /** Items of either list that were left out: malformed, outside the leases' namespaces, duplicates. */
  ignored: number;
}

const name = z.string().min(1).max(253);
const text = z.string().max(4096);
const time = z.string().max(64).nullish();
const quantities = z.record(z.string().max(253), z.string().max(64)).nullish();
const exitCode = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1)
  .nullish();
const containerState = z
  .object({
    running: z.object({ startedAt: time }).nullish(),
    waiting: z.object({ reason: text.nullish(), message: text.nullish() }).nullish(),
    terminated: z
      .object({
        reason: text.nullish(),
        message: text.nullish(),
        exitCode,
        signal: exitCode,
        startedAt: time,
        finishedAt: time,
      })
      .nullish(),
  })
  .nullish();
const containerStatus = z.object({
  name: name.nullish(),
  ready: z.boolean().nullish(),
  restartCount: z.number().int().min(0).max(1e9).nullish(),
  state: containerState,
  lastState: containerState,
});

/** A pod as KubeBid reads it from a provider's cluster: only the fields it shows, bounded. */
export const leasePodSchema = z.object({
  metadata: z.object({
    name,
    namespace: name,
    deletionTimestamp: time,
    creationTimestamp: time,
  }),
  spec: z
    .object({
      nodeName: name.nullish(),
      containers: z
        .array(
          z.object({
            name: name.nullish(),
            resources: z.object({ requests: quantities, limits: quantities }).nullish(),
          }),
        )
        .max(100)
        .nullish(),
    })
    .nullish(),
  status: z
    .object({
      phase: text.nullish(),
      reason: text.nullish(),
      startTime: time,
      conditions: z
        .array(z.object({ type: text, status: text, reason: text.nullish(), message: text.nullish() }))
        .max(50)
        .nullish(),
      containerStatuses: z.array(containerStatus).max(100).nullish(),
      initContainerStatuses: z.array(containerStatus).max(100).nullish(),
    })
    .nullish(),
});

const podMetricsSchema = z.object({
  metadata: z.object({ name, namespace: name }),
  containers: z
    .array(
      z.object({
        name,
        usage: z
          .object({ cpu: z.string().max(64).nullish(), memory: z.string().max(64).nullish() })
          .nullish(),
      }),
    )
    .max(100),
});

const listSchema = z.object({ items: z.array(z.unknown()).nullish() });

function clamp(value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.min(Math.round(value), max);
}

async function listItems(client: ClusterClient, path: string, signal?: AbortSignal): Promise<unknown[]> {
  const body = await client.requestJson<unknown>(path, {
    query: { labelSelector: LEASE_POD_SELECTOR },
    signal,
  });
  const list = listSchema.safeParse(body);
  if (!list.success)
    throw new ApiException(502, `the cluster answered ${path} with something that is not a list`, body, {});
  return list.data.items ?? [];
}

export async function readClusterLeasePods(
  client: ClusterClient,
  opts: { leaseIds: Iterable<string>; signal?: AbortSignal },
): Promise<ClusterLeasePods> {
  const byNamespace = new Map<string, LeasePodsOnCluster>();
  const leases = new Map<string, LeasePodsOnCluster>();
  for (const id of opts.leaseIds) {
    const entry: LeasePodsOnCluster = { pods: [], usage: [] };
    leases.set(id, entry);
    byNamespace.set(leaseNamespace(id), entry);
  }

  const [podItems, metricsResult] = await Promise.all([
    listItems(client, "/api/v1/pods", opts.signal).catch((error) => {
      throw toClusterError(error, "list the leases' pods");
    }),
    listItems(client, "/apis/metrics.k8s.io/v1beta1/pods", opts.signal).then(
      (items) => ({ available: true as const, items }),
      (error) => {
        if (error instanceof ApiException && (error.code === 404 || error.code === 503))
          return {
            available: false as const,
            reason:
              "This cluster has no metrics API (metrics.k8s.io); the provider has not installed metrics-server.",
          };
        if (error instanceof ApiException && error.code === 403)
          return {
            available: false as const,
            reason: "KubeBid is not allowed to read pod metrics on this cluster.",
          };
        throw toClusterError(error, "list the leases' pod metrics");
      },
    ),
  ]);

  let ignored = 0;
  const seen = new Set<string>();
  for (const item of podItems) {
    const pod = leasePodSchema.safeParse(item);
    const entry = pod.success ? byNamespace.get(pod.data.metadata.namespace) : undefined;
    const key = pod.success ? `${pod.data.metadata.namespace}/${pod.data.metadata.name}` : "";
    if (!pod.success || !entry || seen.has(key) || entry.pods.length >= MAX_PODS_PER_LEASE) {
      ignored++;
      continue;
    }
    seen.add(key);
    entry.pods.push(summarizePod(pod.data));
  }

  if (metricsResult.available) {
    const counted = new Set<string>();
    for (const item of metricsResult.items) {
      const m = podMetricsSchema.safeParse(item);
      const entry = m.success ? byNamespace.get(m.data.metadata.namespace) : undefined;
      const key = m.success ? `${m.data.metadata.namespace}/${m.data.metadata.name}` : "";
      // Usage only for pods the pod list shows in that lease's namespace, once each.
      if (!m.success || !entry || !seen.has(key) || counted.has(key)) {
        ignored++;
        continue;
      }
      counted.add(key);
      let cpu = 0;
      let memory = 0;
      const containers = new Map<string, ContainerUsageFigures>();
      for (const c of m.data.containers) {
        // A container named twice counts once: a PodMetrics has one entry per container.
        if (containers.has(c.name)) continue;
        const figures = {
          container: c.name,
          cpuMillis: clamp(quantityOrZero(c.usage?.cpu, 1000), MAX_CPU_MILLIS),
          memoryBytes: clamp(quantityOrZero(c.usage?.memory), MAX_MEMORY_BYTES),
        };
        containers.set(c.name, figures);
        cpu += figures.cpuMillis;
        memory += figures.memoryBytes;
      }
      entry.usage.push({
        pod: m.data.metadata.name,
        cpuMillis: Math.min(cpu, MAX_CPU_MILLIS),
        memoryBytes: Math.min(memory, MAX_MEMORY_BYTES),
        containers: [...containers.values()].sort((a, b) => a.container.localeCompare(b.container)),
      });
    }
  }

  for (const entry of leases.values()) {
    entry.pods.sort((a, b) => a.name.localeCompare(b.name));
    entry.usage.sort((a, b) => a.pod.localeCompare(b.pod));
  }
  return {
    leases,
    metrics: metricsResult.available ? { available: true } : metricsResult,
    ignored,
  };
}
