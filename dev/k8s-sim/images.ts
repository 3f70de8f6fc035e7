// The image model: what the simulated kubelet knows about an image, so that a pod starts, fails to
// start or crashes the way it would on a real node. Each row says what the image's Dockerfile says
// (default USER, the ports it listens on, the paths its entrypoint writes and who owns them, the
// capabilities its entrypoint needs when it starts as root) plus how much it writes to local disk
// while running (the usage the kubelet's ephemeral-storage eviction sees). Unknown images count as
// root and writing. The kubelet (kubelet.ts) calls containerOutcome() when it starts a container
// and diskBytes() on every tick.
//
// Failures modelled, with the messages real components print:
// - runAsNonRoot with an image that runs as root (and no runAsUser): CreateContainerConfigError,
//   kubelet's verifyRunAsNonRoot (pkg/kubelet/kuberuntime/security_context_others.go);
// - a read-only root filesystem (or a non-root user on root-owned paths) where the entrypoint
//   writes: the process exits with the error it logs (CrashLoopBackOff);
// - started as root with capabilities it needs dropped (chown, setuid/setgid, binding <1024);
// - started as a non-root user when it needs root to bind a port below 1024.
import type { Obj } from "./util";

/** containerd's default capability set (what a container has unless it drops some). */
const RUNTIME_DEFAULT_CAPS = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FSETID",
  "FOWNER",
  "MKNOD",
  "NET_RAW",
  "SETGID",
  "SETUID",
  "SETFCAP",
  "SETPCAP",
  "NET_BIND_SERVICE",
  "SYS_CHROOT",
  "KILL",
  "AUDIT_WRITE",
];

export interface ImageWrite {
  path: string;
  /** uid owning the path in the image (0 = root); "any" = world-writable (e.g. mode 1777). */
  owner: number | "any";
}

/** What the process sees when it starts (derived from the pod, the container and the row). */
export interface StartContext {
  uid: number;
  /** Effective capabilities of the process (empty for a non-root user without file capabilities). */
  caps: Set<string>;
  env: Record<string, string>;
  args: string[];
  /** Why `path` cannot be written, or undefined when it can. */
  cannotWrite(path: string, owner: number | "any"): "Read-only file system" | "Permission denied" | undefined;
}

export interface ImageProfile {
  /** Repositories (normalized, without tag) this row covers; `*` matches one path segment. */
  repos: string[];
  /** The Dockerfile's USER as written ("" = root, none set). */
  user: string;
  /** The numeric uid the image runs as (USER resolved through the image's /etc/passwd). */
  uid: number;
  /** Where the row's facts come from. */
  source: string;
  ports: number[];
  writes: ImageWrite[];
  /** Capabilities the entrypoint uses when it starts as root. */
  rootCaps: string[];
  /** File capabilities on the binary (they work for a non-root user if not dropped). */
  fileCaps?: string[];
  /** MiB the running container writes to local disk (writable layer or emptyDir), reached over its start. */
  diskMiB: number;
  /** Opens its listening sockets before it writes anything (httpd), so a bind error comes first. */
  bindsFirst?: boolean;
  /** Writes no periodic output (e.g. CoreDNS without the log plugin, pause). */
  quiet?: boolean;
  /** The lines it logs once it runs. */
  startup?: (port: number) => string[];
  /** Where a write really goes for this container (e.g. postgres's data directory follows PGDATA). */
  resolveWrite?: (w: ImageWrite, ctx: StartContext) => ImageWrite;
  /** The lines it logs before exiting when it cannot start, by what went wrong. */
  failure(why: Failure): string[];
}

export type Failure =
  | { kind: "write"; path: string; error: "Read-only file system" | "Permission denied" }
  | { kind: "cap"; cap: string; ctx: StartContext }
  | { kind: "bind"; port: number };

const errno = (e: "Read-only file system" | "Permission denied") => (e === "Read-only file system" ? 30 : 13);
const nginxTime = () => new Date().toISOString().slice(0, 19).replace("T", " ").replace(/-/g, "/");
/** klog's line header, e.g. "I1130 15:30:41.123456" (Info). */
const klogTime = () => {
  const iso = new Date().toISOString();
  return `I${iso.slice(5, 7)}${iso.slice(8, 10)} ${iso.slice(11, 23)}000`;
};
const pgTime = () => `${new Date().toISOString().slice(0, 23).replace("T", " ")} UTC`;

