import "server-only";
import http, { type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import type { Db } from "@/db/client";
import { enforceRateLimit } from "@/lib/api/rate-limit";
import { readSession, SESSION_COOKIE } from "@/lib/auth/session";
import { AppError, isAppError } from "@/lib/errors";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import {
  assertShellStillAllowed,
  type LeaseShell,
  openLeaseShell,
  shellRequestSchema,
} from "@/lib/lease/open-lease-shell";

// The lease page's shell, a WebSocket at /api/leases/<id>/shell on the app's own origin and port.
// Next's route handlers cannot take over a connection, so the upgrade is served here, beside Next, on
// the same HTTP server: installShellSockets (from instrumentation.ts) hooks the server's `upgrade`
// event before Next's handler sees it; other upgrades (the dev server's HMR) go on to Next. This works
// under `next dev`, `next start` and behind one reverse proxy that forwards WebSocket upgrades.
//
// Checks, in order: the Origin is APP_URL (a page elsewhere cannot use the tenant's cookie), the
// session cookie, a rate limit per tenant, a cap on open shells per tenant, then openLeaseShell (the
// tenant of an active, running lease; a pod and container of the lease's namespace). Refusals after
// the handshake close with 4000 + the HTTP status and a reason the page shows. While open, the lease
// and the session are checked every few seconds: a lease that ends or a session that ends closes it.
//
// Messages from the browser are JSON text frames: {"type":"input","data":"…"} (≤ 4 KiB) and
// {"type":"resize","cols":…,"rows":…}. To the browser: terminal output as binary frames, and
// {"type":"ready"} / {"type":"exit","code":n|null,"message":"…"} as text frames.

const PATH = /^\/api\/leases\/([0-9]{1,78})\/shell$/;
const MAX_INPUT_CHARS = 4096;
const MAX_SHELLS_PER_TENANT = 4;
const WATCH_MS = 5_000;

const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().min(1).max(MAX_INPUT_CHARS) }),
  z.object({
    type: z.literal("resize"),
    cols: z.number().int().min(2).max(500),
    rows: z.number().int().min(1).max(200),
  }),
]);

export interface ShellSocketOptions {
  db(): Promise<Db>;
  clientFor(db: Db, clusterId: string): Promise<ClusterClient>;
  /** The app's public origin (APP_URL); without it no shell opens (sign-in needs it too). */
  appOrigin: string | undefined;
  rateLimitScale?: number;
  /** How often an open shell re-checks its lease and session (default 5 s). */
  watchMs?: number;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A WebSocket close reason is at most 123 bytes. */
const reason = (message: string) =>
  Buffer.from(message)
    .subarray(0, 123)
    .toString("utf8")
    .replace(/\uFFFD$/, "");

function closeWith(ws: WebSocket, error: unknown): void {
  const e = isAppError(error) ? error : new AppError("INTERNAL", "The shell failed.");
  if (!isAppError(error)) console.error("[kubebid] shell:", error);
  ws.close(4000 + e.status, reason(e.message));
}

/**
 * The `upgrade` handler for shell sockets: true when it took the request (the path is a shell's),
 * false to leave it to the next handler.
 */
export function createShellUpgradeHandler(opts: ShellSocketOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024, perMessageDeflate: false });
  const open = new Map<string, number>();
  return (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const url = new URL(req.url ?? "/", "http://app");
    const leaseId = PATH.exec(url.pathname)?.[1];
    if (leaseId === undefined) return false;
    // Browsers send Origin on every WebSocket handshake; anything else than our own page is refused
    // before the upgrade (cross-site WebSocket hijacking would otherwise ride the session cookie).
    if (!opts.appOrigin || req.headers.origin !== opts.appOrigin) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      void serve(ws, req, leaseId, url.searchParams);
    });
    return true;
  };

  async function serve(ws: WebSocket, req: IncomingMessage, leaseId: string, query: URLSearchParams) {
    let shell: LeaseShell | undefined;
    let address: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    ws.on("close", () => {
      closed = true;
      if (timer) clearInterval(timer);
      shell?.close();
      if (address) open.set(address, (open.get(address) ?? 1) - 1);
    });
    ws.on("error", () => {});
    try {
      const parsed = shellRequestSchema.safeParse(Object.fromEntries(query));
      if (!parsed.success)
        throw new AppError(
          "BAD_REQUEST",
          parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        );
      const db = await opts.db();
      const sessionId = cookie(req, SESSION_COOKIE);
      const session = await readSession({ db, sessionId });
      if (!session) throw new AppError("UNAUTHORIZED", "Sign in with your wallet first.");
      const who = session.address.toLowerCase();
      await enforceRateLimit({ db, name: "shell", key: who, scale: opts.rateLimitScale });
      if ((open.get(who) ?? 0) >= MAX_SHELLS_PER_TENANT)
        throw new AppError("RATE_LIMITED", `At most ${MAX_SHELLS_PER_TENANT} shells may be open at once.`);
      open.set(who, (open.get(who) ?? 0) + 1);
      address = who;
      const opened = await openLeaseShell({
        db,
        leaseId,
        address: session.address,
        request: parsed.data,
        clientFor: (clusterId) => opts.clientFor(db, clusterId),
        onOutput: (data) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: true });
        },
        onEnd: (end) => {
          // A lease that ends tears its pods down, which kills the shell (137) before the next
          // check: say why it really ended.
          void assertShellStillAllowed({ db, leaseId }).then(
            () => {
              if (ws.readyState !== WebSocket.OPEN) return;
              ws.send(JSON.stringify({ type: "exit", ...end }));
              ws.close(1000, reason(end.message));
            },
            (error) => {
              if (ws.readyState === WebSocket.OPEN) closeWith(ws, error);
            },
          );
        },
      });
      if (closed) return opened.close();
      shell = opened;
      ws.send(JSON.stringify({ type: "ready" }));
      ws.on("message", (data, isBinary) => {
        const msg = isBinary ? undefined : clientMessage.safeParse(safeJson(data.toString()));
        if (!msg?.success) return ws.close(1008, "Unexpected message.");
        if (msg.data.type === "input") opened.write(msg.data.data);
        else opened.resize(msg.data.cols, msg.data.rows);
      });
      timer = setInterval(() => {
        void (async () => {
          if (!(await readSession({ db, sessionId })))
            throw new AppError("UNAUTHORIZED", "Your session has ended.");
          await assertShellStillAllowed({ db, leaseId });
        })().catch((error) => {
          if (!closed) closeWith(ws, error);
        });
      }, opts.watchMs ?? WATCH_MS);
    } catch (error) {
      closeWith(ws, error);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const INSTALLED = Symbol.for("kubebid.shellSockets");

/**
 * Serves shell sockets on every HTTP server of this process (Next's), ahead of its own `upgrade`
 * listeners. Installed once from instrumentation.ts, before the server takes connections.
 */
export function installShellSockets(opts: ShellSocketOptions): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const handle = createShellUpgradeHandler(opts);
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "upgrade" && handle(args[0] as IncomingMessage, args[1] as Duplex, args[2] as Buffer))
      return true;
    return emit.apply(this, [event, ...args]);
  } as typeof proto.emit;
}
