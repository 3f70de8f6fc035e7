"use client";

import { Field, inputClass } from "@/components/ui/field";
import type { ManifestIssue } from "@/lib/market/validate-manifest-draft";

// The workload as a form: one field per manifest property the common cases need (the YAML/JSON
// views edit the same draft in full). Each field shows the schema's message for its own path.

function setPath(draft: unknown, path: (string | number)[], value: unknown): Record<string, unknown> {
  const root = structuredClone((draft ?? {}) as Record<string, unknown>);
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key as string];
    if (typeof next !== "object" || next === null) node[key as string] = {};
    node = node[key as string] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

function num(value: string): number | string {
  return value.trim() === "" || Number.isNaN(Number(value)) ? value : Number(value);
}

export function WorkloadFields(props: {
  draft: unknown;
  onChange: (draft: unknown) => void;
  issues: ManifestIssue[];
  gpuModels: string[];
}) {
  const { draft, onChange, issues, gpuModels } = props;
  const issueAt = (path: string) => issues.find((i) => i.path === path)?.message ?? null;
  const m = (draft ?? {}) as Record<string, unknown>;
  const res = (m.resources ?? {}) as Record<string, unknown>;
  const gpu = (res.gpu ?? {}) as Record<string, unknown>;
  const ports = Array.isArray(m.ports) ? (m.ports as { port?: unknown }[]) : [];
  const env = Array.isArray(m.env) ? (m.env as { name?: unknown; value?: unknown }[]) : [];
  const command = Array.isArray(m.command) ? (m.command as string[]) : [];

  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Name" error={issueAt("name")} htmlFor="m-name">
        <input
          id="m-name"
          data-testid="field-name"
          className={inputClass}
          value={String(m.name ?? "")}
          onChange={(e) => onChange(setPath(draft, ["name"], e.target.value))}
        />
      </Field>
      <Field label="Image" error={issueAt("image")} htmlFor="m-image">
        <input
          id="m-image"
          data-testid="field-image"
          className={inputClass}
          value={String(m.image ?? "")}
          onChange={(e) => onChange(setPath(draft, ["image"], e.target.value))}
        />
      </Field>
      <Field label="CPU per replica (millicores)" error={issueAt("resources.cpu")} htmlFor="m-cpu">
        <input
          id="m-cpu"
          data-testid="field-cpu"
          inputMode="numeric"
          className={inputClass}
          value={String(res.cpu ?? "")}
          onChange={(e) => onChange(setPath(draft, ["resources", "cpu"], num(e.target.value)))}
        />
      </Field>
      <Field label="Memory per replica (MiB)" error={issueAt("resources.memory")} htmlFor="m-mem">
        <input
          id="m-mem"
          data-testid="field-memory"
          inputMode="numeric"
          className={inputClass}
          value={String(res.memory ?? "")}
          onChange={(e) => onChange(setPath(draft, ["resources", "memory"], num(e.target.value)))}
        />
      </Field>
      <Field label="Ephemeral storage (MiB)" error={issueAt("resources.storage")} htmlFor="m-storage">
        <input
          id="m-storage"
          className={inputClass}
          inputMode="numeric"
          value={String(res.storage ?? "")}
          onChange={(e) => onChange(setPath(draft, ["resources", "storage"], num(e.target.value)))}
        />
      </Field>
      <Field label="Replicas" error={issueAt("replicas")} htmlFor="m-replicas">
        <input
          id="m-replicas"
          className={inputClass}
          inputMode="numeric"
          value={String(m.replicas ?? 1)}
          onChange={(e) => onChange(setPath(draft, ["replicas"], num(e.target.value)))}
        />
      </Field>
      <Field
        label="GPUs per replica"
        error={issueAt("resources.gpu.count") ?? issueAt("resources.gpu")}
        htmlFor="m-gpu"
      >
        <input
          id="m-gpu"
          className={inputClass}
          inputMode="numeric"
          value={String(gpu.count ?? 0)}
          onChange={(e) => onChange(setPath(draft, ["resources", "gpu", "count"], num(e.target.value)))}
        />
      </Field>
      <Field
        label="GPU model"
        error={issueAt("resources.gpu.model")}
        htmlFor="m-gpu-model"
        hint="Required attribute when set"
      >
        <select
          id="m-gpu-model"
          className={inputClass}
          value={String(gpu.model ?? "")}
          onChange={(e) =>
            onChange(setPath(draft, ["resources", "gpu", "model"], e.target.value || undefined))
          }
        >
          <option value="">any model</option>
          {gpuModels.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Ports (comma separated)"
        error={issues.find((i) => i.path.startsWith("ports"))?.message ?? null}
        htmlFor="m-ports"
      >
        <input
          id="m-ports"
          className={inputClass}
          value={ports.map((p) => String(p.port ?? "")).join(", ")}
          onChange={(e) => {
            const list = e.target.value
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
              .map((s) => ({ port: num(s) }));
            onChange(setPath(draft, ["ports"], list.length ? list : undefined));
          }}
        />
      </Field>
      <Field
        label="Command (one argument per line)"
        error={issues.find((i) => i.path.startsWith("command"))?.message ?? null}
        htmlFor="m-cmd"
      >
        <textarea
          id="m-cmd"
          rows={2}
          className={`${inputClass} font-mono text-xs`}
          value={command.join("\n")}
          onChange={(e) => {
            const list = e.target.value.split("\n").filter((l) => l.length > 0);
            onChange(setPath(draft, ["command"], list.length ? list : undefined));
          }}
        />
      </Field>
      <div className="sm:col-span-2">
        <Field
          label="Environment (NAME=value per line)"
          error={issues.find((i) => i.path.startsWith("env"))?.message ?? null}
          htmlFor="m-env"
        >
          <textarea
            id="m-env"
            rows={2}
            className={`${inputClass} font-mono text-xs`}
            value={env.map((v) => `${String(v.name ?? "")}=${String(v.value ?? "")}`).join("\n")}
            onChange={(e) => {
              const list = e.target.value
                .split("\n")
                .filter((l) => l.length > 0)
                .map((l) => {
                  const at = l.indexOf("=");
                  return at < 0 ? { name: l, value: "" } : { name: l.slice(0, at), value: l.slice(at + 1) };
                });
              onChange(setPath(draft, ["env"], list.length ? list : undefined));
            }}
          />
        </Field>
      </div>
    </div>
  );
}
