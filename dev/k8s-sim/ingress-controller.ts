// The ingress controller's data path: one plain-HTTP listener per simulator process (simulator.ts)
// routes a request by its Host header to a cluster (each has a base domain, e.g.
// `apps.<cluster>.localhost`, which Chromium resolves to loopback per RFC 6761), then as ingress-nginx
// would through that cluster's Ingresses of class `nginx` (ingress-nginx.ts) to a Service's ready
// endpoint, from one of the controller's pods, through the NetworkPolicies (network.ts), to the
// container's app (http-apps.ts). What the client sees matches ingress-nginx:
//   no Ingress for the host/path        404 from the default backend
//   Service/port unknown or no ready endpoint    503 Service Temporarily Unavailable
//   nothing listens, or not HTTP there  502 Bad Gateway (after trying up to 3 endpoints)
//   a NetworkPolicy drops the connection        504 Gateway Time-out (after connectTimeoutMs)
//   body over proxy-body-size (1m)      413 Request Entity Too Large
// Routing (internal/ingress/controller/controller.go createServers/createUpstreams and the nginx
// template): a server per host (exact names before `*.` wildcards, which match one label; rules
// without a host belong to the catch-all server); in a server, an Exact path beats any prefix, then
// the longest path wins; Prefix matches whole path elements (`/foo` matches `/foo` and `/foo/x`, not
// `/foobar`); ImplementationSpecific is nginx's plain prefix location; on the same host and path the
// oldest Ingress wins. A host server without a matching path falls back to an Ingress's
// `spec.defaultBackend` (ingresses of that host first, then one without rules), else 404.
// TLS sections are kept as metadata only: the listener speaks plain HTTP.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { nginxErrorPage } from "./apps/nginx";
import type { HttpRequest, HttpResponse } from "./http-apps";
import { controllerPods, ING, servedByNginx } from "./ingress-nginx";
import { NetError, type Network } from "./network";
import { R } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

/** ingress-nginx's default proxy-body-size. */
const MAX_BODY = 1024 * 1024;
/** proxy_next_upstream_tries: endpoints tried on a refused connection before answering 502. */
const TRIES = 3;

export interface IngressCluster {
  name: string;
  baseDomain: string;
  store: Store;
  network: Network;
}

interface Backend {
  ing: Obj;
  service: { name: string; port: { number?: number; name?: string } } | undefined;
}

interface Candidate extends Backend {
  pathType: "Exact" | "Prefix" | "ImplementationSpecific";
  path: string;
}

/** Host of a Host header: lower case, no port, no trailing dot. */
export function hostOf(header: string | undefined): string {
  const h = (header ?? "").trim().toLowerCase();
  const noPort = h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d+$/, "");
  return noPort.replace(/\.$/, "");
}

function wildcardMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith("*.")) return false;
  const suffix = pattern.slice(1); // ".example.com"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, -suffix.length);
  return label.length > 0 && !label.includes(".");
}

const ingresses = (c: IngressCluster) =>
  c.store
    .list(ING)
    .filter((i) => servedByNginx(c.store, i))
    .sort((a, b) =>
      a.metadata.creationTimestamp === b.metadata.creationTimestamp
        ? `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}`
          ? -1
          : 1
        : a.metadata.creationTimestamp < b.metadata.creationTimestamp
          ? -1
          : 1,
    );

/** The rules of the server that answers `host`: exact host, else wildcard, else the catch-all. */
function serverRules(ings: Obj[], host: string): { ing: Obj; rule: Obj }[] {
  const all = ings.flatMap((ing) => (ing.spec?.rules ?? []).map((rule: Obj) => ({ ing, rule })));
  const exact = all.filter((r) => r.rule.host === host);
  if (exact.length) return exact;
  const wild = all.filter((r) => r.rule.host && wildcardMatches(r.rule.host, host));
  if (wild.length) {
    // nginx picks the longest matching wildcard name.
    const best = Math.max(...wild.map((r) => r.rule.host.length));
    return wild.filter((r) => r.rule.host.length === best);
  }
  return all.filter((r) => !r.rule.host);
}

/** Whether some Ingress of the cluster names `host` (exactly or by wildcard). */
function namesHost(c: IngressCluster, host: string): boolean {
  return ingresses(c).some((ing) =>
    (ing.spec?.rules ?? []).some((r: Obj) => r.host === host || (r.host && wildcardMatches(r.host, host))),
  );
}

function pathMatches(c: Candidate, path: string): boolean {
  if (c.pathType === "Exact") return path === c.path;
  if (c.pathType === "Prefix") {
    const p = c.path.replace(/\/+$/, "");
    return p === "" || path === p || path.startsWith(`${p}/`);
  }
  return path.startsWith(c.path || "/");
}

