"use client";

import dynamic from "next/dynamic";
import { type KeyboardEvent, useRef } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Spinner } from "@/components/ui/spinner";
import { formatCores, formatMebibytes, shortHex } from "@/lib/market/format";
import type { Manifest, manifestTotals } from "@/lib/market/manifest";
import type { ManifestIssue } from "@/lib/market/validate-manifest-draft";
import { MANIFEST_VIEWS, type ManifestView } from "./deploy-form.types";
import { WorkloadFields } from "./workload-fields";

// Step 2: the workload, as a form or as YAML/JSON text. The three views are WAI-ARIA tabs over one
// panel (arrow keys, Home and End move between them; https://www.w3.org/WAI/ARIA/apg/patterns/tabs/).
// The text editor, and the YAML parser with it, loads only when a text view is opened.

const ManifestEditor = dynamic(() => import("./manifest-editor").then((m) => m.ManifestEditor), {
  ssr: false,
  loading: () => <Spinner label="Loading the editor…" />,
});

const tabId = (v: ManifestView) => `workload-tab-${v}`;
const PANEL_ID = "workload-panel";

export function WorkloadStep(props: {
  draft: unknown;
  onChange: (draft: unknown) => void;
  onParseError: (error: string | null) => void;
  view: ManifestView;
  onView: (view: ManifestView) => void;
  manifest: Manifest | null;
  issues: ManifestIssue[];
  totals: ReturnType<typeof manifestTotals> | null;
  specHash: string | null;
  /** The draft has secrets: its hash is fixed at signing, when they are salted. */
  hashAtSigning: boolean;
  gpuModels: string[];
  gpuMetrics: boolean;
  className?: string;
}) {
  const { view, manifest, issues, totals, specHash } = props;
  const tabs = useRef<Partial<Record<ManifestView, HTMLButtonElement | null>>>({});

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = MANIFEST_VIEWS.indexOf(view);
    const n = MANIFEST_VIEWS.length;
    const moves: Record<string, number> = {
      ArrowRight: (at + 1) % n,
      ArrowLeft: (at - 1 + n) % n,
      Home: 0,
      End: n - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = MANIFEST_VIEWS[to] as ManifestView;
    props.onView(next);
    tabs.current[next]?.focus();
  };

  return (
    <Card
      className={props.className}
      title="2. Workload"
      actions={
        <div
          className="flex rounded-md border border-zinc-300 p-0.5 text-xs dark:border-zinc-700"
          role="tablist"
          aria-label="Edit the workload as"
          onKeyDown={onTabKey}
        >
          {MANIFEST_VIEWS.map((v) => (
            <button
              key={v}
              ref={(el) => {
                tabs.current[v] = el;
              }}
              type="button"
              role="tab"
              id={tabId(v)}
              aria-selected={view === v}
              aria-controls={PANEL_ID}
              tabIndex={view === v ? 0 : -1}
              data-testid={`view-${v}`}
              onClick={() => props.onView(v)}
              className={`rounded px-2.5 py-1 ${
                view === v
                  ? "bg-zinc-200 font-medium text-zinc-900 dark:bg-zinc-700 dark:text-white"
                  : "text-zinc-600 dark:text-zinc-400"
              }`}
            >
              {v === "form" ? "Form" : v.toUpperCase()}
            </button>
          ))}
        </div>
      }
    >
      <div role="tabpanel" id={PANEL_ID} aria-labelledby={tabId(view)}>
        {view === "form" ? (
          <WorkloadFields
            draft={props.draft}
            onChange={props.onChange}
            issues={issues}
            gpuModels={props.gpuModels}
            gpuMetrics={props.gpuMetrics}
          />
        ) : (
          <ManifestEditor
            draft={props.draft}
            format={view}
            onChange={props.onChange}
            onParseError={props.onParseError}
            issues={issues}
          />
        )}
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
        {manifest ? (
          <Badge tone="green">valid manifest</Badge>
        ) : (
          <Badge tone="red">{issues.length} problem(s)</Badge>
        )}
        {totals && (
          <span>
            Needs {formatCores(totals.cpuMillis)}, {formatMebibytes(totals.memoryMiB)} memory
            {totals.gpuCount > 0 ? `, ${totals.gpuCount} GPU` : ""}
            {totals.volumes
              .map((v) => `, ${formatMebibytes(v.sizeMiB)} ${v.storageClass} volume storage`)
              .join("")}{" "}
            in total ({totals.replicas} {totals.replicas === 1 ? "pod" : "pods"})
          </span>
        )}
        {manifest && props.hashAtSigning && <span>spec hash set at signing (secrets are salted)</span>}
        {specHash && (
          <span className="font-mono" title={specHash}>
            spec {shortHex(specHash, 6)}
          </span>
        )}
      </div>
    </Card>
  );
}
