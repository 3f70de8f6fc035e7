// The pod network of one simulated cluster: cluster DNS names, Service → ready endpoint (what
// kube-proxy does), NetworkPolicy on every connection (network-policy.ts), and the programs that
// listen in running containers (http-apps.ts). `appContext` is what an app, the ingress controller or
// an exec session gets for a (pod, container); its `dial` fails the way a client library reports it:
//   getaddrinfo ENOTFOUND <name>      the name is no Service (cluster DNS answers NXDOMAIN)
//   getaddrinfo EAI_AGAIN <name>      egress to cluster DNS is blocked (the lookup times out)
//   connect ECONNREFUSED <ip>:<port>  no ready endpoint (kube-proxy's REJECT rule), nothing listens
//   connect ETIMEDOUT <ip>:<port>     a NetworkPolicy drops the packets (egress or ingress)
// Blocked connections wait `connectTimeoutMs` first (a real client waits far longer; configurable).
import { type AppContext, appFor, type ContainerApp } from "./http-apps";
import type { SimCni } from "./network-addons";
import { type Connection, connectionAllowed, type Endpoint, enforcesNetworkPolicy } from "./network-policy";
import { isTerminal } from "./pods";
import { R, RESOURCES, type ResDef } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

const CM = RESOURCES.find((r) => r.group === "" && r.name === "configmaps") as ResDef;
const CLUSTER_DOMAIN = "cluster.local";
const KUBE_DNS_IP = "10.96.0.10";

export interface NetworkOptions {
  cni?: SimCni;
  /** NodeLocal DNSCache address (pods' DNS packets go there, outside the pod network). */
  nodeLocalDns?: string;
  /** How long a connection dropped by a NetworkPolicy takes to fail. */
  connectTimeoutMs: number;
}

export type NetErrorCode = "ENOTFOUND" | "EAI_AGAIN" | "ECONNREFUSED" | "ETIMEDOUT";

/** A failed lookup or connect, with Node's `code` and message. */
export class NetError extends Error {
  constructor(
    readonly code: NetErrorCode,
    target: string,
  ) {
    super(`${code === "ENOTFOUND" || code === "EAI_AGAIN" ? "getaddrinfo" : "connect"} ${code} ${target}`);
    this.name = "NetError";
  }
}

/** What a connection reaches: the listening container, its app and that container's own context. */
export type Dialed = Awaited<ReturnType<AppContext["dial"]>>;

interface Hosted {
  containerID: string;
  app: ContainerApp;
  ctx: AppContext;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A container's environment: `value`s and `valueFrom` Secret/ConfigMap keys, `envFrom` sources. */
function resolveEnv(store: Store, pod: Obj, c: Obj): Record<string, string> {
  const ns = pod.metadata.namespace;
  const env: Record<string, string> = {};
  const read = (def: ResDef, name: string, key: string): string | undefined => {
    const o = store.get(def, ns, name);
    if (!o) return undefined;
    if (def === R.secret) {
      const b = o.data?.[key];
      return b === undefined ? undefined : Buffer.from(b, "base64").toString("utf8");
    }
    return o.data?.[key];
  };
  for (const src of c.envFrom ?? []) {
    const def = src.secretRef ? R.secret : CM;
    const o = store.get(def, ns, (src.secretRef ?? src.configMapRef)?.name);
    for (const k of Object.keys(o?.data ?? {})) {
      const v = read(def, o?.metadata.name, k);
      if (v !== undefined) env[`${src.prefix ?? ""}${k}`] = v;
    }
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      const v = read(R.secret, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
      if (v !== undefined) env[e.name] = v;
    } else if (e.valueFrom?.configMapKeyRef) {
      const v = read(CM, e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key);
      if (v !== undefined) env[e.name] = v;
    }
  }
  return env;
}

export class Network {
  /** App instances of running containers, by `<pod uid>/<container>`. */
  private readonly hosted = new Map<string, Hosted>();
  private readonly roundRobin = new Map<string, number>();
  /** Where a container's mount path lives on disk; null until volumes are wired (see AppContext). */
  mountDirHook: (pod: Obj, container: string, path: string) => string | null = () => null;

  constructor(
    private readonly store: Store,
    readonly opts: NetworkOptions,
  ) {}

  get enforced(): boolean {
    return enforcesNetworkPolicy(this.opts.cni);
  }

  /** What a program in `container` of `pod` sees (env, mounts, dial). */
  appContext(pod: Obj, container: string): AppContext {
    const spec = (pod.spec?.containers ?? []).find((c: Obj) => c.name === container) ?? {};
    return {
      pod,
      container,
      env: resolveEnv(this.store, pod, spec),
      mountDir: (path) => this.mountDirHook(pod, container, path),
      dial: (host, port) => this.dial(pod, host, port),
    };
  }

