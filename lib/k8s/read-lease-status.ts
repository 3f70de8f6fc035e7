import "server-only";
import { ApiException, type CoreV1Event } from "@kubernetes/client-node";
import { LABELS, leaseNamespace } from "./build-lease-objects";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";
import { type LeasePodStatus, summarizePod } from "./summarize-pod";

// What a tenant (and the lease controller) needs to know about a running lease: its pods and why
// they are not running (CrashLoopBackOff, ImagePullBackOff, Unschedulable, quota refusals via
// FailedCreate events), the Deployment's readiness, recent events and the Service's endpoints.

export interface LeaseEvent {
  type: string;
  reason: string;
  message: string;
  /** "Kind/name" of the object the event is about. */
  object: string;
  count: number;
  lastTimestamp: string | null;
}

/** A service's HorizontalPodAutoscaler as its status reports it. */
export interface LeaseAutoscaler {
  /** The Deployment (= service) it scales. */
  service: string;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** Per target: its resource, the pods' average utilization (null until measured) and the target, in %. */
  metrics: Array<{ resource: string; currentPercent: number | null; targetPercent: number }>;
  /** Why it cannot compute a replica count (ScalingActive False), e.g. no metrics API; null when it can. */
  inactive: string | null;
}

/** A Deployment's rollout, from its status (what `kubectl rollout status` reads). */
export interface LeaseRollout {
  name: string;
  /** The spec hash of its template (annotation), 0x-prefixed; null if it has none. */
  specHash: string | null;
  replicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  /** The controller has seen the latest spec, every replica is updated and available, no old one is left. */
  complete: boolean;
}

export interface LeaseStatus {
  namespace: string;
  exists: boolean;
  deployment: {
    name: string;
    replicas: number;
    readyReplicas: number;
    availableReplicas: number;
    updatedReplicas: number;
  } | null;
  /** Every Deployment's rollout (a spec update rolls them out). */
  rollouts: LeaseRollout[];
  pods: LeasePodStatus[];
  events: LeaseEvent[];
  service: {
    name: string;
    type: string;
    clusterIP: string | null;
    ports: Array<{ name: string | null; port: number; protocol: string; nodePort: number | null }>;
    /** Load-balancer ingress addresses, if the Service has any. */
    addresses: string[];
    /** The pods the Service selects: where its traffic goes (ready) or would go once ready. */
    endpoints: Array<{ pod: string; ip: string | null; ready: boolean }>;
  } | null;
  /** The lease's autoscaled services (empty when none, or when KubeBid may not read HPAs there). */
  autoscalers: LeaseAutoscaler[];
}

const isNotFound = (e: unknown) => e instanceof ApiException && e.code === 404;

function timestamp(v: Date | string | undefined | null): string | null {
  if (!v) return null;
  return v instanceof Date ? v.toISOString() : String(v);
}

function eventOf(e: CoreV1Event): LeaseEvent {
  const last =
    e.lastTimestamp ??
    e.eventTime ??
    e.series?.lastObservedTime ??
    e.firstTimestamp ??
    e.metadata?.creationTimestamp;
  return {
    type: e.type ?? "Normal",
    reason: e.reason ?? "",
    message: e.message ?? "",
    object: `${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}`,
    count: e.count ?? e.series?.count ?? 1,
    lastTimestamp: timestamp(last as Date | string | undefined),
  };
}

export interface ReadLeaseStatusOptions {
  /** Name of the Deployment and Service (the manifest's name). Default: the first Deployment found. */
  name?: string;
  /** Most recent events kept (default 50). */
  maxEvents?: number;
}

