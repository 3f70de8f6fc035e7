import { Spinner } from "@/components/ui/spinner";
import type { ProbeCheck } from "@/lib/k8s/probe-cluster";

/** The cluster checks as they come in, with a progress bar (the wizard and a cluster's re-verify). */
export function ProbeChecklist(props: { checks: ProbeCheck[]; total: number; running: boolean }) {
  const done = props.checks.length;
  const pct = props.running ? Math.min(95, Math.round((done / Math.max(props.total, done + 1)) * 100)) : 100;
  return (
    <div className="space-y-3">
      <div
        className="h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label="Verification progress"
      >
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <ul
        className="divide-y divide-zinc-200 dark:divide-zinc-800"
        data-testid="probe-checks"
        aria-live="polite"
      >
        {props.checks.map((c) => (
          <li key={c.id} className="flex gap-3 py-2" data-testid={`check-${c.id}`} data-status={c.status}>
            <span
              role="img"
              aria-label={c.status}
              className={`mt-0.5 grid h-5 w-5 shrink-0 place-items-center rounded-full text-[11px] font-bold text-white ${
                c.status === "pass" ? "bg-emerald-700" : c.status === "warn" ? "bg-amber-700" : "bg-red-600"
              }`}
            >
              {c.status === "pass" ? "✓" : c.status === "warn" ? "!" : "✕"}
            </span>
            <div className="min-w-0 text-sm">
              <div className="font-medium">{c.label}</div>
              <div className="text-zinc-600 dark:text-zinc-400">{c.detail}</div>
              {c.hint && c.status !== "pass" && (
                <div className="mt-1 text-xs text-amber-800 dark:text-amber-300">How to fix: {c.hint}</div>
              )}
            </div>
          </li>
        ))}
        {props.running && (
          <li className="py-2">
            <Spinner label={`Running check ${done + 1} of about ${Math.max(props.total, done + 1)}…`} />
          </li>
        )}
      </ul>
    </div>
  );
}