  /**
   * The program running in a container, or null: the container is not running and ready, its image
   * has no app model, or its spec has a `command` of its own (the image's entrypoint does not run).
   */
  runningApp(pod: Obj, container: string): { app: ContainerApp; ctx: AppContext } | null {
    const key = `${pod.metadata.uid}/${container}`;
    const st = (pod.status?.containerStatuses ?? []).find((s: Obj) => s.name === container);
    const spec = (pod.spec?.containers ?? []).find((c: Obj) => c.name === container);
    const running = !isTerminal(pod) && !pod.metadata.deletionTimestamp && st?.state?.running && st.ready;
    const had = this.hosted.get(key);
    if (had && (!running || had.containerID !== st?.containerID)) this.stopApp(key, had);
    if (!running || !spec || spec.command?.length) return null;
    const cur = this.hosted.get(key);
    if (cur) return cur;
    const app = appFor(String(spec.image ?? ""));
    if (!app) return null;
    const h: Hosted = { containerID: st.containerID, app, ctx: this.appContext(pod, container) };
    this.hosted.set(key, h);
    return h;
  }

  private stopApp(key: string, h: Hosted): void {
    this.hosted.delete(key);
    void h.app.stop?.(h.ctx).catch(() => {});
  }

  /** Stops the apps of containers that no longer run (pod deleted, container restarted). */
  sweep(): void {
    if (!this.hosted.size) return;
    const byUid = new Map(this.store.list(R.pod).map((p) => [p.metadata.uid as string, p]));
    for (const [key, h] of this.hosted) {
      const uid = key.slice(0, key.indexOf("/"));
      const container = key.slice(key.indexOf("/") + 1);
      const pod = byUid.get(uid);
      const st = (pod?.status?.containerStatuses ?? []).find((s: Obj) => s.name === container);
      if (!pod || !st?.state?.running || st.containerID !== h.containerID) this.stopApp(key, h);
    }
  }

  /** Stops every app (simulator shutdown). */
  async stopAll(): Promise<void> {
    const all = [...this.hosted.values()];
    this.hosted.clear();
    await Promise.all(all.map((h) => h.app.stop?.(h.ctx).catch(() => {})));
  }

  /**
   * A connection from `from` to `pod`:`port` (TCP). `shown` is the address the client dialled, for
   * the error message. Policy first: a dropped SYN times out whether or not anything listens.
   */
  async connect(from: Endpoint, pod: Obj, port: number, shown: string): Promise<Dialed> {
    const conn: Connection = { from, to: { pod }, port, protocol: "TCP" };
    if (!connectionAllowed(this.store, conn, this.enforced)) {
      await sleep(this.opts.connectTimeoutMs);
      throw new NetError("ETIMEDOUT", shown);
    }
    const fresh = this.store.get(R.pod, pod.metadata.namespace, pod.metadata.name) ?? pod;
    for (const c of fresh.spec?.containers ?? []) {
      const run = this.runningApp(fresh, c.name);
      if (run?.app.listens(run.ctx).includes(port))
        return { pod: fresh, container: c.name, app: run.app, ctx: run.ctx };
    }
    throw new NetError("ECONNREFUSED", shown);
  }

  /**
   * Ready endpoints of a Service port (given by number or name), each a pod and its target port, as
   * the Endpoints controller wrote them. undefined: no such Service or port.
   */
  serviceEndpoints(svc: Obj, port: number | string): { pod: Obj; port: number }[] | undefined {
    const sp = (svc.spec?.ports ?? []).find((p: Obj) =>
      typeof port === "number" ? p.port === port && (p.protocol ?? "TCP") === "TCP" : p.name === port,
    );
    if (!sp) return undefined;
    const ns = svc.metadata.namespace;
    const ep = this.store.get(R.ep, ns, svc.metadata.name);
    const out: { pod: Obj; port: number }[] = [];
    for (const sub of ep?.subsets ?? []) {
      const p = (sub.ports ?? []).find((x: Obj) => (x.name ?? "") === (sp.name ?? ""));
      if (!p) continue;
      for (const a of sub.addresses ?? []) {
        const pod = a.targetRef?.name ? this.store.get(R.pod, ns, a.targetRef.name) : undefined;
        if (pod) out.push({ pod, port: p.port });
      }
    }
    return out;
  }

  /** The next of `items` in round-robin order for `key` (kube-proxy picks at random; ingress-nginx round-robins). */
  pick<T>(key: string, items: T[]): T | undefined {
    if (!items.length) return undefined;
    const n = this.roundRobin.get(key) ?? 0;
    this.roundRobin.set(key, n + 1);
    return items[n % items.length];
  }

