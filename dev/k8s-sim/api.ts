// HTTP layer: routing, authentication/authorization, discovery, CRUD, watch, logs, metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import type { ClusterState } from "./cluster";
import { ApiError, notFound } from "./errors";
import { eventsV1 } from "./events-v1";
import { decodeObject, fieldValidationOf, requireApplyTypeMeta } from "./field-validation";
import { openapiGroupVersion, openapiRoot, openapiV2 } from "./openapi";
import { openapiV2Response } from "./openapi-v2-protobuf";

import { decodeProtobufBody, isProtobuf } from "./protobuf";
import { type Attrs, authorize } from "./rbac/authorizer";
import { guardWrites } from "./rbac/guard-writes";
import { selfSubjectAccessReview, selfSubjectRulesReview } from "./rbac/reviews";
import { type TokenInfo, tokenRulesAllow, userOf } from "./rbac/tokens";
import { apiVersionOf, findRes, GROUPS, R, RESOURCES, type ResDef, resKey } from "./resources";
import type { SimClusterImpl } from "./simulator";
import type { WatchEvent } from "./store";
import { toTable } from "./tables";
import {
  clone,
  jsonPatch,
  matchFields,
  matchLabels,
  mergePatch,
  type Obj,
  PatchError,
  parseFieldSelector,
  parseLabelSelector,
  parseQuantity,
  SelectorError,
  strategicMergePatch,
} from "./util";
import { addWarning, warningHeaders, withWarnings } from "./warnings";
import { selfSubjectReview } from "./whoami";
import { formatLogTime, type LogLine } from "./workload";

const JSON_CT = "application/json";

export function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function send(res: ServerResponse, code: number, body: unknown): undefined {
  if (res.headersSent || res.destroyed) return;
  const s = JSON.stringify(body);
  const warnings = warningHeaders();
  res.writeHead(code, {
    "Content-Type": JSON_CT,
    "Content-Length": Buffer.byteLength(s),
    "Cache-Control": "no-cache, private",
    ...(warnings.length ? { Warning: warnings } : {}),
  });
  res.end(s);
}

function sendError(res: ServerResponse, e: unknown): undefined {
  if (e instanceof ApiError) return send(res, e.code, status(e.code, e.reason, e.message, e.details));
  if (e instanceof SelectorError) return send(res, 400, status(400, "BadRequest", e.message));
  if (e instanceof PatchError) return send(res, 422, status(422, "Invalid", e.message));
  return send(
    res,
    500,
    status(500, "InternalError", `Internal error occurred: ${(e as Error)?.message ?? String(e)}`),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString("utf8");
}

// create/update/review bodies: JSON, YAML or the Kubernetes protobuf envelope (protobuf.ts)
/**
 * A request's object, from JSON, YAML or the Kubernetes protobuf envelope; `json` is the request text
 * when it was JSON (strict field validation finds duplicate keys there), else undefined.
 */
async function readObjectBody(req: IncomingMessage): Promise<{ body: Obj; json: string | undefined }> {
  const ct = req.headers["content-type"] ?? "";
  const buf = await readBodyBytes(req);
  if (isProtobuf(ct) && buf.length) return { body: decodeProtobufBody(buf), json: undefined };
  const text = buf.toString("utf8");
  return { body: parseBody(text, ct), json: (ct || "application/json").includes("json") ? text : undefined };
}

async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 3 * 1024 * 1024)
      throw new ApiError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(text: string, contentType: string): Obj {
  if (!text.trim()) throw new ApiError(400, "BadRequest", "the body of the request was in an unknown format");
  try {
    if (contentType.includes("yaml")) return parseYaml(text) as Obj;
    return JSON.parse(text) as Obj;
  } catch (e) {
    throw new ApiError(
      400,
      "BadRequest",
      `the body of the request could not be decoded: ${(e as Error).message}`,
    );
  }
}

// ---------------- authorization ----------------
// RBAC over the stored roles and bindings (rbac/authorizer.ts), then a test token's own rules.
export function allowed(st: ClusterState, tok: TokenInfo, a: Attrs): boolean {
  return authorize(st.store, userOf(tok), a).allowed || tokenRulesAllow(tok.rules, a);
}

