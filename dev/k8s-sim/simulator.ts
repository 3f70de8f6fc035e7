// Kubernetes API simulator: the public, programmatic interface.
// Each cluster is served over HTTPS (own port on 127.0.0.1) with a shared CA and bearer tokens; one
// plain-HTTP ingress listener per process serves every cluster's Ingresses by base domain.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { dirname, join } from "node:path";
import { stringify as toYaml } from "yaml";
import { handleRequest } from "./api";
import { type SimCerts, sharedCerts } from "./certs";
import { ClusterState } from "./cluster";
import type { HpaOptions } from "./controllers/hpa";
import { handleUpgrade } from "./exec";
import { handleIngressRequest } from "./ingress-controller";
import type { SimCni } from "./network-addons";
import { adminInfo, groupsForUser, newToken, type TokenInfo, type TokenRule } from "./rbac/tokens";
import type { ClusterSnapshot } from "./store";

export interface SimNodeSpec {
  name: string;
  cpu: string; // "8" or "7500m"
  memory: string; // "32Gi"
  pods?: number; // default 110
  gpus?: number;
  gpuProduct?: string; // e.g. "NVIDIA-A100-SXM4-80GB"
  labels?: Record<string, string>;
  unschedulable?: boolean;
  ready?: boolean;
  /** e.g. { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } on GPU nodes */
  taints?: { key: string; value?: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
}
export interface SimClusterSpec {
  name: string;
  region?: string; // sets topology.kubernetes.io/region on nodes
  nodes: SimNodeSpec[];
  metricsApi?: boolean; // default true
  version?: string; // default "v1.31.2"
  /** Extension: fixed port for this cluster's listener (default 0 = OS picks, or the persisted port). */
  port?: number;
  /** CNI DaemonSet in kube-system (default none): calico, cilium, antrea, kube-router enforce NetworkPolicy. */
  cni?: SimCni;
  /** NodeLocal DNSCache DaemonSet listening on this link-local address (e.g. 169.254.20.10). */
  nodeLocalDns?: string;
  /** Hosts under this domain reach the cluster's ingress-nginx (default `apps.<name>.localhost`). */
  ingressBaseDomain?: string;
  /** A load-balancer provider publishes 127.0.0.1 for LoadBalancer Services (default none: `<pending>`). */
  loadBalancer?: boolean;
}
export interface SimOptions {
  clusters: SimClusterSpec[];
  host?: string; // default 127.0.0.1
  /** Base delay for Pending → Running (each pod gets 75%..125% of it). Default 550 ms (≈ 400-700 ms). */
  podStartDelayMs?: number;
  /** Period of the single simulator ticker that advances pods, logs and metrics. Default 100 ms. */
  tickMs?: number;
  /** How often each node's kubelet renews its Lease in kube-node-lease. Default 10 s (as the kubelet). */
  nodeLeaseRenewMs?: number;
  /**
   * JSON file: loaded at start if present (certs, tokens, ports, objects), saved on stop and every few
   * seconds. Volume data (PersistentVolumes, emptyDirs, containers' writable layers) lives in
   * `<stateFile>.volumes/<cluster>/`; without a state file, in a temporary directory removed on stop.
   */
  stateFile?: string;
  /** Fixed port of the ingress listener (default 0 = OS picks, or the persisted port). */
  ingressPort?: number;
  /** How long a connection dropped by a NetworkPolicy takes to fail (dial ETIMEDOUT, ingress 504). Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * The HPA controller's flags: sync period (default 15 s), downscale stabilization (default 300 s, for
   * HPAs that set no window of their own) and tolerance (0.1), as kube-controller-manager's
   * --horizontal-pod-autoscaler-*. Tests and e2e shorten them.
   */
  hpa?: Partial<HpaOptions>;
}
export type { TokenInfo, TokenRule };
export interface SimCluster {
  readonly name: string;
  readonly server: string; // https://127.0.0.1:PORT
  readonly port: number;
  /** Base domain of the cluster's Ingress hosts (e.g. apps.fra-gpu.localhost), served on the ingress listener. */
  readonly ingressBaseDomain: string;
  /** The bootstrap admin (system:masters). For setting a cluster up only; KubeBid code never uses it. */
  readonly adminToken: string;
  /** A test token with its own rules (no RBAC objects needed). */
  issueToken(opts: { user?: string; rules: TokenRule[] }): string;
  kubeconfig(opts?: { token?: string; user?: string }): string; // YAML, embedded CA data
  /**
   * Takes the cluster off the network: its API listener closes (every connection and watch dropped),
   * so clients get ECONNREFUSED, as from a cluster whose control plane is down. Its objects, pods and
   * the programs in them stay as they are (the ingress listener still serves them).
   */
  stop(): Promise<void>;
  /**
   * Brings a stopped cluster back on the same address (server URL, certificates, tokens, objects):
   * kubeconfigs handed out before work again. Throws if the port was taken meanwhile.
   */
  start(): Promise<void>;
  /** Whether its API listener is up. */
  readonly running: boolean;
  setLatency(ms: number): void;
  /** Requests served: in all, to metrics.k8s.io, by path, and writes (not GET/HEAD) by path. */
  readonly stats: {
    requests: number;
    metricsRequests: number;
    byPath: Map<string, number>;
    writesByPath: Map<string, number>;
  };
}
export interface Simulator {
  readonly caPem: string;
  /** Port of the plain-HTTP ingress listener on the simulator's host (every cluster's Ingresses). */
  readonly ingressPort: number;
  readonly clusters: SimCluster[];
  cluster(name: string): SimCluster;
  stop(): Promise<void>;
}

interface PersistedCluster {
  port: number;
  adminToken: string;
  tokens: ({ token: string } & Partial<TokenInfo> & { user: string; rules: TokenRule[] })[];
  snapshot: ClusterSnapshot;
}
interface PersistedState {
  version: 1;
  certs: SimCerts;
  ingressPort?: number;
  clusters: Record<string, PersistedCluster>;
}

/**
 * Listens on `port` (0: the OS picks; a taken non-zero port falls back to a new one unless `strict`);
 * the port bound.
 */
async function listenOn(
  server: Server | HttpServer,
  port: number,
  host: string,
  strict = false,
): Promise<number> {
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      const onErr = (e: Error) => {
        server.off("listening", onOk);
        reject(e);
      };
      const onOk = () => {
        server.off("error", onErr);
        resolve();
      };
      server.once("error", onErr);
      server.once("listening", onOk);
      server.listen(p, host);
    });
  try {
    await listen(port);
  } catch (e) {
    if (port === 0 || strict || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    await listen(0); // the persisted port is taken: fall back to a new one
  }
  const addr = server.address();
  return addr && typeof addr === "object" ? addr.port : port;
}

