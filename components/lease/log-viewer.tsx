"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

// A pod's log, or one of its containers', or that container's previous instance (after a crash or an
// OOM kill: `kubectl logs --previous`): the last N lines, optionally followed live (a streamed fetch),
// searchable, downloadable.

const MAX_LINES = 5000;
const compact = inputClass.replace("w-full ", "");

export function LogViewer(props: {
  leaseId: string;
  pods: string[];
  /** Each pod's container names; a pod with several needs one chosen. */
  containers?: Record<string, string[]>;
}) {
  const [pod, setPod] = useState<string | null>(props.pods[0] ?? null);
  const [container, setContainer] = useState<string>("");
  const [previous, setPrevious] = useState(false);
  const podContainers = (pod && props.containers?.[pod]) || [];
  const containerKnown = container === "" || podContainers.includes(container);
  // Several containers: the API needs one named (kube-apiserver answers 400 otherwise).
  const chosen =
    containerKnown && container !== "" ? container : podContainers.length > 1 ? podContainers[0] : "";
  const [tail, setTail] = useState(200);
  const [follow, setFollow] = useState(true);
  const [search, setSearch] = useState("");
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [streaming, setStreaming] = useState(false);
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    if (!pod && props.pods[0]) setPod(props.pods[0]);
    if (pod && props.pods.length > 0 && !props.pods.includes(pod)) setPod(props.pods[0] ?? null);
  }, [props.pods, pod]);

  useEffect(() => {
    if (!pod) return;
    const controller = new AbortController();
    setLines([]);
    setError(null);
    const params = new URLSearchParams({
      pod,
      tail: String(tail),
      follow: follow && !previous ? "1" : "0",
      previous: previous ? "1" : "0",
    });
    if (chosen) params.set("container", chosen);
    (async () => {
      try {
        const res = await fetch(`/api/leases/${props.leaseId}/logs?${params}`, { signal: controller.signal });
        if (!res.ok || !res.body) {
          const body = await res.json().catch(() => null);
          throw new Error(body?.error?.message ?? `logs unavailable (${res.status})`);
        }
        setStreaming(follow && !previous);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let rest = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parts = (rest + value).split("\n");
          rest = parts.pop() ?? "";
          if (parts.length) setLines((prev) => [...prev, ...parts].slice(-MAX_LINES));
        }
        if (rest) setLines((prev) => [...prev, rest].slice(-MAX_LINES));
      } catch (e) {
        if (!controller.signal.aborted) setError((e as Error).message);
      } finally {
        if (!controller.signal.aborted) setStreaming(false);
      }
    })();
    return () => controller.abort();
  }, [pod, chosen, previous, tail, follow, props.leaseId]);

  const shown = useMemo(() => {
    if (!search) return lines;
    const needle = search.toLowerCase();
    return lines.filter((l) => l.toLowerCase().includes(needle));
  }, [lines, search]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever lines change
  useEffect(() => {
    if (stick.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown]);

  const download = () => {
    const blob = new Blob([`${lines.join("\n")}\n`], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `lease-${props.leaseId}-${pod ?? "pod"}${chosen ? `-${chosen}` : ""}${previous ? "-previous" : ""}.log`;
    a.click();
    URL.revokeObjectURL(url);
  };

  if (props.pods.length === 0)
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No pods yet.</p>;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <select
          aria-label="Pod"
          className={`${compact} w-auto`}
          value={pod ?? ""}
          onChange={(e) => setPod(e.target.value)}
        >
          {props.pods.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        {podContainers.length > 1 && (
          <select
            aria-label="Container"
            data-testid="log-container"
            className={`${compact} w-auto`}
            value={chosen}
            onChange={(e) => setContainer(e.target.value)}
          >
            {podContainers.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        )}
        <label
          className="flex items-center gap-1.5"
          title="The log of the container's previous instance, after a restart"
        >
          <input
            type="checkbox"
            checked={previous}
            onChange={(e) => setPrevious(e.target.checked)}
            data-testid="log-previous"
          />{" "}
          Previous
        </label>
        <select
          aria-label="Tail"
          className={`${compact} w-auto`}
          value={tail}
          onChange={(e) => setTail(Number(e.target.value))}
        >
          {[100, 200, 1000, 5000].map((n) => (
            <option key={n} value={n}>
              last {n} lines
            </option>
          ))}
        </select>
        <label className="flex items-center gap-1.5">
          <input
            type="checkbox"
            checked={follow && !previous}
            disabled={previous}
            onChange={(e) => setFollow(e.target.checked)}
            data-testid="log-follow"
          />{" "}
          Follow
        </label>
        <input
          aria-label="Search logs"
          placeholder="Search…"
          data-testid="log-search"
          className={`${compact} w-48`}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <Button variant="secondary" size="sm" onClick={download} data-testid="log-download">
          Download
        </Button>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {streaming ? "● live" : "paused"} · {shown.length}/{lines.length} lines
        </span>
      </div>
      {error && <p className="text-sm text-red-600 dark:text-red-400">{error}</p>}
      <pre
        ref={box}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls; keyboard users must reach it (WCAG 2.1.1)
        tabIndex={0}
        data-testid="log-lines"
        data-lines={lines.length}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        className="h-72 overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100"
      >
        {shown.join("\n")}
      </pre>
    </div>
  );
}
