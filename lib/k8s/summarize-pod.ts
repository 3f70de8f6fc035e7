import { cpuMillis, memoryBytes } from "./quantity";

// One pod as the lease page shows it: phase (Terminating while being deleted, as kubectl shows it),
// readiness, restarts and why it is not running (waiting/terminated reasons, scheduling failures),
// with the requests and limits its containers set, and each container as `kubectl describe pod`
// shows it (state and last state with reason, exit code and back-off message). Takes client-node's
// V1Pod (namespaced reads) and the validated shape of a cluster-wide list (read-cluster-lease-pods.ts)
// alike.

/** A container state: running, waiting (with its reason and message) or terminated (exit code). */
export interface ContainerStateView {
  state: "running" | "waiting" | "terminated";
  /** CrashLoopBackOff, ImagePullBackOff, OOMKilled, Error, Completed… (null when running). */
  reason: string | null;
  /** The waiting or terminated message, e.g. "back-off 40s restarting failed container=…". */
  message: string | null;
  exitCode: number | null;
  signal: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface LeaseContainerStatus {
  name: string;
  ready: boolean;
  restarts: number;
  /** null before the kubelet reports the container. */
  state: ContainerStateView | null;
  /** The previous instance's end, after a restart (OOMKilled, Error with its exit code). */
  lastState: ContainerStateView | null;
  requests: { cpuMillis: number | null; memoryBytes: number | null };
  limits: { cpuMillis: number | null; memoryBytes: number | null };
}

export interface LeasePodStatus {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node: string | null;
  /** Why it is not (or was not) running: waiting/terminated reasons and scheduling failures. */
  reasons: string[];
  message: string | null;
  startedAt: string | null;
  createdAt: string | null;
  containers: number;
  /** The spec's container names, in order (the shell's container picker). */
  containerNames: string[];
  readyContainers: number;
  /** The pod's app containers in spec order (init containers show in `reasons` only). */
  containerStatuses: LeaseContainerStatus[];
  /** Sum over the pod's containers; null where no container sets it. */
  requests: { cpuMillis: number | null; memoryBytes: number | null };
  limits: { cpuMillis: number | null; memoryBytes: number | null };
}

type Time = Date | string | null | undefined;

interface ContainerStateLike {
  running?: { startedAt?: Time } | null;
  waiting?: { reason?: string | null; message?: string | null } | null;
  terminated?: {
    reason?: string | null;
    message?: string | null;
    exitCode?: number | null;
    signal?: number | null;
    startedAt?: Time;
    finishedAt?: Time;
  } | null;
}

interface ContainerStatusLike {
  name?: string | null;
  ready?: boolean | null;
  restartCount?: number | null;
  state?: ContainerStateLike | null;
  lastState?: ContainerStateLike | null;
}

/** The fields of a Pod this module reads; V1Pod fits it. */
export interface PodLike {
  metadata?: { name?: string | null; deletionTimestamp?: Time; creationTimestamp?: Time } | null;
  spec?: {
    nodeName?: string | null;
    containers?: Array<{
      name?: string | null;
      resources?: {
        requests?: Record<string, string> | null;
        limits?: Record<string, string> | null;
      } | null;
    }> | null;
  } | null;
  status?: {
    phase?: string | null;
    reason?: string | null;
    startTime?: Time;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string | null;
      message?: string | null;
    }> | null;
    containerStatuses?: ContainerStatusLike[] | null;
    initContainerStatuses?: ContainerStatusLike[] | null;
  } | null;
}

function timestamp(v: Time): string | null {
  if (!v) return null;
  return v instanceof Date ? v.toISOString() : String(v);
}

type ContainerSpec = NonNullable<NonNullable<PodLike["spec"]>["containers"]>[number];

function quantity(c: ContainerSpec | undefined, kind: "requests" | "limits", key: "cpu" | "memory") {
  const q = c?.resources?.[kind]?.[key];
  if (q === undefined) return null;
  try {
    return key === "cpu" ? cpuMillis(q) : memoryBytes(q);
  } catch {
    // A quantity the cluster wrote that does not parse: left out rather than failing the pod.
    return null;
  }
}

