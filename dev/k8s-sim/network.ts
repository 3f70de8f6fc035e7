// The pod network of one simulated cluster: cluster DNS names, Service → ready endpoint (what
// kube-proxy does), NetworkPolicy on every connection (network-policy.ts), and the programs that
// listen in running containers (http-apps.ts). `appContext` is what an app, the ingress controller or
// an exec session gets for a (pod, container); its `dial` fails the way a client library reports it:
//   getaddrinfo ENOTFOUND <name>      the name is no Service (cluster DNS answers NXDOMAIN)
//   getaddrinfo EAI_AGAIN <name>      egress to cluster DNS is blocked (the lookup times out)
//   connect ECONNREFUSED <ip>:<port>  no ready endpoint (kube-proxy's REJECT rule), nothing listens
//   connect ETIMEDOUT <ip>:<port>     a NetworkPolicy drops the packets (egress or ingress)
// Blocked connections wait `connectTimeoutMs` first (a real client waits far longer; configurable).
import type { AppContext, ContainerApp } from "./http-apps";
import type { SimCni } from "./network-addons";
import { type Connection, connectionAllowed, type Endpoint, enforcesNetworkPolicy } from "./network-policy";
import { isTerminal } from "./pods";
import { R } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Network {
  private readonly roundRobin = new Map<string, number>();

  constructor(
    private readonly store: Store,
    readonly opts: NetworkOptions,
    /** The kubelet's program of a running container and its context (kubelet.ts `appOf`). */
    private readonly apps: (
      podUid: string,
      container: string,
    ) => { app: ContainerApp; ctx: AppContext } | undefined,
  ) {}

  get enforced(): boolean {
    return enforcesNetworkPolicy(this.opts.cni);
  }

  /**
   * What a program in `container` of `pod` sees: the kubelet's context while the container runs,
   * else (e.g. a client in a test) the pod's identity with its dial and nothing else.
   */
  appContext(pod: Obj, container: string): AppContext {
    const running = this.apps(pod.metadata.uid, container);
    if (running) return running.ctx;
    return {
      pod,
      container,
      env: {},
      mountDir: () => null,
      dial: (host, port) => this.dial(pod, host, port),
    };
  }

  /**
   * The program answering in a container, or null: the container is not running and ready, its image
   * has no app model, or its spec has a `command` of its own (the image's entrypoint does not run).
   */
  runningApp(pod: Obj, container: string): { app: ContainerApp; ctx: AppContext } | null {
    const st = (pod.status?.containerStatuses ?? []).find((s: Obj) => s.name === container);
    const running = !isTerminal(pod) && !pod.metadata.deletionTimestamp && st?.state?.running && st.ready;
    if (!running) return null;
    return this.apps(pod.metadata.uid, container) ?? null;
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
