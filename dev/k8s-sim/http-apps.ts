// What a simulated container answers on its ports: the contract between the ingress controller
// (ingress-controller.ts, which routes a request by Host header to a pod), the exec/shell model and
// the image models of programs that serve something (nginx's welcome page, the guestbook demo app,
// PostgreSQL backed by PGlite on the pod's volume). An image model registers an app for the
// repositories it covers; `appFor` picks the one for a container.
import type { Obj } from "./util";

export interface HttpRequest {
  method: string;
  /** Path with query, as sent (e.g. "/?a=1"). */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** What a running container can reach and knows, handed to an app by the simulator. */
export interface AppContext {
  /** The pod (read-only view) and the container's name. */
  pod: Obj;
  container: string;
  /** The container's environment as the kubelet resolved it (values, secretKeyRef, configMapKeyRef). */
  env: Record<string, string>;
  /** Directory on the simulator's disk backing a mount path of this container, or null (not mounted). */
  mountDir(path: string): string | null;
  /**
   * The container's writable layer on the simulator's disk (kept across restarts of the container,
   * removed with the pod): where a path outside every mount lives. Absent: no disk (keep it in memory).
   */
  writableLayer?(): string;
  /**
   * Opens a connection from this pod to `host:port` the way cluster DNS and the network would:
   * `host` is a Service name (same namespace), `<svc>.<ns>`, `<svc>.<ns>.svc.cluster.local` or a pod
   * IP. Resolves to a ready endpoint pod and checks the NetworkPolicies of both namespaces. Throws an
   * Error whose message is what the client library would print (ENOTFOUND, ECONNREFUSED, ETIMEDOUT).
   * `ctx` is the listening container's own context (what to hand its app's `http`/`postgres`).
   * Implemented by network.ts (`Network.appContext`).
   */
  dial(host: string, port: number): Promise<DialedPeer>;
}

/** The container a connection reached, its program and that container's own context. */
export interface DialedPeer {
  pod: Obj;
  container: string;
  app: ContainerApp;
  /** The peer container's context (the kubelet's `appOf` gives it), what `app.postgres` needs. */
  ctx: AppContext;
}

/** A program in a container: it may serve HTTP on some ports and answer a SQL-ish client. */
export interface ContainerApp {
  /** TCP ports the program listens on (after reading its env/args). */
  listens(ctx: AppContext): number[];
  /** Answers one HTTP request on `port`; absent: the port speaks something else (502 at an ingress). */
  http?(port: number, req: HttpRequest, ctx: AppContext): Promise<HttpResponse>;
  /** A PostgreSQL-protocol peer (the postgres image model); absent for other programs. */
  postgres?(ctx: AppContext): PostgresPeer;
  /**
   * Checked by the kubelet as the container starts: the lines the program prints before it exits 1
   * (e.g. postgres's entrypoint without POSTGRES_PASSWORD), or null when it starts.
   */
  exitsOnStart?(ctx: AppContext): string[] | null;
  /** Called when the container stops (pod deleted or restarted): close files, flush data. */
  stop?(ctx: AppContext): Promise<void>;
  /**
   * Programs the image adds to the simulator's shell (shell.ts), e.g. `psql` in the postgres image:
   * `handles` says whether `command` (argv[0] without /bin/ or /usr/bin/) is one of them; `run`
   * executes it, writing to `io`, and resolves with its exit status. Used by `pods/exec` directly and
   * from `sh`; absent: the image has only the shell's programs.
   */
  exec?: {
    handles(command: string): boolean;
    run(argv: string[], io: ExecIO, ctx: ExecContext): Promise<number>;
  };
}

/** Output of a command run through `pods/exec` (on a tty both go to the terminal). */
export interface ExecIO {
  out(text: string): void;
  err(text: string): void;
}

/** What an exec'd program knows of its container (a subset of AppContext: no network, no volumes). */
export type ExecContext = Pick<AppContext, "pod" | "container" | "env">;

export interface PostgresPeer {
  /** Authenticates like pg_hba `scram-sha-256` would; throws `password authentication failed for user "x"`. */
  connect(
    user: string,
    password: string,
    database: string,
  ): Promise<{
    query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
    close(): Promise<void>;
  }>;
}

interface Registration {
  /** Normalized repository (no tag/digest), e.g. "docker.io/library/nginx". `*` matches one segment. */
  repos: string[];
  make(): ContainerApp;
}

const registry: Registration[] = [];

/** Registers an image model's app (called at module load by each app file). */
export function registerApp(reg: Registration): void {
  registry.push(reg);
}

function normalizeRepo(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  const repo = colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
  const parts = repo.split("/");
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? "");
  if (!hasRegistry) return parts.length === 1 ? `docker.io/library/${repo}` : `docker.io/${repo}`;
  return repo;
}

function matches(pattern: string, repo: string): boolean {
  const p = pattern.split("/");
  const r = repo.split("/");
  return p.length === r.length && p.every((seg, i) => seg === "*" || seg === r[i]);
}

/** A fresh app instance for a container's image, or null (the image serves nothing the model knows). */
export function appFor(image: string): ContainerApp | null {
  const repo = normalizeRepo(image);
  const reg = registry.find((r) => r.repos.some((p) => matches(p, repo)));
  return reg ? reg.make() : null;
}
