// `pods/exec` over WebSocket: the remotecommand subprotocols v5.channel.k8s.io and v4.channel.k8s.io
// (k8s.io/apimachinery/pkg/util/remotecommand/constants.go). Each binary frame starts with its channel:
// 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status, written once as the command ends), 4 resize
// ({"Width":…,"Height":…}); v5 adds 255 close ([255, channel]: the client has no more stdin).
// The checks before the upgrade are the apiserver's (pkg/registry/core/pod/strategy.go ExecLocation)
// and the kubelet's (container running); SPDY is not served: kubectl uses WebSockets since 1.31
// (KUBECTL_REMOTE_COMMAND_WEBSOCKETS) and client-node always does.
import { randomBytes } from "node:crypto";
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { allowed, forbidden, route, status } from "./api";
import type { ClusterState } from "./cluster";
import { resolveEnv } from "./container-env";
import { ApiError, notFound } from "./errors";
import { imageProfile } from "./images";
import { findRes, R } from "./resources";
import { ExecNotFound, type ExecProcess, type ShellContext, startExec } from "./shell";
import type { SimClusterImpl } from "./simulator";
import type { Obj } from "./util";

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;
/** How often a session checks that its container still runs (processes die with it). */
const WATCH_MS = 200;

const CONFIGMAPS = findRes("", "v1", "configmaps")!;
// The first subprotocol the client offers that we speak (checked before the upgrade).
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: 1024 * 1024,
  handleProtocols: (offered) => [...offered].find((p) => PROTOCOLS.includes(p)) ?? false,
});

