"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { type DraftBinding, type DraftPath, fieldId, pathKey } from "./draft-binding";
import { DraftLines, DraftText, GroupError, KindSelect } from "./draft-inputs";

// A readiness or liveness check: an HTTP GET (path and port), a TCP connect, or a command in the
// container; timings under "Advanced". A port is a number or the name of one of the service's ports.

const KINDS = [
  ["none", "None"],
  ["http", "HTTP GET"],
  ["tcp", "TCP connect"],
  ["exec", "Command"],
] as const;
const TIMINGS = [
  ["initialDelaySeconds", "Initial delay (s)"],
  ["periodSeconds", "Period (s)"],
  ["timeoutSeconds", "Timeout (s)"],
  ["failureThreshold", "Failure threshold"],
  ["successThreshold", "Success threshold"],
] as const;

export function ServiceCheckFields(props: {
  b: DraftBinding;
  at: DraftPath;
  check: "readiness" | "liveness";
}) {
  const { b, check } = props;
  const path = [...props.at, check];
  const probe = (b.get(path) ?? null) as Record<string, unknown> | null;
  const kind = probe ? (["http", "tcp", "exec"].find((k) => k in probe) ?? "none") : "none";
  const timingIssue = TIMINGS.some(([k]) => b.issue([...path, k]));
  const [advanced, setAdvanced] = useState(false);
  const open = advanced || timingIssue;
  const title = check === "readiness" ? "Readiness check" : "Liveness check";
  const advancedId = `${fieldId(path)}-advanced`;

  const choose = (next: string) => {
    const timings = Object.fromEntries(
      TIMINGS.flatMap(([k]) => (probe && k in probe ? [[k, probe[k]]] : [])),
    );
    const handler =
      next === "http"
        ? { http: { path: "/", port: firstPort(b, props.at) } }
        : next === "tcp"
          ? { tcp: { port: firstPort(b, props.at) } }
          : next === "exec"
            ? { exec: { command: [] } }
            : null;
    b.set(path, handler ? { ...handler, ...timings } : undefined);
  };

  return (
    <div className="space-y-2">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <KindSelect
          id={fieldId([...path, "kind"])}
          label={title}
          value={kind}
          options={KINDS}
          onChange={choose}
        />
        {kind === "http" && (
          <>
            <DraftText b={b} path={[...path, "http", "path"]} label="Path" />
            <DraftText b={b} path={[...path, "http", "port"]} label="Port (number or name)" numeric />
          </>
        )}
        {kind === "tcp" && (
          <DraftText b={b} path={[...path, "tcp", "port"]} label="Port (number or name)" numeric />
        )}
        {kind === "exec" && (
          <DraftLines
            b={b}
            path={[...path, "exec", "command"]}
            label="Command (one argument per line)"
            className="sm:col-span-2"
          />
        )}
      </div>
      <GroupError b={b} path={path} />
      {kind !== "none" && (
        <div>
          <Button
            variant="ghost"
            size="sm"
            aria-expanded={open}
            aria-controls={advancedId}
            data-testid={`advanced-${pathKey(path)}`}
            onClick={() => setAdvanced(!open)}
          >
            {open ? "▾" : "▸"} Advanced timing
          </Button>
          <div id={advancedId} hidden={!open} className="mt-2 grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
            {open &&
              TIMINGS.map(([k, label]) => (
                <DraftText
                  key={k}
                  b={b}
                  path={[...path, k]}
                  label={label}
                  numeric
                  hint={k === "successThreshold" && check === "liveness" ? "1 for liveness" : undefined}
                />
              ))}
          </div>
        </div>
      )}
    </div>
  );
}

/** The service's first port, the likeliest target of a new check (80 when it has none). */
function firstPort(b: DraftBinding, at: DraftPath): unknown {
  const ports = b.get([...at, "ports"]);
  return (Array.isArray(ports) && (ports[0] as { port?: unknown } | undefined)?.port) || 80;
}
