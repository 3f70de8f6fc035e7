"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ManifestIssue } from "@/lib/market/validate-manifest-draft";
import { draftBinding, fieldId, listAt, without } from "./draft-binding";
import { DraftCheckbox, DraftText, GroupError } from "./draft-inputs";
import { SecretFields } from "./secret-fields";
import { ServiceCard } from "./service-card";

// The workload as a form: the deployment's name, its services (collapsible cards), its secrets and
// Pod Security level. The YAML/JSON views edit the same draft. Every issue of validateManifestDraft
// shows beside its field, and in a list at the top whose entries open the service and focus the field.

const NEW_SERVICE = { image: "nginx:1.27", resources: { cpu: 250, memory: 256, storage: 512 }, replicas: 1 };

export function WorkloadFields(props: {
  draft: unknown;
  onChange: (draft: unknown) => void;
  issues: ManifestIssue[];
  gpuModels: string[];
  gpuMetrics: boolean;
}) {
  const { draft, onChange, issues } = props;
  const b = draftBinding(draft, onChange, issues);
  const services = listAt(b, ["services"]);
  const secretNames = listAt(b, ["secrets"]).flatMap((s) =>
    s && typeof s === "object" && typeof (s as { name?: unknown }).name === "string"
      ? [(s as { name: string }).name]
      : [],
  );
  // Folded cards, by index; the first service starts open.
  const [closed, setClosed] = useState<Set<number>>(() => new Set(services.map((_, i) => i).slice(1)));
  const setOpen = (i: number, open: boolean) =>
    setClosed((s) => {
      const next = new Set(s);
      if (open) next.delete(i);
      else next.add(i);
      return next;
    });
  const serviceNames = new Set(services.map((s) => (s as { name?: unknown } | null)?.name));
  const freeName = (base: string) => {
    for (let n = 2; ; n++) if (!serviceNames.has(`${base}-${n}`)) return `${base}-${n}`;
  };

  const focusIssue = (path: string) => {
    const at = /^services\.(\d+)/.exec(path);
    if (at) setOpen(Number(at[1]), true);
    // After the card opens: the field itself, else the nearest enclosing group that has an id.
    requestAnimationFrame(() => {
      const parts = path.split(".");
      for (let n = parts.length; n > 0; n--) {
        const key = parts.slice(0, n).join(".");
        const el =
          document.getElementById(fieldId([key])) ?? document.getElementById(`${fieldId([key])}-error`);
        if (el) {
          el.scrollIntoView({ block: "center" });
          if (
            el instanceof HTMLInputElement ||
            el instanceof HTMLSelectElement ||
            el instanceof HTMLTextAreaElement
          )
            el.focus();
          return;
        }
      }
    });
  };

  if (draft === null || typeof draft !== "object" || (draft as { version?: unknown }).version !== 2)
    return (
      <div className="space-y-3 text-sm">
        <p>
          This manifest is not a v2 deployment; edit it in the YAML or JSON view, or start from a template.
        </p>
        <IssueList issues={issues} onPick={focusIssue} />
      </div>
    );

  return (
    <div className="space-y-5">
      <IssueList issues={issues} onPick={focusIssue} />
      <div className="grid gap-3 sm:grid-cols-2">
        <DraftText b={b} path={["name"]} label="Deployment name" />
        <div className="sm:pt-6">
          <DraftCheckbox
            b={b}
            path={["podSecurity"]}
            on="restricted"
            label="Pod Security restricted"
            hint="Every container non-root, no added capabilities: stricter than the default (baseline)"
          />
        </div>
      </div>
      <section className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h3 className="text-sm font-semibold">Services</h3>
          <Button
            variant="secondary"
            size="sm"
            data-testid="add-service"
            onClick={() => {
              b.set(
                ["services"],
                [...services, { name: freeName("service"), ...structuredClone(NEW_SERVICE) }],
              );
              setOpen(services.length, true);
            }}
          >
            Add service
          </Button>
        </div>
        <GroupError b={b} path={["services"]} />
        <ul className="space-y-3">
          {services.map((_, i) => (
            <ServiceCard
              key={i}
              b={b}
              index={i}
              count={services.length}
              open={!closed.has(i)}
              onToggle={() => setOpen(i, closed.has(i))}
              onDuplicate={() => {
                const copy = structuredClone(services[i]) as Record<string, unknown>;
                copy.name = freeName(String(copy.name ?? "service"));
                b.set(["services"], [...services.slice(0, i + 1), copy, ...services.slice(i + 1)]);
                setClosed((s) => new Set([...s].map((c) => (c > i ? c + 1 : c))));
              }}
              onRemove={() => {
                b.set(["services"], without(services, i) ?? []);
                setClosed((s) => new Set([...s].flatMap((c) => (c === i ? [] : [c > i ? c - 1 : c]))));
              }}
              secretNames={secretNames}
              gpuModels={props.gpuModels}
              gpuMetrics={props.gpuMetrics}
            />
          ))}
        </ul>
      </section>
      <SecretFields b={b} />
    </div>
  );
}

function IssueList(props: { issues: ManifestIssue[]; onPick: (path: string) => void }) {
  if (props.issues.length === 0) return null;
  return (
    <div className="rounded-md border border-red-200 bg-red-50 p-3 text-sm dark:border-red-900 dark:bg-red-950">
      <p className="font-medium text-red-800 dark:text-red-300">
        {props.issues.length === 1 ? "1 problem" : `${props.issues.length} problems`} to fix before signing
      </p>
      <ul className="mt-1 space-y-0.5 text-xs" data-testid="form-issues">
        {props.issues.map((issue) => (
          <li key={`${issue.path}:${issue.message}`}>
            <button
              type="button"
              className="text-left text-red-800 underline decoration-dotted underline-offset-2 dark:text-red-300"
              onClick={() => props.onPick(issue.path)}
            >
              <code className="font-mono">{issue.path || "(manifest)"}</code>: {issue.message}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