const nginxEntrypoint = (ro: boolean) => [
  "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
  "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
  "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
  ro
    ? "10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)"
    : "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
  "/docker-entrypoint.sh: Configuration complete; ready for start up",
];

function nginxFailure(why: Failure): string[] {
  const head = nginxEntrypoint(why.kind === "write" && why.error === "Read-only file system");
  const t = nginxTime();
  switch (why.kind) {
    case "write":
      return [
        ...head,
        `${t} [emerg] 1#1: mkdir() "${why.path}" failed (${errno(why.error)}: ${why.error})`,
        `nginx: [emerg] mkdir() "${why.path}" failed (${errno(why.error)}: ${why.error})`,
      ];
    case "bind":
      return [
        ...head,
        `${t} [warn] 1#1: the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2`,
        `${t} [emerg] 1#1: bind() to 0.0.0.0:${why.port} failed (13: Permission denied)`,
        `nginx: [emerg] bind() to 0.0.0.0:${why.port} failed (13: Permission denied)`,
      ];
    case "cap":
      if (why.cap === "NET_BIND_SERVICE")
        return [
          ...head,
          `${t} [emerg] 1#1: bind() to 0.0.0.0:80 failed (13: Permission denied)`,
          "nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)",
        ];
      if (why.cap === "CHOWN")
        return [
          ...head,
          `${t} [emerg] 1#1: chown("/var/cache/nginx/client_temp", 101) failed (1: Operation not permitted)`,
          'nginx: [emerg] chown("/var/cache/nginx/client_temp", 101) failed (1: Operation not permitted)',
        ];
      return [
        ...head,
        `${t} [emerg] 29#29: setgid(101) failed (1: Operation not permitted)`,
        `${t} [alert] 1#1: worker process 29 exited with fatal code 2 and cannot be respawned`,
      ];
  }
}

/** Entrypoints that chown their data directory and drop to a user with gosu (docker-library). */
function gosuFailure(program: string, dir: string, user: string) {
  return (why: Failure): string[] => {
    switch (why.kind) {
      case "write":
        return [`mkdir: cannot create directory '${dir}': ${why.error}`];
      case "bind":
        return [`${program}: bind: Permission denied`];
      case "cap":
        if (why.cap === "CHOWN" || why.cap === "FOWNER" || why.cap === "DAC_OVERRIDE")
          return [`chown: changing ownership of '${dir}': Operation not permitted`];
        return [`error: failed switching to "${user}": operation not permitted`];
    }
  };
}

function genericFailure(program: string) {
  return (why: Failure): string[] => {
    switch (why.kind) {
      case "write":
        return [`${program}: open ${why.path}: ${why.error.toLowerCase()}`];
      case "bind":
        return [`${program}: listen tcp 0.0.0.0:${why.port}: bind: permission denied`];
      case "cap":
        return [`${program}: operation not permitted (missing capability CAP_${why.cap})`];
    }
  };
}

const pgDataDir = (ctx: StartContext) => ctx.env.PGDATA ?? "/var/lib/postgresql/data";

