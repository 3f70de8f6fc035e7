"use client";

import "@xterm/xterm/css/xterm.css";
import type { ITheme, Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import type { LeasePod } from "@/lib/lease/types";

// The tenant's shell in one of its containers: an xterm.js terminal (loaded when the tenant connects)
// over the WebSocket at /api/leases/<id>/shell (lib/server/shell-socket.ts). It fits its box, follows
// the light/dark theme, and closes when the lease ends.

const compact = inputClass.replace("w-full ", "");
/** The server takes at most 4 KiB of input per message: a paste goes in pieces. */
const INPUT_CHUNK = 4096;

const themes: Record<"light" | "dark", ITheme> = {
  dark: { background: "#09090b", foreground: "#f4f4f5", cursor: "#f4f4f5", selectionBackground: "#3f3f46" },
  light: { background: "#ffffff", foreground: "#18181b", cursor: "#18181b", selectionBackground: "#d4d4d8" },
};
const isDark = () => document.documentElement.classList.contains("dark");

type Phase = "idle" | "connecting" | "connected" | "closed";

/**
 * Runs `open` with the page's CSP nonce on the <style> elements it creates: xterm.js writes its
 * layout and theme into <style> elements, which the policy (style-src with a nonce) blocks otherwise.
 */
function withStyleNonce(open: () => void): void {
  const nonce = document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce;
  if (!nonce) {
    open();
    return;
  }
  const create = document.createElement;
  document.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
    const el = create.call(this, tag, options);
    if (tag.toLowerCase() === "style") el.setAttribute("nonce", nonce);
    return el;
  } as typeof document.createElement;
  try {
    open();
  } finally {
    document.createElement = create;
  }
}

