"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useMemo, useState } from "react";
import { AutoTopUpPanel } from "@/components/lease/auto-top-up-panel";
import { AutoscaleStatus } from "@/components/lease/autoscale-status";
import { ContainerTable } from "@/components/lease/container-table";
import { DeployKeysPanel } from "@/components/lease/deploy-keys-panel";
import { EditDeploymentPanel } from "@/components/lease/edit-deployment-panel";
import { EscrowPanel } from "@/components/lease/escrow-panel";
import { LeaseTimeline } from "@/components/lease/lease-timeline";
import { LogViewer } from "@/components/lease/log-viewer";
import { PostMortemPanel } from "@/components/lease/post-mortem-panel";
import { PublicUrls } from "@/components/lease/public-urls";
import { ServiceLevelPanel } from "@/components/lease/service-level-panel";
import { ShellPanel } from "@/components/lease/shell-panel";
import { StartWaitNote } from "@/components/lease/start-wait-note";
import { containerKey, useLiveUsage } from "@/components/lease/use-live-usage";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { fetchJson } from "@/lib/api/fetch-json";
import type { LeaseDetail } from "@/lib/lease/get-lease-detail";
import { refundTotals } from "@/lib/lease/service-level";
import { formatBytes, formatCores, shortHex, timeAgo } from "@/lib/market/format";

// recharts is the heaviest part of the page: the charts load right after it, not in its first bundle.
const PodUsageChart = dynamic(
  () => import("@/components/lease/pod-usage-chart").then((m) => m.PodUsageChart),
  {
    ssr: false,
    loading: () => <div className="h-40 animate-pulse rounded-md bg-zinc-100 dark:bg-zinc-800" />,
  },
);

// The lease page: timeline, live CPU and memory per pod and per container against requests and limits
// (history from the database, live points over server-sent events), pods and their containers, logs,
// events, public URLs and custom domains, endpoints, escrow, service level (attested start or the
// start-deadline countdown, uptime, downtime, SLA refunds); once closed, its post-mortem.

const windows = [
  { label: "5 min", ms: 5 * 60_000 },
  { label: "15 min", ms: 15 * 60_000 },
  { label: "1 h", ms: 60 * 60_000 },
  // Longer ranges read downsampled history (the server picks the bucket size).
  { label: "6 h", ms: 6 * 60 * 60_000 },
  { label: "7 d", ms: 7 * 24 * 60 * 60_000 },
  { label: "30 d", ms: 30 * 24 * 60 * 60_000 },
] as const;

const deployTone = {
  pending: "gray",
  deploying: "amber",
  running: "green",
  failed: "red",
  torn_down: "gray",
} as const;

type LeaseResponse = LeaseDetail & { role: "tenant" | "provider" };