export class SimClusterImpl implements SimCluster {
  readonly name: string;
  readonly state: ClusterState;
  readonly tokens: Map<string, TokenInfo>;
  readonly stats = {
    requests: 0,
    metricsRequests: 0,
    byPath: new Map<string, number>(),
    writesByPath: new Map<string, number>(),
  };
  latencyMs = 0;
  adminToken: string;
  port: number;
  private http: Server | undefined;
  private sockets = new Set<Socket>();
  private listenedBefore = false;

  constructor(
    readonly spec: SimClusterSpec,
    private readonly sim: { host: string; certs: SimCerts },
    state: ClusterState,
    persisted?: PersistedCluster,
  ) {
    this.name = spec.name;
    this.state = state;
    this.tokens = state.auth.tokens;
    this.adminToken = persisted?.adminToken ?? newToken();
    this.port = persisted?.port ?? spec.port ?? 0;
    this.tokens.set(this.adminToken, adminInfo());
    for (const { token, ...t } of persisted?.tokens ?? [])
      this.tokens.set(token, { ...t, groups: t.groups ?? groupsForUser(t.user), admin: false });
  }

  get ingressBaseDomain(): string {
    return this.state.ingressBaseDomain;
  }

  get server(): string {
    const h = this.sim.host.includes(":") ? `[${this.sim.host}]` : this.sim.host;
    return `https://${h}:${this.port}`;
  }