export function forbidden(tok: TokenInfo, a: Attrs): ApiError {
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resG = a.group ? `${a.resource}.${a.group}` : a.resource;
  const what = a.name ? `${resG} "${a.name}"` : resG;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  return new ApiError(
    403,
    "Forbidden",
    `${what} is forbidden: User "${tok.user}" cannot ${a.verb} resource "${full}" in API group "${a.group}" ${where}`,
    {
      ...(a.name ? { name: a.name } : {}),
      group: a.group,
      kind: a.resource,
    },
  );
}

// ---------------- discovery ----------------
// Only the legacy documents: kubectl 1.33 asks for aggregated discovery
// (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,...,application/json`) and
// client-go reads the response's Content-Type to tell which one it got (client-go/discovery/
// discovery_client.go, `downloadAPIs`), falling back to per-group requests on a plain APIGroupList.
function discovery(c: SimClusterImpl, path: string, port: number): Obj | undefined {
  const st = c.state;
  const visible = (g: string) => g !== "metrics.k8s.io" || st.metricsApi;
  if (path === "/version") {
    const m = /^v(\d+)\.(\d+)/.exec(st.version);
    return {
      major: m?.[1] ?? "1",
      minor: m?.[2] ?? "31",
      gitVersion: st.version,
      gitCommit: "5864a4677267e6adeae276ad85882a8714d69d9d",
      gitTreeState: "clean",
      buildDate: "2024-10-22T20:28:14Z",
      goVersion: "go1.22.8",
      compiler: "gc",
      platform: "linux/amd64",
    };
  }
  if (path === "/api") {
    return {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: `127.0.0.1:${port}` }],
    };
  }
  const groupObj = (g: { name: string; version: string }) => ({
    name: g.name,
    versions: [{ groupVersion: `${g.name}/${g.version}`, version: g.version }],
    preferredVersion: { groupVersion: `${g.name}/${g.version}`, version: g.version },
  });
  if (path === "/apis")
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: GROUPS.filter((g) => visible(g.name)).map(groupObj),
    };
  const parts = path.split("/").filter(Boolean);
  let group: string | undefined;
  let version: string | undefined;
  if (parts[0] === "api" && parts.length === 2) {
    group = "";
    version = parts[1];
  } else if (parts[0] === "apis" && parts.length === 2) {
    const g = GROUPS.find((x) => x.name === parts[1] && visible(x.name));
    return g ? { kind: "APIGroup", apiVersion: "v1", ...groupObj(g) } : undefined;
  } else if (parts[0] === "apis" && parts.length === 3) {
    group = parts[1];
    version = parts[2];
  }
  if (group === undefined || version === undefined || !visible(group)) return undefined;
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!defs.length) return undefined;
  const resources: Obj[] = [];
  for (const d of defs) {
    resources.push({
      name: d.name,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
      ...(d.virtual ? {} : { storageVersionHash: Buffer.from(resKey(d)).toString("base64").slice(0, 11) }),
    });
    for (const s of d.subresources ?? []) {
      const verbs =
        s === "log"
          ? ["get"]
          : s === "token"
            ? ["create"]
            : s === "exec"
              ? ["create", "get"]
              : ["get", "patch", "update"];
      const kind =
        s === "scale" ? "Scale" : s === "token" ? "TokenRequest" : s === "exec" ? "PodExecOptions" : d.kind;
      resources.push({
        name: `${d.name}/${s}`,
        singularName: "",
        namespaced: d.namespaced,
        kind,
        ...(s === "scale" ? { group: "autoscaling", version: "v1" } : {}),
        ...(s === "token" ? { group: "authentication.k8s.io", version: "v1" } : {}),
        verbs,
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

// ---------------- routing ----------------
export interface Route {
  def: ResDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
}

export function route(path: string): Route | undefined | "notfound" {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  let watchPrefix = false;
  if (rest[0] === "watch") {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (
    rest[0] === "namespaces" &&
    rest.length >= 3 &&
    !(rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize"))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = findRes(group, version, rest[0] ?? "");
  if (!def) return "notfound";
  if (def.namespaced === false && namespace !== undefined) return "notfound";
  const name = rest[1];
  const subresource = rest[2];
  if (rest.length > 3) return "notfound";
  if (subresource && !(def.subresources ?? []).includes(subresource)) return "notfound";
  return { def, namespace, name, subresource, watchPrefix };
}

function verbOf(method: string, r: Route, q: URLSearchParams): string | undefined {
  const watch = r.watchPrefix || q.get("watch") === "true" || q.get("watch") === "1";
  switch (method) {
    case "GET":
    case "HEAD":
      if (watch) return "watch";
      return r.name ? "get" : "list";
    case "POST":
      // TokenRequest is a create on the serviceaccounts/token subresource, exec (SPDY) on pods/exec.
      return r.name
        ? r.subresource === "token" || r.subresource === "exec"
          ? "create"
          : undefined
        : "create";
    case "PUT":
      return r.name ? "update" : undefined;
    case "PATCH":
      return r.name ? "patch" : undefined;
    case "DELETE":
      return r.name ? "delete" : "deletecollection";
    default:
      return undefined;
  }
}

export function handleRequest(c: SimClusterImpl, req: IncomingMessage, res: ServerResponse): void {
  const run = async () => {
    const url = new URL(req.url ?? "/", "https://sim");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    c.stats.requests++;
    c.stats.byPath.set(path, (c.stats.byPath.get(path) ?? 0) + 1);
    if (req.method !== "GET" && req.method !== "HEAD")
      c.stats.writesByPath.set(path, (c.stats.writesByPath.get(path) ?? 0) + 1);
    if (path.startsWith("/apis/metrics.k8s.io")) c.stats.metricsRequests++;
    if (c.latencyMs > 0) await new Promise((r) => setTimeout(r, c.latencyMs));
    const auth = req.headers.authorization ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    const tok = m ? c.state.auth.authenticate(m[1]!.trim()) : undefined;
    if (!tok) return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    await dispatch(c, tok, req, res, url, path);
  };
  withWarnings(() => run().catch((e) => sendError(res, e)));
}

async function dispatch(
  c: SimClusterImpl,
  tok: TokenInfo,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
): Promise<undefined> {
  const st = c.state;
  const method = req.method ?? "GET";
  const q = url.searchParams;
  if (path === "/healthz" || path === "/livez" || path === "/readyz") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok");
    return;
  }
  if (path === "/openapi/v2") {
    // client-go reads /openapi/v2 as gnostic protobuf whatever the Content-Type
    // (DiscoveryClient.OpenAPISchema), so kubectl gets that form; anyone else gets JSON.
    const doc = openapiV2Response(req.headers.accept ?? "*/*", openapiV2(st.version));
    res.writeHead(200, { "Content-Type": doc.contentType, "Content-Length": doc.body.length });
    res.end(doc.body);
    return;
  }
  if (path === "/openapi/v3") return send(res, 200, openapiRoot());
  if (path.startsWith("/openapi/v3/")) {
    const doc = openapiGroupVersion(path.slice("/openapi/v3/".length));
    if (doc) return send(res, 200, doc);
  }
  if (path.startsWith("/openapi"))
    return send(res, 404, status(404, "NotFound", "the server could not find the requested resource", {}));
  const disc = discovery(c, path, c.port);
  if (disc) {
    if (method !== "GET" && method !== "HEAD")
      return send(
        res,
        405,
        status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
      );
    return send(res, 200, disc);
  }
  const r = route(path);
  if (!r || r === "notfound")
    return send(res, 404, status(404, "NotFound", "the server could not find the requested resource", {}));
  if (r.def.group === "metrics.k8s.io" && !st.metricsApi)
    return send(res, 404, status(404, "NotFound", "the server could not find the requested resource", {}));
  const verb = verbOf(method, r, q);
  if (!verb || !r.def.verbs.includes(verb === "watch" && r.def.verbs.includes("watch") ? "watch" : verb))
    return send(
      res,
      405,
      status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {}),
    );

  const attrs: Attrs = {
    verb,
    group: r.def.group,
    resource: r.def.name,
    subresource: r.subresource,
    namespace: r.def === R.ns ? r.name : r.namespace,
    name: r.name,
  };
  if (!allowed(c.state, tok, attrs)) throw forbidden(tok, attrs);
  if (r.def.virtual === "review") return review(c, tok, req, res, r);
  if (r.subresource === "token") {
    const body = parseBody(await readBody(req), req.headers["content-type"] ?? "");
    return send(res, 201, st.auth.tokenRequest(r.namespace ?? "", r.name!, body, q.get("dryRun") === "All"));
  }

  if (r.def.virtual === "metrics") return metrics(st, res, r, q);
  if (r.def.virtual === "events") return send(res, 200, eventsV1(st, r.namespace, r.name, q));
  if (r.subresource === "log") return logs(st, req, res, r, q);
  // exec is served on the connection upgrade (exec.ts); a plain request gets the apiserver's answer
  // (k8s.io/apimachinery/pkg/util/httpstream: "Upgrade request required").
  if (r.subresource === "exec") return send(res, 400, status(400, "BadRequest", "Upgrade request required"));

  const ns = r.namespace ?? "";
  const dryRun = q.get("dryRun") === "All";
  // Writes go through escalation checks and admission policies, which need the user.
  const writing = verb !== "get" && verb !== "list" && verb !== "watch";
  const guard = writing ? guardWrites(c.state, userOf(tok)) : { state: st, warnings: [] as string[] };
  const gst = guard.state;
  // Admission policy warnings join the request's other warnings (Pod Security, field validation).
  const warn = () => {
    for (const w of guard.warnings) addWarning(w);
  };
  const wantTable = (req.headers.accept ?? "").includes("as=Table");

  switch (verb) {
    case "get": {
      const o = st.get(r.def, ns, r.name!);
      if (!o) throw notFound(r.def, r.name!);
      if (r.subresource === "scale") return send(res, 200, scaleOf(r.def, o));
      if (wantTable)
        return send(res, 200, toTable(r.def.kind, [o], o.metadata.resourceVersion, q.get("includeObject")));
      return send(res, 200, o);
    }
    case "list": {
      const items = filtered(st, r.def, r.namespace, q);
      if (wantTable) return send(res, 200, toTable(r.def.kind, items, String(st.rv), q.get("includeObject")));
      return send(res, 200, {
        kind: `${r.def.kind}List`,
        apiVersion: apiVersionOf(r.def),
        metadata: { resourceVersion: String(st.rv) },
        items,
      });
    }
    case "watch":
      return watch(st, req, res, r, q, wantTable);
    case "create": {
      const { body, json } = await readObjectBody(req);
      // a subresource's body is another kind (e.g. a TokenRequest), not this resource's
      if (!r.subresource) decodeObject(r.def, body, fieldValidationOf(q, "create"), json);
      const o = gst.create(r.def, ns, body, { dryRun });
      warn();
      return send(res, 201, o);
    }
    case "update": {
      const { body, json: text } = await readObjectBody(req);
      if (r.subresource === "scale")
        return send(res, 200, setScale(gst, r, body?.spec?.replicas, body?.metadata?.resourceVersion));
      decodeObject(r.def, body, fieldValidationOf(q, "update"), text);
      const o = gst.update(r.def, ns, r.name!, body, { subresource: r.subresource, dryRun });
      warn();
      return send(res, 200, o);
    }
    case "patch":
      return patch(gst, tok, req, res, r, q, dryRun, warn);
    case "delete": {
      const text = await readBody(req);
      const opts = text.trim() ? (parseBody(text, JSON_CT) as Obj) : {};
      const o = gst.delete(r.def, ns, r.name!, {
        propagationPolicy: q.get("propagationPolicy") ?? opts.propagationPolicy,
        dryRun: dryRun || (opts.dryRun ?? []).includes("All"),
        preconditions: opts.preconditions,
      });
      return send(res, 200, o);
    }
    case "deletecollection": {
      const items = filtered(st, r.def, r.namespace, q);
      for (const o of items)
        if (st.get(r.def, o.metadata.namespace ?? "", o.metadata.name))
          gst.delete(r.def, o.metadata.namespace ?? "", o.metadata.name, { dryRun });
      return send(res, 200, {
        kind: `${r.def.kind}List`,
        apiVersion: apiVersionOf(r.def),
        metadata: { resourceVersion: String(st.rv) },
        items,
      });
    }
  }
}

function filtered(st: ClusterState, def: ResDef, namespace: string | undefined, q: URLSearchParams): Obj[] {
  const ls = parseLabelSelector(q.get("labelSelector"));
  const fs = parseFieldSelector(q.get("fieldSelector"));
  return st
    .list(def, namespace)
    .filter((o) => matchLabels(ls, o.metadata.labels) && matchFields(fs, o))
    .sort((a, b) => {
      const ka = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
      const kb = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

function scaleOf(_def: ResDef, o: Obj): Obj {
  const ml = Object.entries(o.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: o.spec?.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: ml },
  };
}

function setScale(st: ClusterState, r: Route, replicas: unknown, rv?: string): Obj {
  const ns = r.namespace ?? "";
  const o = st.get(r.def, ns, r.name!);
  if (!o) throw notFound(r.def, r.name!);
  if (typeof replicas !== "number" || replicas < 0)
    throw new ApiError(
      422,
      "Invalid",
      `Scale.autoscaling "${r.name}" is invalid: spec.replicas: Invalid value: ${String(replicas)}: must be greater than or equal to 0`,
    );
  const next = clone(o);
  next.spec.replicas = replicas;
  if (rv) next.metadata.resourceVersion = rv;
  const updated = st.update(r.def, ns, r.name!, next);
  return scaleOf(r.def, updated);
}

async function patch(
  st: ClusterState,
  tok: TokenInfo,
  req: IncomingMessage,
  res: ServerResponse,
  r: Route,
  q: URLSearchParams,
  dryRun: boolean,
  warn: () => void = () => {},
): Promise<undefined> {
  const ns = r.namespace ?? "";
  const ct = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
  const text = await readBody(req);
  if (ct === "application/apply-patch+yaml" || ct === "application/apply-patch+json") {
    if (!q.get("fieldManager"))
      throw new ApiError(
        422,
        "Invalid",
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    const body = parseBody(text, "yaml");
    requireApplyTypeMeta(r.def, body);
    decodeObject(r.def, body, fieldValidationOf(q, "patch"), ct.endsWith("json") ? text : undefined);
    if (r.subresource === "status") {
      const cur = st.get(r.def, ns, r.name!);
      if (!cur) throw notFound(r.def, r.name!);
      return send(
        res,
        200,
        st.update(
          r.def,
          ns,
          r.name!,
          { ...clone(cur), status: mergePatch(cur.status, body.status) },
          { subresource: "status", dryRun },
        ),
      );
    }
    const exists = st.get(r.def, ns, r.name!);
    // Apply that creates needs `create`: PatchResource's createValidation is withAuthorization(…)
    // (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go, rest.go), which answers
    // NewForbidden(resource, name, <authorizer reason>), the reason being empty for an RBAC denial.
    if (!exists) {
      const attrs: Attrs = {
        verb: "create",
        group: r.def.group,
        resource: r.def.name,
        namespace: r.def === R.ns ? r.name : r.namespace,
        name: r.name,
      };
      if (!allowed(st, tok, attrs)) {
        const gr = r.def.group ? `${r.def.name}.${r.def.group}` : r.def.name;
        throw new ApiError(403, "Forbidden", `${gr} ${JSON.stringify(r.name)} is forbidden: `, {
          name: r.name,
          group: r.def.group,
          kind: r.def.name,
        });
      }
    }
    const o = st.apply(r.def, ns, r.name!, body, { dryRun });
    warn();
    return send(res, exists ? 200 : 201, o);
  }
  const cur = st.get(r.def, ns, r.name!);
  if (!cur) throw notFound(r.def, r.name!);
  const body = parseBody(text, JSON_CT);
  const base = r.subresource === "scale" ? scaleOf(r.def, cur) : cur;
  let next: Obj;
  switch (ct) {
    case "application/json-patch+json":
      next = jsonPatch(base, body) as Obj;
      break;
    case "application/merge-patch+json":
      next = mergePatch(base, body) as Obj;
      break;
    case "application/strategic-merge-patch+json":
      next = strategicMergePatch(base, body) as Obj;
      break;
    default:
      throw new ApiError(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
  }
  if (r.subresource === "scale")
    return send(res, 200, setScale(st, r, next?.spec?.replicas, body?.metadata?.resourceVersion));
  if (!next || typeof next !== "object")
    throw new ApiError(422, "Invalid", "patch produced an invalid object");
  decodeObject(r.def, next, fieldValidationOf(q, "patch"));
  // a patch only carries a precondition if it explicitly sets metadata.resourceVersion
  const explicitRv =
    ct === "application/json-patch+json"
      ? next.metadata?.resourceVersion !== cur.metadata.resourceVersion
        ? next.metadata?.resourceVersion
        : undefined
      : body?.metadata?.resourceVersion;
  next.metadata = { ...(next.metadata ?? {}), resourceVersion: explicitRv ?? cur.metadata.resourceVersion };
  const o = st.update(r.def, ns, r.name!, next, { subresource: r.subresource, dryRun });
  warn();
  return send(res, 200, o);
}

// ---------------- watch ----------------
function watch(
  st: ClusterState,
  req: IncomingMessage,
  res: ServerResponse,
  r: Route,
  q: URLSearchParams,
  asTable = false,
): undefined {
  const ls = parseLabelSelector(q.get("labelSelector"));
  const fs = parseFieldSelector(q.get("fieldSelector"));
  const key = resKey(r.def);
  const nsFilter = r.def === R.ns ? undefined : r.namespace;
  const nameFilter = r.name;
  const match = (o: Obj | undefined) =>
    !!o &&
    (nsFilter === undefined || o.metadata.namespace === nsFilter) &&
    (nameFilter === undefined || o.metadata.name === nameFilter) &&
    matchLabels(ls, o.metadata.labels) &&
    matchFields(fs, o);
  const rvParam = q.get("resourceVersion");
  const bookmarks = q.get("allowWatchBookmarks") === "true";
  const sendInitial = q.get("sendInitialEvents") === "true";
  res.writeHead(200, {
    "Content-Type": JSON_CT,
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache, private",
  });
  res.flushHeaders();
  const write = (type: string, object: Obj) => {
    const out =
      asTable && type !== "ERROR" && type !== "BOOKMARK"
        ? toTable(
            r.def.kind,
            [object],
            object.metadata?.resourceVersion ?? String(st.rv),
            q.get("includeObject"),
          )
        : object;
    if (!res.destroyed) res.write(`${JSON.stringify({ type, object: out })}\n`);
  };
  const translate = (ev: WatchEvent) => {
    const mNew = match(ev.obj);
    const mOld = ev.old ? match(ev.old) : false;
    if (ev.type === "ADDED") {
      if (mNew) write("ADDED", ev.obj);
    } else if (ev.type === "DELETED") {
      if (mOld || mNew) write("DELETED", ev.obj);
    } else if (mNew && mOld) write("MODIFIED", ev.obj);
    else if (mNew) write("ADDED", ev.obj);
    else if (mOld) write("DELETED", ev.obj);
  };
  if (!rvParam || rvParam === "0" || sendInitial) {
    for (const o of filtered(st, r.def, r.namespace, q)) if (match(o)) write("ADDED", o);
    if (sendInitial && bookmarks)
      write("BOOKMARK", {
        kind: r.def.kind,
        apiVersion: apiVersionOf(r.def),
        metadata: { resourceVersion: String(st.rv), annotations: { "k8s.io/initial-events-end": "true" } },
      });
  } else {
    const from = Number(rvParam);
    if (Number.isNaN(from)) {
      write("ERROR", status(400, "BadRequest", `invalid resource version: ${rvParam}`));
      res.end();
      return;
    }
    if (from < st.oldestHistoryRv() - 1 && from < st.rv) {
      write(
        "ERROR",
        status(410, "Expired", `too old resource version: ${from} (${st.oldestHistoryRv() - 1})`),
      );
      res.end();
      return;
    }
    for (const ev of st.history) if (ev.rv > from && ev.key === key) translate(ev);
  }
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  const watcher = {
    key,
    send: translate,
    close: () => {
      if (closed) return;
      closed = true;
      st.watchers.delete(watcher);
      for (const t of timers) clearTimeout(t);
      if (!res.destroyed) res.end();
    },
  };
  st.watchers.add(watcher);
  const timeout = Number(q.get("timeoutSeconds") ?? "1800");
  timers.push(setTimeout(watcher.close, Math.max(0, timeout) * 1000));
  if (bookmarks) {
    const bm = setInterval(
      () =>
        write("BOOKMARK", {
          kind: r.def.kind,
          apiVersion: apiVersionOf(r.def),
          metadata: { resourceVersion: String(st.rv) },
        }),
      15_000,
    );
    timers.push(bm as unknown as NodeJS.Timeout);
    res.on("close", () => clearInterval(bm));
  }
  req.on("close", watcher.close);
  res.on("close", watcher.close);
}

// ---------------- logs ----------------
function logs(
  st: ClusterState,
  req: IncomingMessage,
  res: ServerResponse,
  r: Route,
  q: URLSearchParams,
): undefined {
  const ns = r.namespace ?? "";
  const pod = st.get(R.pod, ns, r.name!);
  if (!pod) throw notFound(R.pod, r.name!);
  const sim = st.pods.get(pod.metadata.uid);
  const names: string[] = (pod.spec.containers ?? []).map((c: Obj) => c.name);
  let cname = q.get("container") ?? undefined;
  if (!cname) {
    if (names.length !== 1)
      throw new ApiError(
        400,
        "BadRequest",
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`,
      );
    cname = names[0];
  }
  const c = sim?.containers.find((x) => x.name === cname);
  if (!c || !sim)
    throw new ApiError(400, "BadRequest", `container ${cname} is not valid for pod ${pod.metadata.name}`);
  const previous = q.get("previous") === "true";
  let lines: LogLine[];
  if (previous) {
    // As the kubelet's validateContainerLogStatus (pkg/kubelet/kubelet_pods.go): an error only when the
    // container has no terminated previous instance; one that logged nothing answers an empty log.
    const prev = c.state === "crashbackoff" ? c.logs : c.previous;
    if (c.restartCount === 0)
      throw new ApiError(
        400,
        "BadRequest",
        `previous terminated container "${c.name}" in pod "${pod.metadata.name}" not found`,
      );
    lines = prev;
  } else {
    if (c.startedAt === 0) {
      const why =
        c.mode === "pull" && c.state !== "pulling"
          ? "trying and failing to pull image"
          : c.state === "configerror"
            ? "CreateContainerConfigError"
            : "ContainerCreating";
      throw new ApiError(
        400,
        "BadRequest",
        `container "${c.name}" in pod "${pod.metadata.name}" is waiting to start: ${why}`,
      );
    }
    lines = c.logs;
  }
  const ts = q.get("timestamps") === "true";
  const since = q.get("sinceSeconds")
    ? Date.now() - Number(q.get("sinceSeconds")) * 1000
    : q.get("sinceTime")
      ? Date.parse(q.get("sinceTime")!)
      : 0;
  let out = since ? lines.filter((l) => l.t >= since) : lines;
  const tail = q.get("tailLines");
  if (tail !== null && Number(tail) >= 0) out = Number(tail) === 0 ? [] : out.slice(-Number(tail));
  const fmt = (l: LogLine) => (ts ? `${formatLogTime(l)} ${l.text}\n` : `${l.text}\n`);
  let limit = q.get("limitBytes") ? Number(q.get("limitBytes")) : Number.POSITIVE_INFINITY;
  const follow = q.get("follow") === "true" && !previous;
  res.writeHead(200, {
    "Content-Type": "text/plain",
    "Cache-Control": "no-cache, private",
    ...(follow ? { "Transfer-Encoding": "chunked" } : {}),
  });
  const writeLine = (l: LogLine): boolean => {
    if (limit <= 0 || res.destroyed) return false;
    let s = fmt(l);
    if (Buffer.byteLength(s) > limit) s = Buffer.from(s).subarray(0, limit).toString();
    limit -= Buffer.byteLength(s);
    res.write(s);
    return limit > 0;
  };
  for (const l of out) if (!writeLine(l)) break;
  if (!follow || c.state !== "running" || limit <= 0) {
    res.end();
    return;
  }
  let done = false;
  const sub = {
    line: (l: LogLine) => {
      if (!writeLine(l)) sub.end();
    },
    end: () => {
      if (done) return;
      done = true;
      c.subs.delete(sub);
      st.streams.delete(sub);
      if (!res.destroyed) res.end();
    },
    close: () => sub.end(),
  };
  c.subs.add(sub);
  st.streams.add(sub);
  req.on("close", sub.end);
  res.on("close", sub.end);
}

// ---------------- metrics.k8s.io ----------------
const nano = (cores: number) => `${Math.max(0, Math.round(cores * 1e9))}n`;
const ki = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

function metrics(st: ClusterState, res: ServerResponse, r: Route, q: URLSearchParams): undefined {
  const ts = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const ls = parseLabelSelector(q.get("labelSelector"));
  const fs = parseFieldSelector(q.get("fieldSelector"));
  if (r.def.name === "pods") {
    const pods = (
      r.name
        ? [st.get(R.pod, r.namespace ?? "", r.name)].filter((p): p is Obj => !!p)
        : filtered(st, R.pod, r.namespace, new URLSearchParams())
    )
      .filter((p) => matchLabels(ls, p.metadata.labels) && matchFields(fs, p))
      .filter(
        (p) =>
          p.status?.phase === "Running" &&
          st.pods.get(p.metadata.uid)?.containers.some((c) => c.state === "running"),
      );
    const items = pods.map((p) => {
      const sim = st.pods.get(p.metadata.uid)!;
      return {
        metadata: {
          name: p.metadata.name,
          namespace: p.metadata.namespace,
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          labels: p.metadata.labels ?? {},
        },
        timestamp: ts,
        window: "15.012s",
        containers: sim.containers
          .filter((c) => c.state === "running")
          .map((c) => {
            const u = st.usage(c);
            return { name: c.name, usage: { cpu: nano(u.cpu), memory: ki(u.memory) } };
          }),
      };
    });
    if (r.name) {
      const it = items[0];
      if (!it)
        throw new ApiError(
          404,
          "NotFound",
          `podmetrics.metrics.k8s.io "${r.namespace}/${r.name}" not found`,
          { name: r.name, group: "metrics.k8s.io", kind: "pods" },
        );
      return send(res, 200, { kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", ...it });
    }
    return send(res, 200, {
      kind: "PodMetricsList",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: {},
      items,
    });
  }
  const nodes = (
    r.name
      ? [st.get(R.node, "", r.name)].filter((n): n is Obj => !!n)
      : filtered(st, R.node, undefined, new URLSearchParams())
  ).filter(
    (n) =>
      matchLabels(ls, n.metadata.labels) &&
      matchFields(fs, n) &&
      (n.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True"),
  );
  const byNode = new Map<string, { cpu: number; memory: number }>();
  for (const sim of st.pods.values()) {
    if (!sim.node) continue;
    const u = byNode.get(sim.node) ?? { cpu: 0, memory: 0 };
    for (const c of sim.containers) {
      if (c.state !== "running") continue;
      const x = st.usage(c);
      u.cpu += x.cpu;
      u.memory += x.memory;
    }
    byNode.set(sim.node, u);
  }
  const t = Date.now() / 1000;
  const items = nodes.map((n, i) => {
    const cap = n.status.capacity;
    const base = byNode.get(n.metadata.name) ?? { cpu: 0, memory: 0 };
    const sysCpu = parseQuantity(cap.cpu) * (0.03 + 0.01 * Math.sin(t / 40 + i));
    const sysMem =
      Math.min(parseQuantity(cap.memory) * 0.06, 1.5 * 1024 ** 3) * (1 + 0.03 * Math.sin(t / 90 + i));
    return {
      metadata: {
        name: n.metadata.name,
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        labels: n.metadata.labels ?? {},
      },
      timestamp: ts,
      window: "20.05s",
      usage: { cpu: nano(base.cpu + sysCpu), memory: ki(base.memory + sysMem) },
    };
  });
  if (r.name) {
    const it = items[0];
    if (!it)
      throw new ApiError(404, "NotFound", `nodemetrics.metrics.k8s.io "${r.name}" not found`, {
        name: r.name,
        group: "metrics.k8s.io",
        kind: "nodes",
      });
    return send(res, 200, { kind: "NodeMetrics", apiVersion: "metrics.k8s.io/v1beta1", ...it });
  }
  return send(res, 200, {
    kind: "NodeMetricsList",
    apiVersion: "metrics.k8s.io/v1beta1",
    metadata: {},
    items,
  });
}

// ---------------- authorization reviews ----------------
async function review(
  c: SimClusterImpl,
  tok: TokenInfo,
  req: IncomingMessage,
  res: ServerResponse,
  r: Route,
): Promise<undefined> {
  const { body } = await readObjectBody(req);
  if (r.def.kind === "SelfSubjectReview") return send(res, 201, selfSubjectReview(tok, r.def));
  if (r.def.kind === "SelfSubjectAccessReview")
    return send(res, 201, selfSubjectAccessReview(c.state.store, tok, body));
  return send(res, 201, selfSubjectRulesReview(c.state.store, tok, body));
}
