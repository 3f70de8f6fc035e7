import { Badge } from "@/components/ui/badge";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { describeContainerState } from "@/lib/lease/describe-container-state";
import type { LeasePod, PodUsage } from "@/lib/lease/types";
import { usagePercent } from "@/lib/lease/usage-percent";
import { formatBytes } from "@/lib/market/format";

// Each container of each pod, as `kubectl describe pod` and k9s's container view show it: state and
// last state (OOMKilled, Error with its exit code, CrashLoopBackOff with its back-off), restarts and,
// with live usage, CPU and memory with their percentages of request and limit (%CPU/R, %CPU/L,
// %MEM/R, %MEM/L; n/a where none is set). Without `usage` (a post-mortem) the usage columns are left out.
// `final`: the states a closed lease's containers were in when captured; nothing of it shows as alive.

function State(props: {
  state: Parameters<typeof describeContainerState>[0];
  testId: string;
  final?: boolean;
}) {
  const s = describeContainerState(props.state);
  if (props.final && s.tone === "green") s.tone = "gray";
  if (!props.state) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <span className="flex min-w-40 flex-col gap-0.5">
      <Badge tone={s.tone} testId={props.testId}>
        {s.label}
      </Badge>
      {s.detail && (
        <span className="max-w-72 break-words text-xs text-zinc-600 dark:text-zinc-400">{s.detail}</span>
      )}
    </span>
  );
}

const pct = (v: number | null) => (v === null ? "n/a" : `${v}%`);

export function ContainerTable(props: {
  pods: LeasePod[];
  usage?: Record<string, PodUsage>;
  final?: boolean;
}) {
  const rows = props.pods.flatMap((pod) => (pod.containerStatuses ?? []).map((c) => ({ pod, c })));
  if (rows.length === 0)
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No containers reported.</p>;
  const withUsage = props.usage !== undefined;
  return (
    <Table label="Containers" testId="container-table">
      <THead>
        <Th>Container</Th>
        <Th>{props.final ? "State at close" : "State"}</Th>
        <Th>Last state</Th>
        <Th>Restarts</Th>
        {withUsage && (
          <>
            <Th>CPU</Th>
            <Th title="CPU usage as % of the request">%CPU/R</Th>
            <Th title="CPU usage as % of the limit">%CPU/L</Th>
            <Th>Memory</Th>
            <Th title="Memory usage as % of the request">%MEM/R</Th>
            <Th title="Memory usage as % of the limit">%MEM/L</Th>
          </>
        )}
      </THead>
      <TBody>
        {rows.map(({ pod, c }) => {
          const used = props.usage?.[pod.name]?.containers?.find((u) => u.container === c.name);
          const p = used ? usagePercent(used, c.requests, c.limits) : null;
          return (
            <tr
              key={`${pod.name}/${c.name}`}
              data-testid="container-row"
              data-container={c.name}
              className="align-top"
            >
              <td className="font-mono text-xs">
                <span className="text-zinc-500 dark:text-zinc-400">{pod.name}/</span>
                {c.name}
              </td>
              <td>
                <State state={c.state} testId="container-state" final={props.final} />
              </td>
              <td>
                <State state={c.lastState} testId="container-last-state" />
              </td>
              <td className="tabular-nums" data-testid="container-restarts">
                {c.restarts}
              </td>
              {withUsage && (
                <>
                  <td className="tabular-nums">{used ? `${used.cpuMillis}m` : "—"}</td>
                  <td className="tabular-nums" data-testid="cpu-of-request">
                    {p ? pct(p.cpuOfRequest) : "—"}
                  </td>
                  <td className="tabular-nums">{p ? pct(p.cpuOfLimit) : "—"}</td>
                  <td className="tabular-nums">{used ? formatBytes(used.memoryBytes) : "—"}</td>
                  <td className="tabular-nums">{p ? pct(p.memoryOfRequest) : "—"}</td>
                  <td className="tabular-nums" data-testid="memory-of-limit">
                    {p ? pct(p.memoryOfLimit) : "—"}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}
