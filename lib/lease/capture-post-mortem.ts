import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { type Lease, leasePostMortems } from "@/db/schema";
import { leaseNamespace } from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { toClusterError } from "@/lib/k8s/cluster-error";
import { leasePodSchema, MAX_PODS_PER_LEASE } from "@/lib/k8s/read-cluster-lease-pods";
import { streamPodLogs } from "@/lib/k8s/stream-pod-logs";
import { summarizePod } from "@/lib/k8s/summarize-pod";
import { readLeaseStatus } from "@/lib/lease/lease-status-store";
import {
  POST_MORTEM_LINE_CHARS,
  POST_MORTEM_LOG_LINES,
  POST_MORTEM_MAX_LOGS,
  type PostMortem,
  type PostMortemLog,
} from "@/lib/lease/post-mortem-types";
import { leasePodView } from "@/lib/lease/read-lease-view";
import type { LeaseEvent, LeasePod } from "@/lib/lease/types";

// A lease's post-mortem, captured by the lease controller just before it deletes the namespace
// (whoever closed the lease, or because it ran out): the final pod states, the namespace's events and
// the last 1,000 lines of each container's log, and of its previous instance when it restarted (an
// OOMKilled or crashed container's last words). If the cluster does not answer, what the status store
// last saw is kept, with why; a later capture that reaches the cluster replaces it (teardown is
// retried until it succeeds). The provider's cluster is untrusted: every object is validated, every
// text cut to size, the whole record bounded (post-mortem-types.ts).

const MAX_EVENTS = 100;
/** Characters of log kept over all containers; logs past it are listed as left out. */
const MAX_LOG_CHARS = 4_000_000;
/** The whole capture's deadline: a slow or hostile cluster must not hold the teardown up. */
const CAPTURE_TIMEOUT_MS = 20_000;
const LOG_CONCURRENCY = 4;

const text = z.string().max(64 * 1024);
const time = z.string().max(64).nullish();
const eventSchema = z.object({
  type: text.nullish(),
  reason: text.nullish(),
  message: text.nullish(),
  involvedObject: z.object({ kind: text.nullish(), name: text.nullish() }).nullish(),
  count: z.number().int().min(0).max(1e9).nullish(),
  lastTimestamp: time,
  eventTime: time,
  firstTimestamp: time,
  series: z.object({ count: z.number().int().min(0).max(1e9).nullish(), lastObservedTime: time }).nullish(),
  metadata: z.object({ creationTimestamp: time }).nullish(),
});
const listSchema = z.object({ items: z.array(z.unknown()).nullish() });

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

async function listItems(client: ClusterClient, path: string, signal: AbortSignal): Promise<unknown[]> {
  const list = listSchema.safeParse(await client.requestJson<unknown>(path, { signal }));
  if (!list.success) throw new Error(`the cluster answered ${path} with something that is not a list`);
  return list.data.items ?? [];
}

async function readPods(client: ClusterClient, namespace: string, signal: AbortSignal) {
  const pods: LeasePod[] = [];
  for (const item of await listItems(client, `/api/v1/namespaces/${namespace}/pods`, signal)) {
    const pod = leasePodSchema.safeParse(item);
    if (!pod.success || pod.data.metadata.namespace !== namespace) continue;
    if (pods.length >= MAX_PODS_PER_LEASE) break;
    pods.push(leasePodView(summarizePod(pod.data)));
  }
  return pods.sort((a, b) => a.name.localeCompare(b.name));
}

async function readEvents(client: ClusterClient, namespace: string, signal: AbortSignal) {
  const events: LeaseEvent[] = [];
  for (const item of await listItems(client, `/api/v1/namespaces/${namespace}/events`, signal)) {
    const e = eventSchema.safeParse(item);
    if (!e.success) continue;
    const v = e.data;
    events.push({
      type: clip(v.type ?? "Normal", 32),
      reason: clip(v.reason ?? "", 128),
      message: clip(v.message ?? "", 1024),
      object: clip(`${v.involvedObject?.kind ?? ""}/${v.involvedObject?.name ?? ""}`, 300),
      count: v.count ?? v.series?.count ?? 1,
      at:
        v.lastTimestamp ??
        v.eventTime ??
        v.series?.lastObservedTime ??
        v.firstTimestamp ??
        v.metadata?.creationTimestamp ??
        null,
    });
  }
  // Newest first, as the lease page lists them.
  return events.sort((a, b) => (b.at ?? "").localeCompare(a.at ?? "")).slice(0, MAX_EVENTS);
}

/** The logs to read: a container's current instance if it started, its previous one if it restarted. */
function logTargets(pods: LeasePod[]): Omit<PostMortemLog, "lines" | "truncated" | "error">[] {
  const targets: Omit<PostMortemLog, "lines" | "truncated" | "error">[] = [];
  for (const pod of pods)
    for (const c of pod.containerStatuses) {
      // Waiting after a crash (CrashLoopBackOff): the kubelet's "current" log is the previous instance's,
      // so only the previous one is read.
      if (c.state?.state === "running" || c.state?.state === "terminated")
        targets.push({ pod: pod.name, container: c.name, previous: false });
      if (c.lastState?.state === "terminated")
        targets.push({ pod: pod.name, container: c.name, previous: true });
    }
  return targets;
}

