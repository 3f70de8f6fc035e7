"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { type DraftBinding, fieldId } from "./draft-binding";
import { DraftCheckbox, DraftLines, DraftSelect, DraftText } from "./draft-inputs";
import { ServiceAutoscaleFields } from "./service-autoscale-fields";
import { ServiceCheckFields } from "./service-check-fields";
import { ServiceEnvFields } from "./service-env-fields";
import { ServicePortFields } from "./service-port-fields";
import { ServiceVolumeFields } from "./service-volume-fields";

// One service of the deployment, as a collapsible card: image and command, resources per replica,
// environment, ports, checks, volumes and how its containers run. The header says what it is and
// how many problems it has while folded.

export function ServiceCard(props: {
  b: DraftBinding;
  index: number;
  count: number;
  open: boolean;
  onToggle: () => void;
  onDuplicate: () => void;
  onRemove: () => void;
  secretNames: string[];
  gpuModels: string[];
  gpuMetrics: boolean;
}) {
  const { b, index } = props;
  const at = ["services", index];
  const name = String(b.get([...at, "name"]) ?? "") || `service ${index + 1}`;
  const image = String(b.get([...at, "image"]) ?? "");
  const bodyId = `${fieldId(at)}-body`;
  const problems = b.hasIssuesUnder(at);
  return (
    <li data-testid={`service-${index}`} className="rounded-lg border border-zinc-200 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2 p-3">
        <button
          type="button"
          aria-expanded={props.open}
          aria-controls={bodyId}
          data-testid={`service-${index}-toggle`}
          onClick={props.onToggle}
          className="flex min-w-0 flex-1 items-center gap-2 rounded text-left focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
        >
          <span aria-hidden="true">{props.open ? "▾" : "▸"}</span>
          <span className="truncate font-medium">{name}</span>
          <code className="truncate font-mono text-xs text-zinc-600 dark:text-zinc-400">{image}</code>
        </button>
        {problems && <Badge tone="red">problems</Badge>}
        <Button
          variant="ghost"
          size="sm"
          aria-label={`Duplicate service ${name}`}
          onClick={props.onDuplicate}
        >
          Duplicate
        </Button>
        <Button
          variant="ghost"
          size="sm"
          aria-label={`Remove service ${name}`}
          disabled={props.count <= 1}
          onClick={props.onRemove}
        >
          Remove
        </Button>
      </div>
      <div
        id={bodyId}
        hidden={!props.open}
        className="space-y-5 border-t border-zinc-200 p-3 dark:border-zinc-800"
      >
        {props.open && (
          <>
            <div className="grid gap-3 sm:grid-cols-2">
              <DraftText
                b={b}
                path={[...at, "name"]}
                label="Service name"
                hint="Other services reach it by this name"
              />
              <DraftText b={b} path={[...at, "image"]} label="Image" />
              <DraftLines
                b={b}
                path={[...at, "command"]}
                label="Command (one argument per line)"
                hint="Empty: the image's entrypoint"
              />
              <DraftLines b={b} path={[...at, "args"]} label="Arguments (one per line)" />
            </div>
            <section className="space-y-2">
              <h4 className="text-sm font-medium">Resources per replica</h4>
              <div className="grid gap-3 sm:grid-cols-3">
                <DraftText b={b} path={[...at, "replicas"]} label="Replicas" numeric placeholder="1" />
                <DraftText b={b} path={[...at, "resources", "cpu"]} label="CPU (millicores)" numeric />
                <DraftText b={b} path={[...at, "resources", "memory"]} label="Memory (MiB)" numeric />
                <DraftText
                  b={b}
                  path={[...at, "resources", "storage"]}
                  label="Ephemeral storage (MiB)"
                  numeric
                  placeholder="1024"
                />
                <DraftText
                  b={b}
                  path={[...at, "resources", "gpu", "count"]}
                  label="GPUs"
                  numeric
                  placeholder="0"
                />
                <DraftSelect
                  b={b}
                  path={[...at, "resources", "gpu", "model"]}
                  label="GPU model"
                  hint="Required of the provider when set"
                  options={[["", "any model"], ...props.gpuModels.map((g) => [g, g] as const)]}
                />
              </div>
            </section>
            <ServiceAutoscaleFields b={b} at={at} gpuMetrics={props.gpuMetrics} />
            <ServiceEnvFields b={b} at={at} secretNames={props.secretNames} />
            <ServicePortFields b={b} at={at} />
            <ServiceCheckFields b={b} at={at} check="readiness" />
            <ServiceCheckFields b={b} at={at} check="liveness" />
            <ServiceVolumeFields b={b} at={at} />
            <section className="space-y-2">
              <h4 className="text-sm font-medium">Security</h4>
              <div className="grid gap-3 sm:grid-cols-3">
                <DraftText
                  b={b}
                  path={[...at, "security", "runAsUser"]}
                  label="Run as user (uid)"
                  numeric
                  placeholder="the image's"
                />
                <DraftCheckbox
                  b={b}
                  path={[...at, "security", "runAsNonRoot"]}
                  label="Non-root"
                  hint="Refuse to start as root"
                />
                <DraftCheckbox
                  b={b}
                  path={[...at, "security", "readOnlyRootFilesystem"]}
                  label="Read-only root filesystem"
                  hint="Writes only to volumes and /tmp"
                />
              </div>
            </section>
          </>
        )}
      </div>
    </li>
  );
}