export async function readLeaseStatus(
  client: ClusterClient,
  leaseId: string,
  opts: ReadLeaseStatusOptions = {},
): Promise<LeaseStatus> {
  const namespace = leaseNamespace(leaseId);
  const status: LeaseStatus = {
    namespace,
    exists: false,
    deployment: null,
    rollouts: [],
    pods: [],
    events: [],
    service: null,
    autoscalers: [],
  };
  try {
    try {
      await client.core.readNamespace({ name: namespace });
    } catch (error) {
      if (isNotFound(error)) return status;
      throw error;
    }
    status.exists = true;
    const [deployments, pods, events, autoscalers] = await Promise.all([
      client.apps.listNamespacedDeployment({ namespace }),
      client.core.listNamespacedPod({ namespace }),
      client.core.listNamespacedEvent({ namespace }),
      listAutoscalers(client, namespace),
    ]);
    status.autoscalers = autoscalers;
    const dep = deployments.items.find((d) => !opts.name || d.metadata?.name === opts.name);
    if (dep) {
      status.deployment = {
        name: dep.metadata?.name ?? "",
        replicas: dep.spec?.replicas ?? 0,
        readyReplicas: dep.status?.readyReplicas ?? 0,
        availableReplicas: dep.status?.availableReplicas ?? 0,
        updatedReplicas: dep.status?.updatedReplicas ?? 0,
      };
    }
    status.rollouts = deployments.items.map((d) => {
      const replicas = d.spec?.replicas ?? 1;
      const updated = d.status?.updatedReplicas ?? 0;
      const available = d.status?.availableReplicas ?? 0;
      return {
        name: d.metadata?.name ?? "",
        specHash: d.metadata?.annotations?.[LABELS.specHash] ?? null,
        replicas,
        updatedReplicas: updated,
        availableReplicas: available,
        // kubectl's rollout status: observedGeneration caught up, all updated, none old, all available.
        complete:
          (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
          updated === replicas &&
          (d.status?.replicas ?? 0) === updated &&
          available === updated,
      };
    });
    status.pods = pods.items.map(summarizePod).sort((a, b) => a.name.localeCompare(b.name));
    status.events = events.items
      .map(eventOf)
      .sort((a, b) => (a.lastTimestamp ?? "").localeCompare(b.lastTimestamp ?? ""))
      .slice(-(opts.maxEvents ?? 50));

    const serviceName = opts.name ?? dep?.metadata?.name;
    if (serviceName) {
      try {
        const svc = await client.core.readNamespacedService({ namespace, name: serviceName });
        // Endpoints are derived from the selected pods and their readiness, as the endpoints controller
        // does: one read less, and no permission on endpoints needed.
        const selector = Object.entries(svc.spec?.selector ?? {});
        const selected = pods.items.filter(
          (p) =>
            selector.length > 0 &&
            selector.every(([k, v]) => p.metadata?.labels?.[k] === v) &&
            !p.metadata?.deletionTimestamp,
        );
        status.service = {
          name: serviceName,
          type: svc.spec?.type ?? "ClusterIP",
          clusterIP: svc.spec?.clusterIP ?? null,
          ports: (svc.spec?.ports ?? []).map((p) => ({
            name: p.name ?? null,
            port: p.port,
            protocol: p.protocol ?? "TCP",
            nodePort: p.nodePort ?? null,
          })),
          addresses: (svc.status?.loadBalancer?.ingress ?? [])
            .map((i) => i.ip ?? i.hostname ?? "")
            .filter(Boolean),
          endpoints: selected
            .map((p) => ({
              pod: p.metadata?.name ?? "",
              ip: p.status?.podIP ?? null,
              ready: (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
            }))
            .sort((a, b) => a.pod.localeCompare(b.pod)),
        };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return status;
  } catch (error) {
    throw toClusterError(error, `read the status of ${namespace}`);
  }
}

interface HpaObject {
  spec?: {
    scaleTargetRef?: { name?: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: Array<{
      type?: string;
      resource?: { name?: string; target?: { averageUtilization?: number } };
    }>;
  };
  status?: {
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: Array<{
      type?: string;
      resource?: { name?: string; current?: { averageUtilization?: number } };
    }>;
    conditions?: Array<{ type?: string; status?: string; message?: string }>;
  };
}

/** The namespace's HPAs; none when KubeBid's role predates autoscaling (403) or the API is absent (404). */
async function listAutoscalers(client: ClusterClient, namespace: string): Promise<LeaseAutoscaler[]> {
  let items: HpaObject[];
  try {
    ({ items } = await client.requestJson<{ items: HpaObject[] }>(
      `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers`,
    ));
  } catch (error) {
    if (error instanceof ApiException && (error.code === 403 || error.code === 404)) return [];
    throw error;
  }
  return items
    .map((h) => {
      const active = h.status?.conditions?.find((c) => c.type === "ScalingActive");
      return {
        service: h.spec?.scaleTargetRef?.name ?? "",
        minReplicas: h.spec?.minReplicas ?? 1,
        maxReplicas: h.spec?.maxReplicas ?? 0,
        currentReplicas: h.status?.currentReplicas ?? 0,
        desiredReplicas: h.status?.desiredReplicas ?? 0,
        metrics: (h.spec?.metrics ?? []).flatMap((m) => {
          const target = m.resource?.target?.averageUtilization;
          if (m.type !== "Resource" || !m.resource?.name || target === undefined) return [];
          const current = h.status?.currentMetrics?.find(
            (c) => c.type === "Resource" && c.resource?.name === m.resource?.name,
          )?.resource?.current?.averageUtilization;
          return [{ resource: m.resource.name, currentPercent: current ?? null, targetPercent: target }];
        }),
        inactive: active?.status === "False" ? (active.message ?? "scaling is not active") : null,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}
