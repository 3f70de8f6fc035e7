"use client";

import { type DraftBinding, type DraftPath, fieldId, pathKey } from "./draft-binding";
import { DraftText, GroupError } from "./draft-inputs";

// A service's horizontal autoscaling: between min and max replicas on the average CPU and/or memory
// utilisation of its pods (a HorizontalPodAutoscaler on the lease's cluster). The order buys max
// replicas, so the quota always has room; `replicas` above is then the count it starts with.

export function ServiceAutoscaleFields(props: { b: DraftBinding; at: DraftPath; gpuMetrics: boolean }) {
  const { b, at } = props;
  const path = [...at, "autoscale"];
  const on = b.get(path) !== undefined;
  const toggle = (checked: boolean) => {
    if (!checked) return b.set(path, undefined);
    const replicas = Number(b.get([...at, "replicas"]) ?? 1) || 1;
    b.set(path, { min: replicas, max: Math.min(20, Math.max(replicas * 2, 2)), cpuPercent: 70 });
  };
  return (
    <section className="space-y-2" data-testid={`autoscale-${pathKey(at)}`}>
      <h4 className="text-sm font-medium">Autoscale</h4>
      <label className="flex items-start gap-2 text-sm" htmlFor={fieldId(path)}>
        <input
          id={fieldId(path)}
          data-testid={`field-${pathKey(path)}`}
          type="checkbox"
          className="mt-0.5 size-4 accent-brand-600"
          checked={on}
          onChange={(e) => toggle(e.target.checked)}
        />
        <span>
          <span className="font-medium">Scale replicas on load</span>
          <span className="block text-xs text-zinc-500 dark:text-zinc-400">
            The order buys the maximum; Replicas above is the starting count
          </span>
        </span>
      </label>
      <GroupError b={b} path={path} />
      {on && (
        <div className="grid gap-3 sm:grid-cols-4">
          <DraftText b={b} path={[...path, "min"]} label="Min replicas" numeric />
          <DraftText b={b} path={[...path, "max"]} label="Max replicas" numeric />
          <DraftText
            b={b}
            path={[...path, "cpuPercent"]}
            label="CPU target (%)"
            hint="Of the CPU requested"
            numeric
            placeholder="none"
          />
          <DraftText
            b={b}
            path={[...path, "memoryPercent"]}
            label="Memory target (%)"
            hint="Of the memory requested"
            numeric
            placeholder="none"
          />
        </div>
      )}
      {on && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="autoscale-gpu-note">
          {props.gpuMetrics
            ? "GPU utilisation is exposed on some of this market's clusters (DCGM exporter); scaling on it is not offered yet."
            : "GPU utilisation scaling: not available on this market's clusters."}
        </p>
      )}
    </section>
  );
}