async function readLog(
  client: ClusterClient,
  namespace: string,
  target: Omit<PostMortemLog, "lines" | "truncated" | "error">,
  budget: { chars: number },
  signal: AbortSignal,
): Promise<PostMortemLog> {
  const lines: string[] = [];
  let truncated = false;
  try {
    const stream = await streamPodLogs(client, {
      namespace,
      pod: target.pod,
      container: target.container,
      previous: target.previous,
      tailLines: POST_MORTEM_LOG_LINES,
      timestamps: true,
      limitBytes: POST_MORTEM_LOG_LINES * (POST_MORTEM_LINE_CHARS + 64),
      signal,
    });
    for await (const line of stream) {
      // The cluster may send more than asked: keep the last lines only.
      if (lines.length === POST_MORTEM_LOG_LINES) {
        lines.shift();
        truncated = true;
      }
      if (line.length > POST_MORTEM_LINE_CHARS) truncated = true;
      lines.push(clip(line, POST_MORTEM_LINE_CHARS));
    }
  } catch (error) {
    return { ...target, lines, truncated, error: clip((error as Error).message ?? String(error), 500) };
  }
  const chars = lines.reduce((n, l) => n + l.length, 0);
  if (chars > budget.chars)
    return {
      ...target,
      lines: [],
      truncated: true,
      error: "left out: the post-mortem's size limit was reached",
    };
  budget.chars -= chars;
  return {
    ...target,
    lines,
    truncated,
    error: signal.aborted ? "the cluster took too long; the log may be incomplete" : null,
  };
}

async function readLogs(client: ClusterClient, namespace: string, pods: LeasePod[], signal: AbortSignal) {
  const targets = logTargets(pods);
  const logs: PostMortemLog[] = new Array(Math.min(targets.length, POST_MORTEM_MAX_LOGS));
  const budget = { chars: MAX_LOG_CHARS };
  let next = 0;
  const worker = async () => {
    while (next < logs.length) {
      const i = next++;
      logs[i] = await readLog(client, namespace, targets[i] as (typeof targets)[number], budget, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOG_CONCURRENCY, logs.length) }, worker));
  // Named as left out, up to as many again (the pod list already bounds them; this bounds the record).
  for (const t of targets.slice(POST_MORTEM_MAX_LOGS, 2 * POST_MORTEM_MAX_LOGS))
    logs.push({ ...t, lines: [], truncated: true, error: "left out: too many containers" });
  return logs;
}

export async function capturePostMortem(opts: {
  db: Db;
  lease: Lease;
  clientFor: (clusterId: string) => Promise<ClusterClient>;
  now: Date;
  timeoutMs?: number;
}): Promise<void> {
  const { db, lease } = opts;
  // Never deployed: there is no workload to remember (the page shows the close reason from the lease).
  if (!lease.clusterId) return;
  const [existing] = await db
    .select({ reachable: leasePostMortems.reachable })
    .from(leasePostMortems)
    .where(eq(leasePostMortems.leaseId, lease.id));
  if (existing?.reachable) return;

  const namespace = leaseNamespace(lease.id);
  const base = {
    trigger: lease.status === "closed" ? ("closed" as const) : ("exhausted" as const),
    closeReason: lease.closeReason,
  };
  const signal = AbortSignal.timeout(opts.timeoutMs ?? CAPTURE_TIMEOUT_MS);
  let body: PostMortem;
  let reachable: boolean;
  try {
    const client = await opts.clientFor(lease.clusterId);
    const [pods, events] = await Promise.all([
      readPods(client, namespace, signal),
      readEvents(client, namespace, signal),
    ]).catch((error) => {
      throw toClusterError(error, `read what ${namespace} left`);
    });
    const logs = await readLogs(client, namespace, pods, signal);
    body = { ...base, observedAt: opts.now.toISOString(), clusterError: null, pods, events, logs };
    reachable = true;
  } catch (error) {
    if (existing) return; // already recorded as unreachable, with what was last seen
    const last = await readLeaseStatus({ db, leaseId: lease.id });
    body = {
      ...base,
      observedAt: last?.at ?? null,
      clusterError: clip((error as Error).message?.split("\n")[0] ?? String(error), 500),
      // Rows stored before per-container detail existed have no containerStatuses.
      pods: (last?.status.pods ?? []).map((p) => ({ ...p, containerStatuses: p.containerStatuses ?? [] })),
      events: last?.status.events ?? [],
      logs: [],
    };
    reachable = false;
  }
  await db
    .insert(leasePostMortems)
    .values({ leaseId: lease.id, reachable, body, capturedAt: opts.now })
    .onConflictDoUpdate({ target: leasePostMortems.leaseId, set: { reachable, body, capturedAt: opts.now } });
}
