"use client";

import { useQuery } from "@tanstack/react-query";
import { ContainerTable } from "@/components/lease/container-table";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { fetchJson } from "@/lib/api/fetch-json";
import { POST_MORTEM_LOG_LINES, type PostMortemView } from "@/lib/lease/post-mortem-types";
import { timeAgo } from "@/lib/market/format";

// A closed lease's post-mortem: why it ended (the on-chain close reason), the final state of its pods
// and containers, the namespace's events and the last log lines of each container (and of its previous
// instance), as captured just before the namespace was deleted. Every log is a plain <pre> so the
// browser's find searches it. Asked for until the lease controller has captured it.

export function PostMortemPanel(props: { leaseId: string; closeReason: string | null }) {
  const query = useQuery({
    queryKey: ["post-mortem", props.leaseId],
    queryFn: () =>
      fetchJson<{ postMortem: PostMortemView | null }>(`/api/leases/${props.leaseId}/post-mortem`),
    refetchInterval: (q) => (q.state.data?.postMortem ? false : 5000),
  });
  const pm = query.data?.postMortem ?? null;
  const reason = props.closeReason ?? pm?.body.closeReason ?? null;
  return (
    <Card title="Post-mortem" testId="post-mortem">
      <dl className="mb-4 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-zinc-600 dark:text-zinc-400">Ended</dt>
        <dd data-testid="post-mortem-reason">
          {pm?.body.trigger === "exhausted" ? "Ran out of escrow or time" : "Closed"}
          {reason ? (
            <>
              : <span className="font-medium">{reason}</span>
            </>
          ) : (
            " (no reason given)"
          )}
        </dd>
        {pm && (
          <>
            <dt className="text-zinc-600 dark:text-zinc-400">Captured</dt>
            <dd suppressHydrationWarning>{timeAgo(pm.capturedAt)}</dd>
          </>
        )}
      </dl>
      {query.error && (
        <p className="text-sm text-red-600 dark:text-red-400">{(query.error as Error).message}</p>
      )}
      {!pm ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="post-mortem-pending">
          {query.isPending
            ? "Loading…"
            : "Not captured (yet): the workload is captured when it is torn down."}
        </p>
      ) : (
        <div className="space-y-6">
          {!pm.reachable && (
            <p
              className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-300"
              data-testid="post-mortem-unreachable"
            >
              The cluster did not answer at close ({pm.body.clusterError}). Shown: what was last seen
              {pm.body.observedAt ? <span suppressHydrationWarning> {timeAgo(pm.body.observedAt)}</span> : ""}
              ; no logs.
            </p>
          )}
          <section className="space-y-2">
            <h3 className="text-sm font-medium">Final pod states</h3>
            {pm.body.pods.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No pods were left.</p>
            ) : (
              <>
                <Table label="Final pods">
                  <THead>
                    <Th>Pod</Th>
                    <Th>Phase at close</Th>
                    <Th>Ready</Th>
                    <Th>Restarts</Th>
                    <Th>Node</Th>
                  </THead>
                  <TBody>
                    {pm.body.pods.map((p) => (
                      <tr key={p.name} data-testid="post-mortem-pod">
                        <td className="font-mono text-xs">{p.name}</td>
                        <td>
                          <Badge tone={p.phase === "Failed" ? "red" : "gray"}>{p.phase}</Badge>
                          {p.reason && (
                            <span className="ml-2 text-xs text-amber-700 dark:text-amber-400">
                              {p.reason}
                            </span>
                          )}
                        </td>
                        <td className="tabular-nums">
                          {p.readyContainers}/{p.containers}
                        </td>
                        <td className="tabular-nums">{p.restarts}</td>
                        <td className="text-xs">{p.node ?? "—"}</td>
                      </tr>
                    ))}
                  </TBody>
                </Table>
                <ContainerTable pods={pm.body.pods} final />
              </>
            )}
          </section>
          <section className="space-y-2">
            <h3 className="text-sm font-medium">Events</h3>
            {pm.body.events.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No events.</p>
            ) : (
              <Table label="Events at close" maxHeight="max-h-96">
                <THead sticky>
                  <Th>Type</Th>
                  <Th>Reason</Th>
                  <Th>Object</Th>
                  <Th>Message</Th>
                  <Th>Count</Th>
                  <Th>Last seen</Th>
                </THead>
                <TBody>
                  {pm.body.events.map((e, i) => (
                    <tr
                      key={`${e.object}-${e.reason}-${i}`}
                      className="align-top"
                      data-testid="post-mortem-event"
                    >
                      <td>
                        <Badge tone={e.type === "Warning" ? "amber" : "gray"}>{e.type}</Badge>
                      </td>
                      <td className="whitespace-nowrap">{e.reason}</td>
                      <td className="font-mono text-xs">{e.object}</td>
                      <td className="min-w-64 break-words">{e.message}</td>
                      <td className="tabular-nums">{e.count}</td>
                      <td className="whitespace-nowrap text-xs" title={e.at ?? ""}>
                        {e.at ?? "—"}
                      </td>
                    </tr>
                  ))}
                </TBody>
              </Table>
            )}
          </section>
          <section className="space-y-3">
            <h3 className="text-sm font-medium">
              Logs{" "}
              <span className="font-normal text-zinc-600 dark:text-zinc-400">
                (last {POST_MORTEM_LOG_LINES} lines each; use your browser's find to search)
              </span>
            </h3>
            {pm.body.logs.length === 0 && (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No logs were captured.</p>
            )}
            {pm.body.logs.map((l) => (
              <div
                key={`${l.pod}/${l.container}/${l.previous}`}
                className="space-y-1"
                data-testid="post-mortem-log"
              >
                <p className="flex flex-wrap items-center gap-2 text-xs">
                  <span className="font-mono">
                    {l.pod}/{l.container}
                  </span>
                  {l.previous && <Badge tone="amber">previous instance</Badge>}
                  <span className="text-zinc-600 dark:text-zinc-400">
                    {l.lines.length} lines{l.truncated ? " (cut)" : ""}
                  </span>
                </p>
                {l.error && <p className="text-xs text-amber-700 dark:text-amber-400">{l.error}</p>}
                {l.lines.length > 0 && (
                  <pre
                    // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls; keyboard users must reach it (WCAG 2.1.1)
                    tabIndex={0}
                    className="max-h-80 overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100"
                  >
                    {l.lines.join("\n")}
                  </pre>
                )}
              </div>
            ))}
          </section>
        </div>
      )}
    </Card>
  );
}