function containerSum(pod: PodLike, kind: "requests" | "limits", key: "cpu" | "memory"): number | null {
  let total: number | null = null;
  for (const c of pod.spec?.containers ?? []) {
    const q = quantity(c, kind, key);
    if (q !== null) total = (total ?? 0) + q;
  }
  return total;
}

function stateView(s: ContainerStateLike | null | undefined): ContainerStateView | null {
  const base = { message: null, exitCode: null, signal: null, startedAt: null, finishedAt: null };
  if (s?.terminated)
    return {
      state: "terminated",
      reason: s.terminated.reason ?? null,
      message: s.terminated.message ?? null,
      exitCode: s.terminated.exitCode ?? null,
      signal: s.terminated.signal ?? null,
      startedAt: timestamp(s.terminated.startedAt),
      finishedAt: timestamp(s.terminated.finishedAt),
    };
  if (s?.waiting)
    return {
      ...base,
      state: "waiting",
      reason: s.waiting.reason ?? null,
      message: s.waiting.message ?? null,
    };
  if (s?.running)
    return { ...base, state: "running", reason: null, startedAt: timestamp(s.running.startedAt) };
  return null;
}

/** Each container of the spec with its status (by name), then any status the spec does not name. */
function containerViews(pod: PodLike): LeaseContainerStatus[] {
  const specs = pod.spec?.containers ?? [];
  const statuses = pod.status?.containerStatuses ?? [];
  const names = [...new Set([...specs.map((c) => c.name ?? ""), ...statuses.map((cs) => cs.name ?? "")])];
  return names
    .filter((n) => n !== "")
    .map((name) => {
      const spec = specs.find((c) => c.name === name);
      const cs = statuses.find((x) => x.name === name);
      return {
        name,
        ready: cs?.ready ?? false,
        restarts: cs?.restartCount ?? 0,
        state: stateView(cs?.state),
        lastState: stateView(cs?.lastState),
        requests: {
          cpuMillis: quantity(spec, "requests", "cpu"),
          memoryBytes: quantity(spec, "requests", "memory"),
        },
        limits: {
          cpuMillis: quantity(spec, "limits", "cpu"),
          memoryBytes: quantity(spec, "limits", "memory"),
        },
      };
    });
}

export function summarizePod(pod: PodLike): LeasePodStatus {
  const reasons = new Set<string>();
  let message: string | null = null;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    const waiting = cs.state?.waiting;
    if (waiting?.reason && waiting.reason !== "ContainerCreating" && waiting.reason !== "PodInitializing") {
      reasons.add(waiting.reason);
      message ??= waiting.message ?? null;
    }
    const terminated = cs.state?.terminated ?? (waiting ? cs.lastState?.terminated : undefined);
    if (terminated?.reason && terminated.reason !== "Completed") reasons.add(terminated.reason);
  }
  for (const c of pod.status?.conditions ?? []) {
    if (c.type === "PodScheduled" && c.status === "False" && c.reason) {
      reasons.add(c.reason);
      message ??= c.message ?? null;
    }
  }
  if (pod.status?.reason) reasons.add(pod.status.reason);
  const containerStatuses = pod.status?.containerStatuses ?? [];
  return {
    name: pod.metadata?.name ?? "",
    // As kubectl shows it: a pod being deleted is Terminating whatever its phase.
    phase: pod.metadata?.deletionTimestamp ? "Terminating" : (pod.status?.phase ?? "Unknown"),
    ready: (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    restarts: containerStatuses.reduce((n, cs) => n + (cs.restartCount ?? 0), 0),
    node: pod.spec?.nodeName ?? null,
    reasons: [...reasons],
    message,
    startedAt: timestamp(pod.status?.startTime),
    createdAt: timestamp(pod.metadata?.creationTimestamp),
    containers: pod.spec?.containers?.length ?? containerStatuses.length,
    containerNames: (pod.spec?.containers ?? []).flatMap((c) => (c.name ? [c.name] : [])),
    readyContainers: containerStatuses.filter((cs) => cs.ready).length,
    containerStatuses: containerViews(pod),
    requests: {
      cpuMillis: containerSum(pod, "requests", "cpu"),
      memoryBytes: containerSum(pod, "requests", "memory"),
    },
    limits: {
      cpuMillis: containerSum(pod, "limits", "cpu"),
      memoryBytes: containerSum(pod, "limits", "memory"),
    },
  };
}
