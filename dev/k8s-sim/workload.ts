// Kubelet-side simulation state of pods/containers and the fake application output.
import type { ContainerApp } from "./http-apps";
import type { ImageProfile } from "./images";
import type { Obj } from "./util";

export interface LogLine {
  t: number; // epoch ms
  ns: number; // sub-millisecond part, nanoseconds (0..999999)
  text: string;
}
export interface LogSub {
  line(l: LogLine): void;
  end(): void;
}

export interface ContainerSim {
  name: string;
  specImage: string;
  image: string; // normalized, e.g. docker.io/library/nginx:latest
  /** ok: runs; crash: the `crashloop` convention; oom: the `memhog` convention (OOMKilled at its
   * memory limit); pull: cannot be pulled; config: the kubelet refuses to create it
   * (CreateContainerConfigError); fail: exits at start because of its image (images.ts). */
  mode: "ok" | "crash" | "oom" | "pull" | "config" | "fail";
  state:
    | "waiting"
    | "pulling"
    | "pulled"
    | "running"
    | "crashbackoff"
    | "errimagepull"
    | "imagepullbackoff"
    | "configerror"
    | "evicted";
  /** CreateContainerConfigError message (mode config). */
  configError?: string;
  /** What the process logs before it exits (mode fail). */
  failLines?: string[];
  /** The image model's row and the container's spec (for disk usage). */
  profile: ImageProfile;
  spec: Obj;
  /** Bytes written to pod-local storage (writable layer, emptyDirs) and its limit. */
  disk: number;
  diskLimit: number | undefined;
  nextAt: number;
  startAt: number;
  startedAt: number;
  finishedAt?: number;
  restartCount: number;
  containerID: string;
  logs: LogLine[];
  /** Bytes of this container's log files on the node (counted in its ephemeral-storage usage). */
  logBytes: number;
  previous: LogLine[];
  subs: Set<LogSub>;
  lastLogAt: number;
  cpuBase: number; // cores
  cpuLimit: number | undefined;
  memLimit: number | undefined;
  cpuFrac: number;
  /** HTTP requests its program answered since the kubelet's last step, and their rate (per second, smoothed). */
  served?: number;
  servedRate?: number;
  mem: number; // bytes
  memTarget: number;
  port: number;
  backoffMs: number;
  /** The environment the kubelet resolved when it last created the container (never logged). */
  env?: Record<string, string>;
  /** The program's model while it runs (http-apps.ts), null when the image has none. */
  app?: ContainerApp | null;
  /** The program's model made it exit at its last start (mode fail until it starts again). */
  appExited?: boolean;
}

export interface PodSim {
  uid: string;
  ns: string;
  name: string;
  node: string | undefined;
  scheduledAt: number;
  schedMsg?: string;
  schedAt: number;
  containers: ContainerSim[];
  /** Set once the kubelet has evicted the pod (its message). */
  evicted?: string;
}

export function formatLogTime(l: LogLine): string {
  const iso = new Date(l.t).toISOString(); // 2025-01-01T00:00:00.123Z
  return `${iso.slice(0, 23)}${String(l.ns).padStart(6, "0")}Z`;
}

const PATHS = [
  "/",
  "/healthz",
  "/api/v1/items",
  "/api/v1/items/42",
  "/api/v1/orders",
  "/static/app.js",
  "/static/style.css",
  "/metrics",
  "/login",
  "/api/v1/users/me",
];
const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
  "curl/8.5.0",
  "kube-probe/1.31",
  "Go-http-client/1.1",
  "python-requests/2.32.3",
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pick = <T>(a: readonly T[]): T => a[Math.floor(Math.random() * a.length)] as T;

function clf(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function makeLogLine(c: ContainerSim): string {
  const r = Math.random();
  const now = new Date();
  if (c.image.includes("nginx") || c.image.includes("httpd") || r < 0.8) {
    const path = pick(PATHS);
    const method = path.includes("orders") && Math.random() < 0.4 ? "POST" : "GET";
    const status = Math.random() < 0.93 ? 200 : pick([201, 304, 404, 500] as const);
    const ip = `10.244.${Math.floor(Math.random() * 4)}.${2 + Math.floor(Math.random() * 200)}`;
    return `${ip} - - [${clf(now)}] "${method} ${path} HTTP/1.1" ${status} ${Math.floor(200 + Math.random() * 9000)} "-" "${pick(AGENTS)}"`;
  }
  if (r < 0.95)
    return `level=info msg="request handled" path=${pick(PATHS)} duration=${(Math.random() * 40).toFixed(2)}ms`;
  return `level=warn msg="slow upstream response" upstream=db duration=${(200 + Math.random() * 800).toFixed(0)}ms`;
}

export function startupLines(c: ContainerSim): string[] {
  const own = c.profile.startup?.(c.port);
  if (own) return own;
  if (c.image.includes("nginx")) {
    return [
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
      "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
      "/docker-entrypoint.sh: Configuration complete; ready for start up",
      `${new Date().toISOString().slice(0, 19).replace("T", " ").replace(/-/g, "/")} [notice] 1#1: nginx/1.27.3`,
      `${new Date().toISOString().slice(0, 19).replace("T", " ").replace(/-/g, "/")} [notice] 1#1: start worker processes`,
    ];
  }
  return [
    `level=info msg="starting ${c.image}" version=1.4.2`,
    `level=info msg="listening" addr=0.0.0.0:${c.port}`,
  ];
}

export function crashLines(_c: ContainerSim): string[] {
  return [
    `level=error msg="failed to connect to database" host=10.96.14.2:5432 err="connection refused"`,
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6f3a2c]",
    "",
    "goroutine 1 [running]:",
    "main.main()",
    "\t/app/main.go:42 +0x2c",
  ];
}