export const IMAGES: ImageProfile[] = [
  {
    repos: ["docker.io/library/nginx"],
    user: "",
    uid: 0,
    source:
      "https://github.com/nginxinc/docker-nginx/blob/master/mainline/debian/Dockerfile (no USER; workers run as nginx, uid 101)",
    ports: [80],
    writes: [
      { path: "/var/cache/nginx/client_temp", owner: 0 },
      { path: "/var/run/nginx.pid", owner: 0 },
    ],
    rootCaps: ["CHOWN", "SETUID", "SETGID", "NET_BIND_SERVICE"],
    diskMiB: 2,
    startup: () => [
      ...nginxEntrypoint(false),
      `${nginxTime()} [notice] 1#1: using the "epoll" event method`,
      `${nginxTime()} [notice] 1#1: nginx/1.27.3`,
      `${nginxTime()} [notice] 1#1: start worker processes`,
    ],
    failure: nginxFailure,
  },
  {
    repos: ["docker.io/nginxinc/nginx-unprivileged"],
    user: "101",
    uid: 101,
    source:
      "https://github.com/nginxinc/docker-nginx-unprivileged/blob/main/mainline/debian/Dockerfile (USER $UID, UID=101; listens on 8080, pid and temp paths in /tmp)",
    ports: [8080],
    writes: [
      { path: "/tmp/client_temp", owner: "any" },
      { path: "/tmp/nginx.pid", owner: "any" },
    ],
    rootCaps: [],
    diskMiB: 2,
    startup: () => [
      "/docker-entrypoint.sh: Configuration complete; ready for start up",
      `${nginxTime()} [notice] 1#1: nginx/1.27.3`,
      `${nginxTime()} [notice] 1#1: start worker processes`,
    ],
    failure: nginxFailure,
  },
  {
    repos: ["ghcr.io/kubebid/guestbook"],
    user: "65532",
    uid: 65532,
    source:
      "KubeBid's demo app (dev/k8s-sim/apps/guestbook.ts): a distroless/static-style image, USER 65532 (nonroot), listens on PORT (8080), writes nothing outside /tmp",
    ports: [8080],
    writes: [],
    rootCaps: [],
    diskMiB: 1,
    startup: (port) => [`guestbook listening on :${port}`],
    failure: genericFailure("guestbook"),
  },
  {
    repos: ["docker.io/library/postgres", "docker.io/bitnami/postgresql"],
    user: "",
    uid: 0,
    source:
      "https://github.com/docker-library/postgres/blob/master/16/bookworm/Dockerfile (no USER; docker-entrypoint.sh chowns PGDATA and re-executes as postgres, uid 999, with gosu; PGDATA's parent is mode 1777)",
    ports: [5432],
    writes: [
      { path: "/var/lib/postgresql/data", owner: 999 },
      { path: "/var/run/postgresql", owner: "any" },
    ],
    rootCaps: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"],
    // initdb chmods PGDATA, which only its owner may do; a PGDATA below the 1777 directory is created
    // (and so owned) by whatever user runs initdb.
    resolveWrite: (w, ctx) => {
      if (w.path !== "/var/lib/postgresql/data") return w;
      const path = pgDataDir(ctx);
      return { path, owner: path.startsWith("/var/lib/postgresql/data/") ? "any" : 999 };
    },
    diskMiB: 64,
    startup: () => [
      "PostgreSQL init process complete; ready for start up.",
      `${pgTime()} [1] LOG:  starting PostgreSQL 16.6 (Debian 16.6-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
      `${pgTime()} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
      `${pgTime()} [1] LOG:  database system is ready to accept connections`,
    ],
    failure: (why) => {
      if (why.kind === "write" && why.path.startsWith("/var/lib/postgresql"))
        return [
          'The files belonging to this database system will be owned by user "postgres".',
          `fixing permissions on existing directory ${why.path} ... initdb: error: could not change permissions of directory "${why.path}": ${why.error === "Read-only file system" ? "Read-only file system" : "Operation not permitted"}`,
        ];
      if (why.kind === "write") return [`mkdir: cannot create directory '${why.path}': ${why.error}`];
      return gosuFailure("postgres", "/var/lib/postgresql/data", "postgres")(why);
    },
  },
  {
    repos: ["docker.io/library/redis"],
    user: "",
    uid: 0,
    source:
      "https://github.com/docker-library/redis/blob/master/7.4/debian/Dockerfile (no USER; docker-entrypoint.sh chowns /data and re-executes as redis, uid 999, with gosu)",
    ports: [6379],
    writes: [{ path: "/data", owner: 999 }],
    rootCaps: ["CHOWN", "SETUID", "SETGID"],
    diskMiB: 1,
    startup: (port) => [
      "1:C 01 Jan 2025 00:00:00.000 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
      `1:M 01 Jan 2025 00:00:00.000 * Running mode=standalone, port=${port}.`,
      "1:M 01 Jan 2025 00:00:00.000 * Ready to accept connections tcp",
    ],
    failure: (why) =>
      why.kind === "write"
        ? [`1:M 01 Jan 2025 00:00:00.000 # Can't open or create append-only dir appendonlydir: ${why.error}`]
        : gosuFailure("redis-server", "/data", "redis")(why),
  },
  {
    repos: ["docker.io/library/mysql"],
    user: "",
    uid: 0,
    source:
      "https://github.com/docker-library/mysql/blob/master/8.4/Dockerfile.oracle (no USER; entrypoint chowns /var/lib/mysql and re-executes as mysql, uid 999, with gosu)",
    ports: [3306],
    writes: [
      { path: "/var/lib/mysql", owner: 999 },
      { path: "/var/run/mysqld", owner: 999 },
    ],
    rootCaps: ["CHOWN", "SETUID", "SETGID"],
    diskMiB: 200,
    startup: () => [
      "[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.3'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.",
    ],
    failure: (why) =>
      why.kind === "write"
        ? [
            `[ERROR] [MY-010273] [Server] Could not create unix socket lock file /var/run/mysqld/mysqld.sock.lock.`,
            `[ERROR] [MY-010119] [Server] Aborting`,
          ]
        : gosuFailure("mysqld", "/var/lib/mysql", "mysql")(why),
  },
  {
    repos: ["docker.io/library/mongo"],
    user: "",
    uid: 0,
    source:
      "https://github.com/docker-library/mongo/blob/master/7.0/Dockerfile (no USER; entrypoint chowns /data/db and re-executes as mongodb, uid 999, with gosu)",
    ports: [27017],
    writes: [{ path: "/data/db", owner: 999 }],
    rootCaps: ["CHOWN", "SETUID", "SETGID"],
    diskMiB: 120,
    failure: (why) =>
      why.kind === "write"
        ? [
            `{"t":{"$date":"2025-01-01T00:00:00.000+00:00"},"s":"E","c":"CONTROL","id":20568,"ctx":"initandlisten","msg":"Error setting up listener","attr":{"error":{"code":9001,"codeName":"SocketException","errmsg":"${why.error}"}}}`,
          ]
        : gosuFailure("mongod", "/data/db", "mongodb")(why),
  },
  {
    repos: ["docker.io/library/httpd"],
    user: "",
    uid: 0,
    source:
      "https://github.com/docker-library/httpd/blob/master/2.4/Dockerfile (no USER; httpd.conf `User daemon`: children switch to uid 1, master binds port 80 as root)",
    ports: [80],
    writes: [{ path: "/usr/local/apache2/logs/httpd.pid", owner: 0 }],
    rootCaps: ["NET_BIND_SERVICE", "SETUID", "SETGID"],
    bindsFirst: true,
    diskMiB: 1,
    startup: () => [
      "AH00558: httpd: Could not reliably determine the server's fully qualified domain name",
      "[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations",
    ],
    failure: (why) => {
      if (why.kind === "write")
        return [
          `(30)${why.error}: AH00099: could not create ${why.path}`,
          "AH00100: httpd: could not log pid to file /usr/local/apache2/logs/httpd.pid",
        ];
      if (why.kind === "bind" || (why.kind === "cap" && why.cap === "NET_BIND_SERVICE"))
        return [
          "(13)Permission denied: AH00072: make_sock: could not bind to address 0.0.0.0:80",
          "no listening sockets available, shutting down",
          "AH00015: Unable to open logs",
        ];
      return [
        "[unixd:alert] [pid 8:tid 8] (1)Operation not permitted: AH02156: setgid: unable to set group id to Group 1",
        "AH00016: Configuration Failed",
      ];
    },
  },
  {
    repos: ["docker.io/library/caddy"],
    user: "",
    uid: 0,
    source:
      "https://github.com/caddyserver/caddy-docker/blob/master/2.8/alpine/Dockerfile (no USER; setcap cap_net_bind_service=+ep on /usr/bin/caddy; XDG_DATA_HOME=/data, XDG_CONFIG_HOME=/config)",
    ports: [80, 443],
    writes: [
      { path: "/data/caddy", owner: 0 },
      { path: "/config/caddy", owner: 0 },
    ],
    rootCaps: ["NET_BIND_SERVICE"],
    fileCaps: ["NET_BIND_SERVICE"],
    diskMiB: 1,
    failure: genericFailure("caddy"),
  },
  {
    repos: ["docker.io/library/traefik", "docker.io/traefik/traefik"],
    user: "",
    uid: 0,
    source:
      "https://github.com/traefik/traefik-library-image/blob/master/v3.2/alpine/Dockerfile (no USER; default entrypoint web on :80)",
    ports: [80],
    writes: [],
    rootCaps: ["NET_BIND_SERVICE"],
    diskMiB: 0,
    failure: (why) =>
      why.kind === "bind" || why.kind === "cap"
        ? [
            `level=error msg="Error while starting server" error="listen tcp :80: bind: permission denied" entryPointName=web`,
          ]
        : genericFailure("traefik")(why),
  },
  {
    repos: ["docker.io/grafana/grafana", "docker.io/grafana/grafana-oss"],
    user: "472",
    uid: 472,
    source:
      'https://github.com/grafana/grafana/blob/main/Dockerfile (USER "$GF_UID", GF_UID=472; /var/lib/grafana owned by 472)',
    ports: [3000],
    writes: [{ path: "/var/lib/grafana", owner: 472 }],
    rootCaps: [],
    diskMiB: 30,
    failure: (why) =>
      why.kind === "write"
        ? [
            `GF_PATHS_DATA='/var/lib/grafana' is not writable.`,
            "You may have issues with file permissions, more information here: http://docs.grafana.org/installation/docker/#migrate-to-v51-or-later",
            "mkdir: can't create directory '/var/lib/grafana/plugins': Permission denied",
          ]
        : genericFailure("grafana")(why),
  },
  {
    repos: ["docker.io/prom/prometheus", "quay.io/prometheus/prometheus"],
    user: "nobody",
    uid: 65534,
    source:
      "https://github.com/prometheus/prometheus/blob/main/Dockerfile (USER nobody; /prometheus owned by nobody)",
    ports: [9090],
    writes: [{ path: "/prometheus", owner: 65534 }],
    rootCaps: [],
    diskMiB: 40,
    failure: (why) =>
      why.kind === "write"
        ? [
            `time=2025-01-01T00:00:00.000Z level=ERROR source=main.go:1203 msg="Fatal error" err="opening storage failed: lock DB directory: open /prometheus/lock: ${why.error.toLowerCase()}"`,
          ]
        : genericFailure("prometheus")(why),
  },
  {
    repos: ["docker.io/jupyter/*", "quay.io/jupyter/*"],
    user: "1000",
    uid: 1000,
    source:
      "https://github.com/jupyter/docker-stacks/blob/main/images/docker-stacks-foundation/Dockerfile (USER $NB_UID, NB_UID=1000 jovyan; /home/jovyan owned by 1000)",
    ports: [8888],
    writes: [{ path: "/home/jovyan/.local", owner: 1000 }],
    rootCaps: [],
    diskMiB: 50,
    startup: (port) => [
      "Entered start.sh with args: start-notebook.py",
      "[I 2025-01-01 00:00:00.000 ServerApp] jupyterlab | extension was successfully loaded.",
      `[I 2025-01-01 00:00:00.000 ServerApp] Jupyter Server 2.14.2 is running at: http://127.0.0.1:${port}/lab`,
    ],
    failure: (why) =>
      why.kind === "write"
        ? [
            "Entered start.sh with args: start-notebook.py",
            "Traceback (most recent call last):",
            `PermissionError: [Errno ${errno(why.error)}] ${why.error}: '${why.path}'`,
          ]
        : genericFailure("jupyter")(why),
  },
  {
    repos: ["docker.io/vllm/vllm-openai"],
    user: "",
    uid: 0,
    source:
      "https://github.com/vllm-project/vllm/blob/main/docker/Dockerfile (no USER; weights downloaded to /root/.cache/huggingface; API on 8000)",
    ports: [8000],
    writes: [{ path: "/root/.cache/huggingface", owner: 0 }],
    rootCaps: [],
    // A 7B model in bf16 (e.g. Qwen2.5-7B-Instruct: 15.2 GB of safetensors).
    diskMiB: 14_500,
    startup: (port) => [
      "INFO 01-01 00:00:00 api_server.py:528] vLLM API server version 0.6.3",
      "INFO 01-01 00:00:00 weight_utils.py:243] Using model weights format ['*.safetensors']",
      "INFO 01-01 00:00:00 model_runner.py:1067] Loading model weights took 14.2487 GB",
      `INFO:     Uvicorn running on http://0.0.0.0:${port} (Press CTRL+C to quit)`,
    ],
    failure: (why) =>
      why.kind === "write"
        ? [`OSError: [Errno ${errno(why.error)}] ${why.error}: '/root/.cache/huggingface/hub'`]
        : genericFailure("vllm")(why),
  },
  {
    repos: ["docker.io/ollama/ollama"],
    user: "",
    uid: 0,
    source:
      "https://github.com/ollama/ollama/blob/main/Dockerfile (no USER; keys and models in /root/.ollama; API on 11434)",
    ports: [11434],
    writes: [{ path: "/root/.ollama", owner: 0 }],
    rootCaps: [],
    diskMiB: 1,
    startup: () => [
      'time=2025-01-01T00:00:00.000Z level=INFO source=routes.go:1259 msg="Listening on [::]:11434 (version 0.5.4)"',
    ],
    failure: (why) =>
      why.kind === "write"
        ? [`Error: could not create directory mkdir /root/.ollama: ${why.error.toLowerCase()}`]
        : genericFailure("ollama")(why),
  },
  {
    repos: [
      "docker.io/library/busybox",
      "docker.io/library/alpine",
      "docker.io/library/debian",
      "docker.io/library/ubuntu",
    ],
    user: "",
    uid: 0,
    source:
      "https://github.com/docker-library/official-images/blob/master/library/busybox (busybox, alpine, debian, ubuntu: no USER; the command decides what is written)",
    ports: [],
    writes: [],
    rootCaps: [],
    diskMiB: 0,
    startup: () => [],
    failure: genericFailure("sh"),
  },
  {
    repos: ["docker.io/library/python", "docker.io/library/node", "docker.io/library/golang"],
    user: "",
    uid: 0,
    source:
      "https://github.com/docker-library/python/blob/master/3.13/bookworm/Dockerfile, https://github.com/nodejs/docker-node/blob/main/22/bookworm/Dockerfile (no USER; node has a `node` user, uid 1000, not used by default)",
    ports: [],
    writes: [],
    rootCaps: [],
    diskMiB: 0,
    failure: genericFailure("app"),
  },
  {
    repos: ["registry.k8s.io/pause"],
    user: "65535:65535",
    uid: 65535,
    source: "https://github.com/kubernetes/kubernetes/blob/master/build/pause/Dockerfile (USER 65535:65535)",
    ports: [],
    writes: [],
    rootCaps: [],
    diskMiB: 0,
    quiet: true,
    startup: () => [],
    failure: genericFailure("pause"),
  },
  {
    repos: ["registry.k8s.io/coredns/coredns"],
    user: "nonroot:nonroot",
    uid: 65532,
    source:
      "https://github.com/coredns/coredns/blob/master/Dockerfile (distroless static:nonroot, USER nonroot:nonroot; setcap cap_net_bind_service=+ep on /coredns)",
    ports: [53, 9153],
    writes: [],
    rootCaps: ["NET_BIND_SERVICE"],
    fileCaps: ["NET_BIND_SERVICE"],
    diskMiB: 0,
    quiet: true,
    startup: () => [
      ".:53",
      "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
      "CoreDNS-1.11.3",
      "linux/amd64, go1.21.11, a6338e9",
    ],
    failure: genericFailure("coredns"),
  },
  {
    repos: ["registry.k8s.io/ingress-nginx/controller"],
    user: "www-data",
    uid: 101,
    source:
      "https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/Dockerfile (USER www-data, uid 101; setcap cap_net_bind_service=+ep on /nginx-ingress-controller and nginx; /etc/ingress-controller and /tmp/nginx owned by www-data)",
    ports: [80, 443, 10254],
    writes: [
      { path: "/tmp/nginx", owner: 101 },
      { path: "/etc/ingress-controller/ssl", owner: 101 },
    ],
    rootCaps: ["NET_BIND_SERVICE"],
    fileCaps: ["NET_BIND_SERVICE"],
    diskMiB: 12,
    startup: () => [
      "-------------------------------------------------------------------------------",
      "NGINX Ingress controller",
      "  Release:       v1.11.3",
      "  Build:         0106de65cfccb74405a6dfa7d9daffc6f0a6ef1a",
      "  Repository:    https://github.com/kubernetes/ingress-nginx",
      "  nginx version: nginx/1.25.5",
      "",
      "-------------------------------------------------------------------------------",
      `${klogTime()}       7 main.go:205] "Creating API client" host="https://10.96.0.1:443"`,
      `${klogTime()}       7 nginx.go:317] "Starting NGINX process"`,
      `${klogTime()}       7 controller.go:213] "Backend successfully reloaded"`,
    ],
    failure: genericFailure("nginx-ingress-controller"),
  },
];