  issueToken(opts: { user?: string; rules: TokenRule[] }): string {
    const token = newToken();
    const user =
      opts.user ?? `system:serviceaccount:kubebid:kubebid-${newToken().slice(6, 12).toLowerCase()}`;
    this.tokens.set(token, {
      user,
      groups: groupsForUser(user),
      admin: false,
      rules: structuredClone(opts.rules),
    });
    return token;
  }

  kubeconfig(opts?: { token?: string; user?: string }): string {
    const token = opts?.token ?? this.adminToken;
    const user = opts?.user ?? (token === this.adminToken ? `${this.name}-admin` : `${this.name}-user`);
    return toYaml({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: this.name,
          cluster: {
            server: this.server,
            "certificate-authority-data": Buffer.from(this.sim.certs.caCert).toString("base64"),
          },
        },
      ],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: this.name, context: { cluster: this.name, user } }],
      "current-context": this.name,
      preferences: {},
    });
  }

  get running(): boolean {
    return this.http !== undefined;
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  async start(): Promise<void> {
    if (this.http) return;
    const server = createServer(
      { key: this.sim.certs.serverKey, cert: this.sim.certs.serverCert, keepAlive: true },
      (req, res) => {
        handleRequest(this, req, res);
      },
    );
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 30_000;
    server.timeout = 0;
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    server.on("upgrade", (req, socket, head) => handleUpgrade(this, req, socket, head));
    server.on("tlsClientError", () => {});
    // A restart must come back where clients know it; only the very first start may move.
    this.port = await listenOn(server, this.port, this.sim.host, this.listenedBefore);
    this.listenedBefore = true;
    this.http = server;
  }

  async stop(): Promise<void> {
    const server = this.http;
    if (!server) return;
    this.http = undefined;
    this.state.closeStreams();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    });
  }

  persist(): PersistedCluster {
    return {
      port: this.port,
      adminToken: this.adminToken,
      tokens: [...this.tokens.entries()].filter(([, t]) => !t.admin).map(([token, t]) => ({ token, ...t })),
      snapshot: this.state.snapshot(),
    };
  }
}

class SimulatorImpl implements Simulator {
  private ticker: NodeJS.Timeout | undefined;
  private saver: NodeJS.Timeout | undefined;
  private stopped = false;
  private ingress: HttpServer | undefined;
  private readonly ingressSockets = new Set<Socket>();
  ingressPort: number;
  constructor(
    readonly clusters: SimClusterImpl[],
    private readonly certs: SimCerts,
    private readonly opts: SimOptions,
    initialIngressPort: number,
  ) {
    this.ingressPort = initialIngressPort;
  }

  /** The ingress listener: every cluster's ingress-nginx, told apart by base domain (ingress-controller.ts). */
  async startIngress(): Promise<void> {
    const targets = this.clusters.map((c) => ({
      name: c.name,
      baseDomain: c.ingressBaseDomain,
      store: c.state.store,
      network: c.state.network,
    }));
    const server = createHttpServer((req, res) => handleIngressRequest(targets, req, res));
    server.on("connection", (s: Socket) => {
      this.ingressSockets.add(s);
      s.on("close", () => this.ingressSockets.delete(s));
    });
    this.ingressPort = await listenOn(server, this.ingressPort, this.opts.host ?? "127.0.0.1");
    this.ingress = server;
  }

  get caPem(): string {
    return this.certs.caCert;
  }

  cluster(name: string): SimCluster {
    const c = this.clusters.find((x) => x.name === name);
    if (!c) throw new Error(`no simulated cluster named ${name}`);
    return c;
  }

