import type { LeaseDetail } from "@/lib/lease/get-lease-detail";

// ordered → bids → leased → deploying → running → closed, with when each happened where known.

export function LeaseTimeline(props: { lease: LeaseDetail }) {
  const l = props.lease;
  const closed = l.status === "closed";
  const deployed = ["deploying", "running", "torn_down"].includes(l.deployState) || closed;
  const running = l.deployState === "running" || (l.deployState === "torn_down" && closed);
  const steps = [
    { id: "ordered", label: "Ordered", done: true, at: l.order?.createdAt },
    {
      id: "bids",
      label: `Bids${l.order ? ` (${l.order.bidCount})` : ""}`,
      done: true,
      at: l.order?.bidWindowEndsAt,
    },
    { id: "leased", label: "Leased", done: true, at: l.startedAt },
    { id: "deploying", label: "Deploying", done: deployed, failed: l.deployState === "failed" },
    { id: "running", label: "Running", done: running, current: l.deployState === "running" && !closed },
    { id: "closed", label: "Closed", done: closed, at: l.closedAt },
  ];
  return (
    <ol className="flex flex-wrap items-center gap-2" data-testid="lease-timeline">
      {steps.map((s, i) => (
        <li
          key={s.id}
          className="flex items-center gap-2"
          data-testid={`timeline-${s.id}`}
          data-done={s.done}
        >
          <span
            className={`rounded-full px-3 py-1 text-xs font-medium ${
              "failed" in s && s.failed
                ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300"
                : "current" in s && s.current
                  ? "bg-emerald-700 text-white"
                  : s.done
                    ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
                    : "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
            }`}
            title={"at" in s && s.at ? new Date(s.at).toLocaleString() : undefined}
          >
            {s.label}
          </span>
          {i < steps.length - 1 && <span aria-hidden className="h-px w-4 bg-zinc-300 dark:bg-zinc-700" />}
        </li>
      ))}
    </ol>
  );
}