/** Anything not in the table: counted as root and writing (the cautious reading of an unknown image). */
export const UNKNOWN_IMAGE: ImageProfile = {
  repos: [],
  user: "",
  uid: 0,
  source: "unknown image: assumed root, writing to its root filesystem",
  ports: [],
  writes: [{ path: "/var/lib/app", owner: 0 }],
  rootCaps: [],
  diskMiB: 64,
  failure: genericFailure("app"),
};

/** docker.io/library/nginx:latest style reference (what the kubelet reports as the image). */
export function normalizeImage(image: string): string {
  let img = image;
  if (!img.includes(":") && !img.includes("@")) img += ":latest";
  const first = img.split("/")[0] ?? "";
  if (!img.includes("/")) img = `docker.io/library/${img}`;
  else if (!first.includes(".") && !first.includes(":") && first !== "localhost") img = `docker.io/${img}`;
  return img;
}

const repoOf = (normalized: string) => normalized.replace(/@.*$/, "").replace(/:[^:/]+$/, "");

export function imageProfile(image: string): ImageProfile {
  const repo = repoOf(normalizeImage(image));
  for (const p of IMAGES)
    for (const pattern of p.repos) {
      const re = new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\*/g, "[^/]+")}$`);
      if (re.test(repo)) return p;
    }
  return UNKNOWN_IMAGE;
}

export type ContainerOutcome =
  | { kind: "run"; profile: ImageProfile }
  | { kind: "config"; profile: ImageProfile; message: string }
  | { kind: "crash"; profile: ImageProfile; lines: string[] };

/** `name_namespace(uid)`, as the kubelet's format.Pod prints a pod. */
const formatPod = (pod: Obj) => `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;