  run(): void {
    const tickMs = this.opts.tickMs ?? 100;
    this.ticker = setInterval(() => {
      const now = Date.now();
      for (const c of this.clusters) c.state.tick(now);
    }, tickMs);
    this.ticker.unref();
    if (this.opts.stateFile) {
      this.saver = setInterval(() => this.save(false), 5000);
      this.saver.unref();
    }
  }

  save(force: boolean): void {
    const file = this.opts.stateFile;
    if (!file) return;
    if (!force && !this.clusters.some((c) => c.state.dirtySinceSave)) return;
    const st: PersistedState = { version: 1, certs: this.certs, ingressPort: this.ingressPort, clusters: {} };
    for (const c of this.clusters) {
      st.clusters[c.name] = c.persist();
      c.state.dirtySinceSave = false;
    }
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(st), { mode: 0o600 });
    renameSync(tmp, file);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.saver) clearInterval(this.saver);
    await this.close();
    this.save(true);
    await Promise.all(this.clusters.map((c) => c.state.shutdown()));
  }

  /** Stops the listeners (the containers' programs stop in each cluster's shutdown). */
  async close(): Promise<void> {
    const ingress = this.ingress;
    this.ingress = undefined;
    await Promise.all([
      ...this.clusters.map((c) => c.stop()),
      new Promise<void>((resolve) => {
        if (!ingress) return resolve();
        ingress.close(() => resolve());
        for (const s of this.ingressSockets) s.destroy();
      }),
    ]);
  }
}

export async function startSimulator(opts: SimOptions): Promise<Simulator> {
  const host = opts.host ?? "127.0.0.1";
  let persisted: PersistedState | undefined;
  if (opts.stateFile && existsSync(opts.stateFile)) {
    try {
      const p = JSON.parse(readFileSync(opts.stateFile, "utf8")) as PersistedState;
      if (p.version === 1 && p.certs?.caCert) persisted = p;
    } catch {
      persisted = undefined; // unreadable state: start fresh
    }
  }
  const certs = persisted?.certs ?? sharedCerts();
  const names = new Set<string>();
  const domains = new Set<string>();
  const clusters: SimClusterImpl[] = [];
  for (const spec of opts.clusters) {
    if (names.has(spec.name)) throw new Error(`duplicate cluster name ${spec.name}`);
    names.add(spec.name);
    const domain = spec.ingressBaseDomain ?? `apps.${spec.name}.localhost`;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(domain))
      throw new Error(`cluster ${spec.name}: ingress base domain ${domain} is not a DNS name`);
    if ([...domains].some((d) => d === domain || d.endsWith(`.${domain}`) || domain.endsWith(`.${d}`)))
      throw new Error(`cluster ${spec.name}: ingress base domain ${domain} overlaps another cluster's`);
    domains.add(domain);
    const p = persisted?.clusters[spec.name];
    const state = new ClusterState(
      spec,
      {
        podStartDelayMs: opts.podStartDelayMs ?? 550,
        nodeLeaseRenewMs: opts.nodeLeaseRenewMs,
        connectTimeoutMs: opts.connectTimeoutMs,
        hpa: opts.hpa,
        // Volume data beside the state file, so that it lives exactly as long as the objects do.
        dataDir: opts.stateFile ? join(`${opts.stateFile}.volumes`, spec.name) : undefined,
      },
      p?.snapshot,
    );
    state.auth.caPem = certs.caCert;
    clusters.push(new SimClusterImpl(spec, { host, certs }, state, p));
  }
  const sim = new SimulatorImpl(clusters, certs, opts, persisted?.ingressPort ?? opts.ingressPort ?? 0);
  try {
    await Promise.all([...clusters.map((c) => c.start()), sim.startIngress()]);
  } catch (e) {
    await sim.close();
    await Promise.all(clusters.map((c) => c.state.shutdown()));
    throw e;
  }
  sim.run();
  return sim;
}