export function ShellPanel(props: { leaseId: string; pods: LeasePod[]; active: boolean }) {
  const running = props.pods.filter((p) => p.phase === "Running");
  const [pod, setPod] = useState<string>(running[0]?.name ?? "");
  const [container, setContainer] = useState<string>("");
  const [phase, setPhase] = useState<Phase>("idle");
  /** One per Connect, for the pod and container chosen then: a new terminal and socket; the last one's output stays until the next. */
  const [session, setSession] = useState<{ pod: string; container: string } | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const socket = useRef<WebSocket | null>(null);
  const containers = running.find((p) => p.name === pod)?.containerNames ?? [];

  useEffect(() => {
    if (!pod && running[0]) setPod(running[0].name);
  }, [pod, running]);
  useEffect(() => {
    if (!containers.includes(container)) setContainer(containers[0] ?? "");
  }, [containers, container]);

  // The lease ended: whatever the server does, the page closes its end.
  useEffect(() => {
    if (!props.active && socket.current) {
      setReason("This lease has ended.");
      socket.current.close(1000);
    }
  }, [props.active]);

  useEffect(() => {
    if (!session) return;
    let disposed = false;
    let term: Terminal | undefined;
    let ws: WebSocket | undefined;
    let observer: ResizeObserver | undefined;
    let themeObserver: MutationObserver | undefined;
    (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
      ]);
      const el = box.current;
      if (disposed || !el) return;
      const t = new Terminal({
        cursorBlink: true,
        fontSize: 13,
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        theme: themes[isDark() ? "dark" : "light"],
        scrollback: 2000,
      });
      term = t;
      const fit = new FitAddon();
      t.loadAddon(fit);
      withStyleNonce(() => t.open(el));
      fit.fit();
      // Esc twice leaves the terminal (it takes Tab itself): no keyboard trap (WCAG 2.1.2).
      let lastEscape = 0;
      t.attachCustomKeyEventHandler((ev) => {
        if (ev.type !== "keydown" || ev.key !== "Escape") return true;
        if (ev.timeStamp - lastEscape < 600) {
          t.blur();
          return false;
        }
        lastEscape = ev.timeStamp;
        return true;
      });
      const q = new URLSearchParams({
        pod: session.pod,
        container: session.container,
        cols: String(t.cols),
        rows: String(t.rows),
      });
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const s = new WebSocket(`${scheme}://${location.host}/api/leases/${props.leaseId}/shell?${q}`);
      ws = s;
      socket.current = s;
      s.binaryType = "arraybuffer";
      const send = (msg: object) => {
        if (s.readyState === WebSocket.OPEN) s.send(JSON.stringify(msg));
      };
      s.onmessage = (e) => {
        if (typeof e.data !== "string") return t.write(new Uint8Array(e.data as ArrayBuffer));
        const msg = JSON.parse(e.data) as { type: string; message?: string };
        if (msg.type === "ready") {
          setPhase("connected");
          t.focus();
        } else if (msg.type === "exit" && msg.message) setReason(msg.message);
      };
      s.onclose = (e) => {
        socket.current = null;
        if (disposed) return;
        setPhase("closed");
        setReason((prev) => prev ?? (e.reason || "The connection was lost."));
      };
      t.onData((data) => {
        for (let i = 0; i < data.length; i += INPUT_CHUNK)
          send({ type: "input", data: data.slice(i, i + INPUT_CHUNK) });
      });
      t.onResize(({ cols, rows }) => send({ type: "resize", cols, rows }));
      observer = new ResizeObserver(() => fit.fit());
      observer.observe(el);
      themeObserver = new MutationObserver(() => {
        t.options.theme = themes[isDark() ? "dark" : "light"];
      });
      themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    })().catch((e: Error) => {
      if (disposed) return;
      setPhase("closed");
      setReason(`The terminal could not load: ${e.message}`);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      themeObserver?.disconnect();
      ws?.close(1000);
      socket.current = null;
      term?.dispose();
    };
  }, [session, props.leaseId]);

  // Once a session started its terminal stays (with why it closed) whatever the pods do.
  if (!session && (!props.active || running.length === 0))
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="shell-state">
        {props.active ? "No running pods." : "The lease has ended."}
      </p>
    );
  const busy = phase === "connecting" || phase === "connected";
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <select
          aria-label="Pod"
          className={`${compact} w-auto max-w-full`}
          value={pod}
          disabled={busy}
          onChange={(e) => setPod(e.target.value)}
          data-testid="shell-pod"
        >
          {running.map((p) => (
            <option key={p.name}>{p.name}</option>
          ))}
        </select>
        <select
          aria-label="Container"
          className={`${compact} w-auto max-w-full`}
          value={container}
          disabled={busy || containers.length === 0}
          onChange={(e) => setContainer(e.target.value)}
          data-testid="shell-container"
        >
          {containers.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        {busy ? (
          <Button
            variant="secondary"
            size="sm"
            onClick={() => {
              setReason("Disconnected.");
              socket.current?.close(1000);
            }}
            data-testid="shell-disconnect"
          >
            Disconnect
          </Button>
        ) : (
          <Button
            size="sm"
            disabled={!props.active || !container}
            onClick={() => {
              setReason(null);
              setPhase("connecting");
              setSession({ pod, container });
            }}
            data-testid="shell-connect"
          >
            {phase === "closed" ? "Reconnect" : "Connect"}
          </Button>
        )}
        <span className="text-xs text-zinc-600 dark:text-zinc-400" role="status" data-testid="shell-state">
          {phase === "idle" && "Not connected"}
          {phase === "connecting" && "Connecting…"}
          {phase === "connected" && "● Connected · Esc twice leaves the terminal"}
          {phase === "closed" && `Closed${reason ? `: ${reason}` : ""}`}
        </span>
      </div>
      <div
        ref={box}
        data-testid="shell-terminal"
        className={`h-80 w-full overflow-hidden rounded-lg border border-zinc-200 bg-white p-2 dark:border-zinc-800 dark:bg-zinc-950 ${session ? "" : "hidden"}`}
      />
    </div>
  );
}