export function LeaseView(props: { initial: LeaseResponse }) {
  const query = useQuery({
    queryKey: ["lease", props.initial.id],
    queryFn: () => fetchJson<LeaseResponse>(`/api/leases/${props.initial.id}`),
    initialData: props.initial,
    refetchInterval: 2000,
  });
  const lease = query.data;
  const [windowMs, setWindowMs] = useState<number>(windows[0].ms);
  // Once the lease is closed (on chain or in the database) nothing is read live any more: its pods,
  // endpoints and events are gone, whatever the last live message said.
  const active = lease.status === "active";
  // A lease that ran out is torn down before it is closed on chain: nothing of it is live either.
  const workloadLive = active && lease.deployState !== "torn_down";
  const live = useLiveUsage(lease.id, windowMs, workloadLive);
  const liveStatus = workloadLive ? live.status : null;
  const connected = workloadLive && live.connected;
  const pods = liveStatus?.pods ?? [];
  const podNames = useMemo(() => pods.map((p) => p.name), [pods]);
  const chartPods = useMemo(
    () =>
      [...new Set([...podNames, ...Object.keys(live.series)])].filter(
        (name) => podNames.length === 0 || podNames.includes(name),
      ),
    [podNames, live.series],
  );
  const showWorkload = lease.deployState !== "torn_down" && active;
  const containersByPod = useMemo(
    () => Object.fromEntries(pods.map((p) => [p.name, (p.containerStatuses ?? []).map((c) => c.name)])),
    [pods],
  );

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">Lease #{lease.id}</h1>
        <Badge tone={lease.status === "active" ? "green" : "gray"} testId="lease-status">
          {lease.status}
        </Badge>
        <Badge tone={deployTone[lease.deployState]} testId="deploy-state">
          {lease.deployState.replace("_", " ")}
        </Badge>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">
          {lease.role === "tenant" ? "You rent from" : "You provide to"}{" "}
          {lease.role === "tenant"
            ? (lease.providerName ?? shortHex(lease.provider))
            : shortHex(lease.tenant)}
          {lease.cluster && (
            <>
              {" "}
              · cluster {lease.cluster.name}
              {lease.cluster.region ? ` (${lease.cluster.region})` : ""}
            </>
          )}
          {lease.namespace && (
            <>
              {" "}
              · <code className="font-mono text-xs">{lease.namespace}</code>
            </>
          )}
        </span>
      </div>
      <LeaseTimeline lease={lease} />
      <StartWaitNote
        status={lease.status}
        clock={lease.clock}
        start={{ ...lease.serviceLevel, unstarted: lease.serviceLevel.unstarted !== null }}
      />
      {lease.deployError && (
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-300"
          data-testid="deploy-error"
        >
          {lease.deployError}
        </p>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          className="lg:col-span-2"
          testId="usage"
          title={
            <span className="flex items-center gap-2">
              Live usage per pod
              <span
                className={`h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : "bg-zinc-400"}`}
                title={connected ? "live" : active ? "reconnecting" : "closed"}
                data-testid="live-dot"
                data-live={connected}
              />
            </span>
          }
          actions={
            <div className="flex rounded-md border border-zinc-200 p-0.5 text-xs dark:border-zinc-700">
              {windows.map((w) => (
                <button
                  key={w.ms}
                  type="button"
                  onClick={() => setWindowMs(w.ms)}
                  className={`rounded px-2 py-0.5 ${windowMs === w.ms ? "bg-zinc-200 font-medium dark:bg-zinc-700" : "text-zinc-600 dark:text-zinc-400"}`}
                >
                  {w.label}
                </button>
              ))}
            </div>
          }
        >
          {live.liveError && (
            <p className="mb-3 text-sm text-amber-700 dark:text-amber-400">{live.liveError}</p>
          )}
          {!live.metricsAvailable && (
            <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
              This cluster has no metrics API; usage cannot be shown.
            </p>
          )}
          {!showWorkload ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              The workload is gone; the lease is closed or ran out.
            </p>
          ) : chartPods.length === 0 ? (
            <p className="py-10 text-center text-sm text-zinc-600 dark:text-zinc-400">
              Waiting for the first pods…
            </p>
          ) : (
            <div className="space-y-6">
              {chartPods.map((name) => {
                const pod = pods.find((p) => p.name === name);
                const s = live.series[name] ?? { cpu: [], memory: [] };
                return (
                  <div key={name} className="space-y-3" data-testid="pod-charts">
                    <p className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{name}</p>
                    <div className="grid gap-4 md:grid-cols-2">
                      <PodUsageChart
                        testId="cpu-chart"
                        title="CPU"
                        points={s.cpu}
                        request={pod?.requests.cpuMillis ?? null}
                        limit={pod?.limits.cpuMillis ?? null}
                        format={(v) => `${Math.round(v)}m`}
                        color="#2563eb"
                        windowMs={windowMs}
                      />
                      <PodUsageChart
                        testId="memory-chart"
                        title="Memory"
                        points={s.memory}
                        request={pod?.requests.memoryBytes ?? null}
                        limit={pod?.limits.memoryBytes ?? null}
                        format={formatBytes}
                        color="#a855f7"
                        windowMs={windowMs}
                      />
                    </div>
                    {/* Per container, when there is more than one (one container's charts are its pod's). */}
                    {(pod?.containerStatuses ?? []).length > 1 &&
                      pod?.containerStatuses.map((c) => {
                        const cs = live.containerSeries[containerKey(name, c.name)] ?? {
                          cpu: [],
                          memory: [],
                        };
                        return (
                          <div
                            key={c.name}
                            className="space-y-2 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700"
                            data-testid="container-charts"
                          >
                            <p className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
                              {name}/{c.name}
                            </p>
                            <div className="grid gap-4 md:grid-cols-2">
                              <PodUsageChart
                                testId="container-cpu-chart"
                                title="CPU"
                                points={cs.cpu}
                                request={c.requests.cpuMillis}
                                limit={c.limits.cpuMillis}
                                format={(v) => `${Math.round(v)}m`}
                                color="#2563eb"
                                windowMs={windowMs}
                              />
                              <PodUsageChart
                                testId="container-memory-chart"
                                title="Memory"
                                points={cs.memory}
                                request={c.requests.memoryBytes}
                                limit={c.limits.memoryBytes}
                                format={formatBytes}
                                color="#a855f7"
                                windowMs={windowMs}
                              />
                            </div>
                          </div>
                        );
                      })}
                  </div>
                );
              })}
            </div>
          )}
        </Card>

        <div className="space-y-6">
          <EscrowPanel
            lease={lease}
            onChange={() => void query.refetch()}
            slaRefunded={refundTotals(lease.serviceLevel.refunds).total}
          />
          <ServiceLevelPanel level={lease.serviceLevel} role={lease.role} />
          {lease.role === "tenant" && lease.status === "active" && (
            <>
              <AutoTopUpPanel leaseId={lease.id} onChange={() => void query.refetch()} />
              <DeployKeysPanel leaseId={lease.id} tenant={lease.tenant} />
            </>
          )}
          <PublicUrls
            leaseId={lease.id}
            active={workloadLive}
            isTenant={lease.role === "tenant"}
            endpoints={lease.publicEndpoints}
            liveEndpoints={liveStatus?.endpoints}
            domains={lease.domains}
            onChange={() => void query.refetch()}
          />
          <AutoscaleStatus autoscalers={liveStatus?.autoscalers ?? []} />
          <Card title="Endpoints" testId="endpoints">
            {(liveStatus?.endpoints ?? []).length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No service exposed.</p>
            ) : (
              <ul className="space-y-2 text-sm">
                {liveStatus?.endpoints.map((e) => (
                  <li key={e.name}>
                    <span className="font-medium">{e.name}</span> <Badge>{e.type}</Badge>
                    <ul className="mt-1 font-mono text-xs text-zinc-600 dark:text-zinc-400">
                      {e.ports.map((p) => (
                        <li key={`${p.port}/${p.protocol}`}>
                          {e.addresses[0] ?? e.clusterIP ?? "—"}:{p.port}/{p.protocol}
                          {p.nodePort ? ` (node port ${p.nodePort})` : ""}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>

      {lease.role === "tenant" && workloadLive && lease.deployState !== "pending" && (
        <EditDeploymentPanel leaseId={lease.id} rollouts={liveStatus?.rollouts} />
      )}

      <Card title="Pods" testId="pods">
        {pods.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {showWorkload ? "No pods yet." : "No pods: the workload was removed."}
          </p>
        ) : (
          <Table label="Pods">
            <THead>
              <Th>Pod</Th>
              <Th>Phase</Th>
              <Th>Ready</Th>
              <Th>Restarts</Th>
              <Th>Node</Th>
              <Th>Requests</Th>
              <Th>Age</Th>
            </THead>
            <TBody>
              {pods.map((p) => (
                <tr key={p.name} data-testid="pod-row" data-phase={p.phase}>
                  <td className="font-mono text-xs">{p.name}</td>
                  <td>
                    <Badge
                      tone={
                        p.phase === "Running"
                          ? "green"
                          : p.phase === "Pending"
                            ? "amber"
                            : p.phase === "Failed"
                              ? "red"
                              : "gray"
                      }
                      testId="pod-phase"
                    >
                      {p.phase}
                    </Badge>
                    {p.reason && (
                      <span className="ml-2 text-xs text-amber-700 dark:text-amber-400">{p.reason}</span>
                    )}
                  </td>
                  <td className="tabular-nums">
                    {p.readyContainers}/{p.containers}
                  </td>
                  <td className="tabular-nums">{p.restarts}</td>
                  <td className="text-xs">{p.node ?? "—"}</td>
                  <td className="text-xs">
                    {p.requests.cpuMillis !== null ? formatCores(p.requests.cpuMillis) : "—"} ·{" "}
                    {p.requests.memoryBytes !== null ? formatBytes(p.requests.memoryBytes) : "—"}
                  </td>
                  <td className="text-xs" suppressHydrationWarning>
                    {timeAgo(p.createdAt).replace(" ago", "")}
                  </td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>

      {showWorkload && pods.length > 0 && (
        <Card title="Containers" testId="containers">
          <ContainerTable pods={pods} usage={live.latest} />
        </Card>
      )}

      {showWorkload && (
        <Card title="Logs" testId="logs">
          <LogViewer leaseId={lease.id} pods={podNames} containers={containersByPod} />
        </Card>
      )}

      {/* Only the tenant runs commands in its containers; the provider has its own cluster access. */}
      {lease.role === "tenant" && (
        <Card title="Shell" testId="shell">
          <ShellPanel leaseId={lease.id} pods={pods} active={active} />
        </Card>
      )}

      <Card title="Events" testId="events">
        {(liveStatus?.events ?? []).length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No events.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {liveStatus?.events.map((e, i) => (
              <li key={`${e.object}-${e.reason}-${i}`} className="flex gap-3 py-1.5" data-testid="event-row">
                <Badge tone={e.type === "Warning" ? "amber" : "gray"}>{e.reason}</Badge>
                <span className="flex-1 text-zinc-700 dark:text-zinc-300">
                  <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{e.object}</span>{" "}
                  {e.message}
                  {e.count > 1 && (
                    <span className="text-xs text-zinc-600 dark:text-zinc-400"> ×{e.count}</span>
                  )}
                </span>
                <span className="text-xs text-zinc-600 dark:text-zinc-400" suppressHydrationWarning>
                  {timeAgo(e.at)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {!workloadLive && lease.cluster && (
        <PostMortemPanel leaseId={lease.id} closeReason={lease.closeReason} />
      )}
    </div>
  );
}