function refuse(socket: Duplex, e: unknown): void {
  const err =
    e instanceof ApiError ? e : new ApiError(500, "InternalError", `Internal error occurred: ${String(e)}`);
  const body = JSON.stringify(status(err.code, err.reason, err.message, err.details));
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const bad = (message: string) => new ApiError(400, "BadRequest", message);

/** Serves a connection upgrade on a simulated cluster (only `pods/exec` upgrades). */
export function handleUpgrade(c: SimClusterImpl, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on("error", () => {});
  try {
    const url = new URL(req.url ?? "/", "https://sim");
    c.stats.requests++;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
    const tok = m ? c.state.auth.authenticate(m[1]!.trim()) : undefined;
    if (!tok) throw new ApiError(401, "Unauthorized", "Unauthorized");
    const r = route(url.pathname.replace(/\/+$/, ""));
    if (!r || r === "notfound" || r.def !== R.pod || !r.name || r.subresource !== "exec")
      throw bad("the simulator upgrades connections for pods/exec only");
    const websocket = String(req.headers.upgrade ?? "").toLowerCase() === "websocket";
    const attrs = {
      verb: "create",
      group: "",
      resource: "pods",
      subresource: "exec",
      namespace: r.namespace,
      name: r.name,
    };
    // A WebSocket handshake is a GET: authorized as `get`, then (AuthorizePodWebsocketUpgradeCreatePermission,
    // on by default since 1.35, kubernetes/website feature-gates page) also as `create`, as SPDY's POST is.
    for (const verb of websocket ? ["get", "create"] : ["create"])
      if (!allowed(c.state, tok, { ...attrs, verb })) throw forbidden(tok, { ...attrs, verb });
    const session = prepare(c.state, r.namespace ?? "", r.name, url.searchParams);
    if (!websocket)
      throw bad(
        `the simulator serves exec over WebSocket only (${PROTOCOLS.join(", ")}), not ${req.headers.upgrade ?? "a plain request"}`,
      );
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    const protocol = offered.find((p) => PROTOCOLS.includes(p));
    if (!protocol)
      throw bad(
        `unable to upgrade: none of the requested subprotocols (${offered.join(", ") || "none"}) is supported: ${PROTOCOLS.join(", ")}`,
      );
    wss.handleUpgrade(req, socket, head, (ws) => serve(c.state, ws, protocol, session));
  } catch (e) {
    refuse(socket, e);
  }
}

interface Prepared {
  pod: Obj;
  containerName: string;
  argv: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  ctx: ShellContext;
}

const flag = (q: URLSearchParams, k: string) => q.get(k) === "true" || q.get(k) === "1";

function prepare(st: ClusterState, ns: string, name: string, q: URLSearchParams): Prepared {
  const pod = st.get(R.pod, ns, name);
  if (!pod) throw notFound(R.pod, name);
  const argv = q.getAll("command");
  if (!argv.length || !argv[0]) throw bad("you must specify at least 1 command");
  let [stdin, stdout, stderr] = [flag(q, "stdin"), flag(q, "stdout"), flag(q, "stderr")];
  const tty = flag(q, "tty");
  if (!stdin && !stdout && !stderr) throw bad("you must specify at least 1 of stdin, stdout, stderr");
  // remotecommand NewOptions: a tty has no separate stderr (it is bypassed, not refused).
  if (tty) stderr = false;
  const specs: Obj[] = pod.spec.containers ?? [];
  let cname = q.get("container") ?? "";
  if (!cname) {
    if (specs.length !== 1)
      throw bad(
        `a container name must be specified for pod ${name}, choose one of: [${specs.map((s) => s.name).join(" ")}]`,
      );
    cname = specs[0]!.name;
  }
  const spec = specs.find((s) => s.name === cname);
  const known = [...(pod.spec.initContainers ?? []), ...(pod.spec.ephemeralContainers ?? [])].some(
    (s: Obj) => s.name === cname,
  );
  if (!spec && !known) throw bad(`container ${cname} is not valid for pod ${name}`);
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed")
    throw bad(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (!pod.spec.nodeName) throw bad(`pod ${name} does not have a host assigned`);
  const sim = st.pods.get(pod.metadata.uid)?.containers.find((x) => x.name === cname);
  if (!spec || sim?.state !== "running")
    throw bad(`unable to upgrade connection: container not found ("${cname}")`);
  return { pod, containerName: cname, argv, stdin, stdout, stderr, tty, ctx: shellContext(st, pod, spec) };
}

/** Names in the image's /etc/passwd for the uids the image model uses. */
function userName(uid: number, image: string): string {
  if (uid === 0) return "root";
  if (uid === 65534) return "nobody";
  if (uid === 101 && image.includes("nginx")) return "nginx";
  if (uid === 472 && image.includes("grafana")) return "grafana";
  return String(uid);
}

function shellContext(st: ClusterState, pod: Obj, spec: Obj): ShellContext {
  const profile = imageProfile(String(spec.image ?? ""));
  const uid: number = spec.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser ?? profile.uid;
  const user = userName(uid, String(spec.image));
  // The running container's environment (a container that could not resolve it never started).
  const resolved = resolveEnv(st.store, pod, spec);
  const env = "env" in resolved ? resolved.env : {};
  env.HOME ??= uid === 0 ? "/root" : "/";
  const hostname = env.HOSTNAME ?? pod.metadata.name;
  const ns: string = pod.metadata.namespace;
  const dns = st.get(R.svc, "kube-system", "kube-dns")?.spec?.clusterIP;
  const files: Record<string, string> = {
    "/etc/hostname": `${hostname}\n`,
    "/etc/hosts": `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${pod.status?.podIP ? `${pod.status.podIP}\t${hostname}\n` : ""}`,
    "/etc/passwd": `root:x:0:0:root:/root:/bin/sh\n${uid === 0 || user === String(uid) ? "" : `${user}:x:${uid}:${uid}::/:/usr/sbin/nologin\n`}`,
    "/etc/resolv.conf": `search ${ns}.svc.cluster.local svc.cluster.local cluster.local\n${dns ? `nameserver ${dns}\n` : ""}options ndots:5\n`,
  };
  const dirs: string[] = [];
  const volumes: Obj[] = pod.spec.volumes ?? [];
  for (const m of spec.volumeMounts ?? []) {
    dirs.push(m.mountPath);
    const v = volumes.find((x) => x.name === m.name);
    const src = v?.secret
      ? st.get(R.secret, ns, v.secret.secretName)
      : v?.configMap
        ? st.get(CONFIGMAPS, ns, v.configMap.name)
        : undefined;
    if (!src) continue;
    for (const [k, val] of Object.entries<string>(src.data ?? {}))
      files[`${m.mountPath.replace(/\/$/, "")}/${k}`] = v?.secret
        ? Buffer.from(val, "base64").toString("utf8")
        : val;
  }
  const args: string[] = [...(spec.command ?? []), ...(spec.args ?? [])];
  const repo = String(spec.image)
    .split("@")[0]!
    .replace(/:[^:/]+$/, "");
  return {
    pod,
    container: spec.name,
    env,
    uid,
    user,
    hostname,
    mainProcess: args.length ? args.join(" ") : repo.slice(repo.lastIndexOf("/") + 1),
    files,
    dirs,
    // The program the kubelet runs in this container (the one that serves its ports), if any.
    app: st.kubelet.appOf(pod.metadata.uid, spec.name)?.app ?? null,
  };
}

/** Runs the command on an open connection until it exits, the container stops or the client leaves. */
function serve(st: ClusterState, ws: WebSocket, protocol: string, s: Prepared): void {
  const frame = (channel: number, data: string) => {
    if (ws.readyState === ws.OPEN)
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data, "utf8")]));
  };
  let ended = false;
  let proc: ExecProcess | undefined;
  const end = (st3: Obj) => {
    if (ended) return;
    ended = true;
    clearInterval(watch);
    proc?.kill();
    frame(ERROR, JSON.stringify(st3));
    ws.close(1000);
  };
  const exited = (code: number) =>
    end(
      code === 0
        ? { metadata: {}, status: "Success" }
        : {
            metadata: {},
            status: "Failure",
            message: `command terminated with non-zero exit code: error executing command [${s.argv.join(" ")}], exit code ${code}`,
            reason: "NonZeroExitCode",
            details: { causes: [{ reason: "ExitCode", message: String(code) }] },
          },
    );
  // The container's processes die with it (SIGKILL: 128 + 9).
  const watch = setInterval(() => {
    const pod = st.get(R.pod, s.pod.metadata.namespace, s.pod.metadata.name);
    const c = pod && st.pods.get(pod.metadata.uid)?.containers.find((x) => x.name === s.containerName);
    if (pod?.metadata.uid !== s.pod.metadata.uid || c?.state !== "running") exited(137);
  }, WATCH_MS);
  ws.on("close", () => {
    ended = true;
    clearInterval(watch);
    proc?.kill();
  });
  ws.on("error", () => {});
  const io = {
    out: (t: string) => s.stdout && frame(STDOUT, t),
    // On a tty stderr is the terminal too.
    err: (t: string) => (s.tty ? s.stdout && frame(STDOUT, t) : s.stderr && frame(STDERR, t)),
  };
  try {
    proc = startExec(s.argv, s.ctx, { tty: s.tty, stdin: s.stdin }, io, exited);
  } catch (e) {
    if (!(e instanceof ExecNotFound)) throw e;
    const message = `Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${randomBytes(32).toString("hex")}": ${e.message}`;
    end({
      metadata: {},
      status: "Failure",
      message,
      reason: "InternalError",
      details: { causes: [{ message }] },
      code: 500,
    });
    return;
  }
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data.toString("utf8"), "utf8");
    if (!buf.length || ended) return;
    const channel = buf[0];
    const body = buf.subarray(1);
    if (channel === STDIN && s.stdin) proc?.stdin(body);
    else if (channel === CLOSE && protocol === PROTOCOLS[0] && body[0] === STDIN) proc?.stdinEnd();
    // Resize frames (channel 4) only set the terminal's size, which the model's output does not use.
  });
}