  /** A connection through a Service's cluster IP (or headless name) to one of its ready endpoints. */
  private async viaService(from: Endpoint, svc: Obj, port: number, shown: string): Promise<Dialed> {
    const eps = this.serviceEndpoints(svc, port);
    if (!eps) {
      // No rule for the port on the cluster IP: nothing answers there.
      throw new NetError("ECONNREFUSED", shown);
    }
    const ready = eps.filter((e) => !isTerminal(e.pod));
    const key = `${svc.metadata.namespace}/${svc.metadata.name}:${port}`;
    const ep = this.pick(key, ready);
    // kube-proxy installs a REJECT rule for a Service without endpoints ("has no endpoints").
    if (!ep) throw new NetError("ECONNREFUSED", shown);
    return this.connect(from, ep.pod, ep.port, shown);
  }

  /** Whether the pod may send DNS queries (UDP 53) to CoreDNS or the NodeLocal DNS cache. */
  private dnsReachable(pod: Obj): boolean {
    if (!this.enforced) return true;
    const targets: Endpoint[] = this.store
      .list(R.pod, "kube-system")
      .filter((p) => p.metadata.labels?.["k8s-app"] === "kube-dns" && p.status?.podIP)
      .map((p) => ({ pod: p }));
    if (this.opts.nodeLocalDns) targets.push({ ip: this.opts.nodeLocalDns }, { ip: KUBE_DNS_IP });
    return targets.some((to) =>
      connectionAllowed(this.store, { from: { pod }, to, port: 53, protocol: "UDP" }, true),
    );
  }

  /**
   * Resolves a name as the pod's resolver would (search path `<ns>.svc.cluster.local svc.cluster.local
   * cluster.local`, ndots 5) to a Service, or undefined (NXDOMAIN).
   */
  resolveService(fromNs: string, host: string): Obj | undefined {
    const name = host.replace(/\.$/, "").toLowerCase();
    const candidates = host.endsWith(".")
      ? [name]
      : [
          `${name}.${fromNs}.svc.${CLUSTER_DOMAIN}`,
          `${name}.svc.${CLUSTER_DOMAIN}`,
          `${name}.${CLUSTER_DOMAIN}`,
          name,
        ];
    for (const fqdn of candidates) {
      const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(fqdn);
      if (!m) continue;
      const svc = this.store.get(R.svc, m[2] as string, m[1] as string);
      if (svc && svc.spec?.type !== "ExternalName") return svc;
    }
    return undefined;
  }

  /** AppContext.dial for `from`: a Service name or IP, or a pod IP. */
  async dial(from: Obj, host: string, port: number): Promise<Dialed> {
    const src: Endpoint = { pod: from };
    const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
    if (!isIp) {
      if (!this.dnsReachable(from)) {
        await sleep(this.opts.connectTimeoutMs);
        throw new NetError("EAI_AGAIN", host);
      }
      const svc = this.resolveService(from.metadata.namespace, host);
      if (!svc) throw new NetError("ENOTFOUND", host);
      if (svc.spec?.clusterIP === "None") {
        // Headless: the name resolves to the ready pods' IPs, dialled directly on `port`.
        const pods = (this.serviceEndpoints(svc, port) ?? []).map((e) => e.pod);
        const all = pods.length ? pods : this.headlessPods(svc);
        const pod = this.pick(`${svc.metadata.namespace}/${svc.metadata.name}`, all);
        if (!pod) throw new NetError("ENOTFOUND", host);
        return this.connect(src, pod, port, `${pod.status.podIP}:${port}`);
      }
      return this.viaService(src, svc, port, `${svc.spec.clusterIP}:${port}`);
    }
    const shown = `${host}:${port}`;
    const svc = this.store
      .list(R.svc)
      .find((s) => (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).includes(host));
    if (svc) return this.viaService(src, svc, port, shown);
    const pod = this.store.list(R.pod).find((p) => p.status?.podIP === host && !isTerminal(p));
    if (pod) return this.connect(src, pod, port, shown);
    // An address outside the cluster: the simulator has no internet, so nothing ever answers.
    await sleep(this.opts.connectTimeoutMs);
    throw new NetError("ETIMEDOUT", shown);
  }

  /** Ready pods behind a headless Service (for a port the Service does not list). */
  private headlessPods(svc: Obj): Obj[] {
    const ep = this.store.get(R.ep, svc.metadata.namespace, svc.metadata.name);
    return (ep?.subsets ?? [])
      .flatMap((s: Obj) => s.addresses ?? [])
      .map((a: Obj) => this.store.get(R.pod, svc.metadata.namespace, a.targetRef?.name))
      .filter((p: Obj | undefined): p is Obj => !!p);
  }
}