/** The backend ingress-nginx would proxy `host` + `path` to, or undefined (default backend: 404). */
export function route(ings: Obj[], host: string, path: string): Backend | undefined {
  const rules = serverRules(ings, host);
  const candidates: Candidate[] = rules.flatMap(({ ing, rule }) =>
    (rule.http?.paths ?? []).map((p: Obj) => ({
      ing,
      service: p.backend?.service,
      pathType: p.pathType,
      path: p.path ?? "/",
    })),
  );
  const matching = candidates.filter((c) => pathMatches(c, path));
  // Stable sort keeps the oldest Ingress first among equals.
  matching.sort((a, b) => {
    if ((a.pathType === "Exact") !== (b.pathType === "Exact")) return a.pathType === "Exact" ? -1 : 1;
    return b.path.length - a.path.length;
  });
  const best = matching[0];
  if (best) return best;
  const ruleIngs = rules.map((r) => r.ing);
  const withDefault =
    ruleIngs.find((i) => i.spec?.defaultBackend) ??
    ings.find((i) => !(i.spec?.rules ?? []).length && i.spec?.defaultBackend);
  return withDefault ? { ing: withDefault, service: withDefault.spec.defaultBackend.service } : undefined;
}

const errorResponse = (status: number): HttpResponse => ({
  status,
  headers: { "content-type": "text/html" },
  body: nginxErrorPage(status, "nginx"),
});

/**
 * Proxies one request inside a cluster; never throws. null: no controller pod is ready, so nothing
 * accepts the connection.
 */
export async function proxy(c: IngressCluster, req: HttpRequest, host: string): Promise<HttpResponse | null> {
  const controller = c.network.pick("ingress-nginx/controller", controllerPods(c.store));
  if (!controller) return null;
  const path = normalizePath(req.path);
  const backend = route(ingresses(c), host, path);
  if (!backend?.service) return errorResponse(backend ? 503 : 404);
  const ns = backend.ing.metadata.namespace;
  const svc = c.store.get(R.svc, ns, backend.service.name);
  const port = backend.service.port?.number ?? backend.service.port?.name;
  const eps = svc && port !== undefined ? c.network.serviceEndpoints(svc, port) : undefined;
  if (!eps?.length) return errorResponse(503);
  let last: NetError | undefined;
  for (let i = 0; i < Math.min(TRIES, eps.length); i++) {
    const ep = c.network.pick(`${ns}/${backend.service.name}:${port}`, eps);
    if (!ep) break;
    try {
      const shown = `${ep.pod.status?.podIP}:${ep.port}`;
      const dialed = await c.network.connect({ pod: controller }, ep.pod, ep.port, shown);
      if (!dialed.app.http) return errorResponse(502); // the port speaks something else
      return await dialed.app.http(ep.port, forwarded(req, host), dialed.ctx);
    } catch (e) {
      if (!(e instanceof NetError)) return errorResponse(502); // the upstream broke the exchange
      if (e.code === "ETIMEDOUT") return errorResponse(504);
      last = e;
    }
  }
  return errorResponse(last ? 502 : 503);
}

/** nginx's URI normalization before location matching: percent-decoding, merged slashes. */
function normalizePath(raw: string): string {
  const p = raw.split("?")[0] || "/";
  let decoded = p;
  try {
    decoded = decodeURIComponent(p);
  } catch {
    decoded = p;
  }
  return decoded.replace(/\/{2,}/g, "/");
}

/** The headers ingress-nginx adds to a proxied request. */
function forwarded(req: HttpRequest, host: string): HttpRequest {
  return {
    ...req,
    headers: {
      ...req.headers,
      host: req.headers.host ?? host,
      "x-request-id": randomBytes(16).toString("hex"),
      "x-real-ip": "127.0.0.1",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-host": host,
      "x-forwarded-port": "80",
      "x-forwarded-proto": "http",
      "x-forwarded-scheme": "http",
      "x-scheme": "http",
    },
  };
}

/** The cluster a Host belongs to: by base domain, else the one whose Ingresses name it. */
export function clusterFor(clusters: IngressCluster[], host: string): IngressCluster | undefined {
  return (
    clusters.find((c) => host === c.baseDomain || host.endsWith(`.${c.baseDomain}`)) ??
    clusters.find((c) => namesHost(c, host))
  );
}

const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"];

/** The listener's request handler. */
export function handleIngressRequest(
  clusters: IngressCluster[],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = Number(req.headers["content-length"] ?? 0) > MAX_BODY;
  req.on("data", (b: Buffer) => {
    size += b.length;
    if (size > MAX_BODY) tooLarge = true;
    else chunks.push(b);
  });
  req.on("error", () => res.destroy());
  req.on("end", () => {
    void (async () => {
      const host = hostOf(req.headers.host);
      const cluster = clusterFor(clusters, host);
      let out: HttpResponse | null;
      if (tooLarge) out = errorResponse(413);
      else if (!cluster) out = errorResponse(404);
      else {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (v !== undefined && !HOP_BY_HOP.includes(k)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        out = await proxy(
          cluster,
          { method: req.method ?? "GET", path: req.url ?? "/", headers, body: Buffer.concat(chunks) },
          host,
        ).catch(() => errorResponse(502));
      }
      if (!out) {
        res.destroy();
        return;
      }
      const body = typeof out.body === "string" ? Buffer.from(out.body) : out.body;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(out.headers))
        if (!HOP_BY_HOP.includes(k.toLowerCase())) headers[k.toLowerCase()] = v;
      headers["content-length"] = String(
        req.method === "HEAD" ? (headers["content-length"] ?? body.length) : body.length,
      );
      res.writeHead(out.status, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    })();
  });
}