/**
 * What happens when the kubelet starts `container` of `pod`: it runs, the kubelet refuses to create it
 * (CreateContainerConfigError), or the process exits at once with the lines it logs.
 */
export function containerOutcome(pod: Obj, container: Obj): ContainerOutcome {
  const profile = imageProfile(String(container.image ?? ""));
  const psc: Obj = pod.spec?.securityContext ?? {};
  const csc: Obj = container.securityContext ?? {};
  const runAsUser: number | undefined = csc.runAsUser ?? psc.runAsUser;
  const runAsNonRoot: boolean | undefined = csc.runAsNonRoot ?? psc.runAsNonRoot;
  // kubelet: verifyRunAsNonRoot (pkg/kubelet/kuberuntime/security_context_others.go)
  if (runAsNonRoot === true && !csc.windowsOptions) {
    if (runAsUser === 0)
      return {
        kind: "config",
        profile,
        message: `container's runAsUser breaks non-root policy (pod: "${formatPod(pod)}", container: ${container.name})`,
      };
    if (runAsUser === undefined) {
      const userPart = profile.user.split(":")[0] ?? "";
      if (userPart !== "" && !/^\d+$/.test(userPart))
        return {
          kind: "config",
          profile,
          message: `container has runAsNonRoot and image has non-numeric user (${userPart}), cannot verify user is non-root (pod: "${formatPod(pod)}", container: ${container.name})`,
        };
      if (profile.uid === 0)
        return {
          kind: "config",
          profile,
          message: `container has runAsNonRoot and image will run as root (pod: "${formatPod(pod)}", container: ${container.name})`,
        };
    }
  }
  const uid = runAsUser ?? profile.uid;
  const privileged = csc.privileged === true;
  const drop: string[] = csc.capabilities?.drop ?? [];
  const add: string[] = csc.capabilities?.add ?? [];
  const bounding = new Set<string>(
    privileged
      ? [...RUNTIME_DEFAULT_CAPS, "SYS_ADMIN", "NET_ADMIN"]
      : [...RUNTIME_DEFAULT_CAPS.filter((c) => !drop.includes("ALL") && !drop.includes(c)), ...add],
  );
  // A non-root process has no capabilities, except file capabilities on its binary that the bounding set keeps.
  const caps = uid === 0 ? bounding : new Set((profile.fileCaps ?? []).filter((c) => bounding.has(c)));
  const readOnly = csc.readOnlyRootFilesystem === true;
  const mounts: Obj[] = container.volumeMounts ?? [];
  const under = (path: string, mount: string) =>
    path === mount || path.startsWith(mount.endsWith("/") ? mount : `${mount}/`);
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) if (typeof e?.value === "string") env[e.name] = e.value;
  const ctx: StartContext = {
    uid,
    caps,
    env,
    args: [...(container.command ?? []), ...(container.args ?? [])],
    cannotWrite(path, owner) {
      const mount = mounts
        .filter((m) => under(path, String(m.mountPath ?? "")))
        .sort((a, b) => String(b.mountPath).length - String(a.mountPath).length)[0];
      // Volumes (emptyDir, PVCs) are writable by the pod's users (fsGroup or mode 0777 emptyDirs).
      if (mount) return mount.readOnly ? "Read-only file system" : undefined;
      if (readOnly) return "Read-only file system";
      if (owner === "any" || owner === uid) return undefined;
      if (uid === 0) return caps.has("DAC_OVERRIDE") || owner === 0 ? undefined : "Permission denied";
      return "Permission denied";
    },
  };
  // A command of its own replaces the image's entrypoint: what that entrypoint would write or bind
  // does not happen, and the simulator does not guess what the command does.
  if (container.command?.length && profile !== UNKNOWN_IMAGE) return { kind: "run", profile };
  const crash = (why: Failure): ContainerOutcome => ({ kind: "crash", profile, lines: profile.failure(why) });
  if (uid === 0)
    for (const cap of profile.rootCaps) if (!caps.has(cap)) return crash({ kind: "cap", cap, ctx });
  const bind = (): ContainerOutcome | undefined => {
    if (uid === 0) return undefined;
    const port = profile.ports.find((p) => p < 1024 && !caps.has("NET_BIND_SERVICE"));
    return port === undefined ? undefined : crash({ kind: "bind", port });
  };
  if (profile.bindsFirst) {
    const failed = bind();
    if (failed) return failed;
  }
  for (const write of profile.writes) {
    const w = profile.resolveWrite?.(write, ctx) ?? write;
    // As root it owns what it writes (or its entrypoint chowns it first, checked above).
    const error = ctx.cannotWrite(w.path, uid === 0 ? 0 : w.owner);
    if (error) return crash({ kind: "write", path: w.path, error });
  }
  return bind() ?? { kind: "run", profile };
}

/**
 * Bytes a running container has written to pod-local storage `elapsedMs` after it started: its
 * writable layer and emptyDirs (not PersistentVolumeClaims), reaching the row's figure over `rampMs`.
 */
export function diskBytes(
  profile: ImageProfile,
  pod: Obj,
  container: Obj,
  elapsedMs: number,
  rampMs: number,
): number {
  if (profile.diskMiB === 0) return 0;
  const pvcVolumes = new Set(
    (pod.spec?.volumes ?? []).filter((v: Obj) => v.persistentVolumeClaim).map((v: Obj) => v.name),
  );
  const dataPath = profile.writes[0]?.path;
  const onPvc =
    dataPath !== undefined &&
    (container.volumeMounts ?? []).some(
      (m: Obj) =>
        pvcVolumes.has(m.name) && (dataPath === m.mountPath || dataPath.startsWith(`${m.mountPath}/`)),
    );
  if (onPvc) return 0;
  return profile.diskMiB * 1024 * 1024 * Math.min(1, Math.max(0, elapsedMs) / Math.max(1, rampMs));
}
