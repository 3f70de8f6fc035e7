// /openapi/v2 and /openapi/v3: the Kubernetes OpenAPI documents for the resources the simulator
// serves, so `kubectl explain` and OpenAPI-driven clients work. No npm package ships the upstream
// swagger.json or the v3 per-group-version documents, so the schemas are rebuilt programmatically
// from @kubernetes/client-node's models (schemas.ts: generated from upstream's release-1.36
// OpenAPI, with its descriptions), never written by hand. What upstream has and this rebuild
// lacks: `required` lists, enums, validation extensions; patch strategies are set for the list
// fields kubectl's strategic merge patch needs (below, as upstream's x-kubernetes-patch-* say).
// Shape references: api/openapi-spec/README.md and api/openapi-spec/v3/*.json in kubernetes/kubernetes;
// the v3 root `{"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=…"}}}`
// (staging/src/k8s.io/kube-openapi/pkg/handler3/handler.go).
import { createHash } from "node:crypto";
import { apiVersionOf, GROUPS, RESOURCES, type ResDef } from "./resources";
import { attributesOf, descriptionsOf, rootTypeOf, schemaNameOf, typeShape } from "./schemas";
import type { Obj } from "./util";

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

// Upstream's x-kubernetes-patch-merge-key / x-kubernetes-patch-strategy of list fields kubectl's
// strategic merge patch meets in the kinds served here (from the upstream OpenAPI definitions).
const PATCH: Record<string, [key: string | undefined, strategy: string]> = {
  "V1PodSpec.containers": ["name", "merge"],
  "V1PodSpec.initContainers": ["name", "merge"],
  "V1PodSpec.ephemeralContainers": ["name", "merge"],
  "V1PodSpec.volumes": ["name", "merge,retainKeys"],
  "V1PodSpec.imagePullSecrets": ["name", "merge"],
  "V1PodSpec.hostAliases": ["ip", "merge"],
  "V1PodSpec.topologySpreadConstraints": ["topologyKey", "merge"],
  "V1Container.ports": ["containerPort", "merge"],
  "V1Container.env": ["name", "merge"],
  "V1Container.volumeMounts": ["mountPath", "merge"],
  "V1ServiceSpec.ports": ["port", "merge"],
  "V1ObjectMeta.finalizers": [undefined, "merge"],
  "V1ObjectMeta.ownerReferences": ["uid", "merge"],
  "V1DeploymentStatus.conditions": ["type", "merge"],
  "V1PodStatus.conditions": ["type", "merge"],
  "V1NodeStatus.conditions": ["type", "merge"],
  "V1NodeStatus.addresses": ["type", "merge"],
};

const INT_OR_STRING = "IntOrString";

function scalarSchema(type: string, format: string): Obj {
  switch (type) {
    case "string":
      return format ? { type: "string", format } : { type: "string" };
    case "number":
      return format === "int32" || format === "int64"
        ? { type: "integer", format }
        : { type: "number", format: "double" };
    case "boolean":
      return { type: "boolean" };
    case "Date":
      return { type: "string", format: format || "date-time" };
    default:
      return { type: "object" };
  }
}

/** Builds the schemas reachable from `roots`, refs written with `refPrefix`. */
function buildSchemas(roots: { type: string; gvk?: Obj }[], refPrefix: string): Obj {
  const out: Obj = {};
  const queue = roots.map((r) => r.type);
  const ref = (name: string) => ({ $ref: `${refPrefix}${schemaNameOf(name)}` });
  const fieldSchema = (owner: string, t: string, format: string, fieldName?: string): Obj => {
    if (t === INT_OR_STRING) {
      queue.push(INT_OR_STRING);
      return ref(INT_OR_STRING);
    }
    const shape = typeShape(t);
    if (shape.kind === "model") {
      queue.push(shape.inner);
      return ref(shape.inner);
    }
    if (shape.kind === "array") {
      const s: Obj = { type: "array", items: fieldSchema(owner, shape.inner, "") };
      const p = fieldName ? PATCH[`${owner}.${fieldName}`] : undefined;
      if (p) {
        if (p[0]) s["x-kubernetes-patch-merge-key"] = p[0];
        s["x-kubernetes-patch-strategy"] = p[1];
      }
      return s;
    }
    if (shape.kind === "map")
      return { type: "object", additionalProperties: fieldSchema(owner, shape.inner, "") };
    return scalarSchema(shape.inner, format);
  };
  while (queue.length) {
    const name = queue.shift()!;
    const key = schemaNameOf(name);
    if (out[key]) continue;
    if (name === INT_OR_STRING) {
      out[key] = {
        description:
          "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
        type: "string",
        format: "int-or-string",
      };
      continue;
    }
    const attrs = attributesOf(name) ?? [];
    const docs = descriptionsOf(name);
    const properties: Obj = {};
    out[key] = { type: "object", ...(docs.type ? { description: docs.type } : {}), properties };
    for (const a of attrs) {
      const s = fieldSchema(name, a.type, a.format, a.baseName);
      // The generator drops the description of fields typed by another model; the model's own
      // description stands in for it.
      const inner = typeShape(a.type);
      const desc =
        docs.fields[a.name] ??
        docs.fields[a.baseName] ??
        (inner.kind === "model" ? descriptionsOf(inner.inner).type : undefined);
      // upstream wraps a described $ref in allOf so the description can sit beside it
      properties[a.baseName] = s.$ref
        ? { ...(desc ? { description: desc } : {}), allOf: [s] }
        : { ...(desc ? { description: desc } : {}), ...s };
    }
  }
  for (const r of roots) {
    const key = schemaNameOf(r.type);
    if (r.gvk && out[key]) out[key]["x-kubernetes-group-version-kind"] = [r.gvk];
  }
  return out;
}

const servedDefs = (group?: string, version?: string) =>
  RESOURCES.filter(
    (d) => !d.virtual && (group === undefined || (d.group === group && d.version === version)),
  );

function rootsOf(defs: ResDef[]): { type: string; gvk: Obj }[] {
  const roots: { type: string; gvk: Obj }[] = [];
  for (const d of defs) {
    const type = rootTypeOf(d);
    if (type && !roots.some((r) => r.type === type))
      roots.push({ type, gvk: { group: d.group, version: d.version, kind: d.kind } });
  }
  return roots;
}

const param = (name: string) => ({ name, in: "query", schema: { type: "string", uniqueItems: true } });

function operations(defs: ResDef[], refPrefix: string, v3: boolean): Obj {
  const paths: Obj = {};
  for (const d of defs) {
    const gvk = { group: d.group, version: d.version, kind: d.kind };
    const type = rootTypeOf(d);
    const base = `/${gvPath(d.group, d.version)}${d.namespaced ? "/namespaces/{namespace}" : ""}/${d.name}`;
    const body = type
      ? v3
        ? { content: { "application/json": { schema: { $ref: `${refPrefix}${schemaNameOf(type)}` } } } }
        : {}
      : {};
    const op = (action: string, extra: string[] = []) => ({
      operationId: `${action}${apiVersionOf(d).replace(/[/.]/g, "_")}${d.kind}`,
      parameters: [param("dryRun"), param("fieldManager"), param("fieldValidation"), ...extra.map(param)].map(
        (p) => (v3 ? p : { name: p.name, in: "query", type: "string", uniqueItems: true }),
      ),
      responses: { "200": { description: "OK", ...body } },
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
    });
    if (d.verbs.includes("patch")) {
      paths[`${base}/{name}`] = {
        get: op("get"),
        put: op("put"),
        patch: op("patch", ["force"]),
        delete: op("delete"),
      };
      paths[base] = { get: op("list"), post: op("post") };
    } else if (d.verbs.includes("create")) paths[base] = { post: op("post") };
    else paths[base] = { get: op("list") };
  }
  return paths;
}

const v3Cache = new Map<string, { doc: Obj; hash: string } | undefined>();

/** The v3 document of one group-version ("api/v1", "apis/apps/v1"), or undefined. */
export function openapiGroupVersion(path: string): Obj | undefined {
  return v3Entry(path)?.doc;
}

function v3Entry(path: string): { doc: Obj; hash: string } | undefined {
  if (v3Cache.has(path)) return v3Cache.get(path);
  const parts = path.split("/").filter(Boolean);
  let entry: { doc: Obj; hash: string } | undefined;
  if ((parts[0] === "api" && parts.length === 2) || (parts[0] === "apis" && parts.length === 3)) {
    const group = parts[0] === "api" ? "" : parts[1]!;
    const version = parts[parts.length - 1]!;
    const defs = servedDefs(group, version);
    if (defs.length) {
      const prefix = "#/components/schemas/";
      const doc = {
        openapi: "3.0.0",
        info: { title: "Kubernetes", version: "unversioned" },
        paths: operations(defs, prefix, true),
        components: { schemas: buildSchemas(rootsOf(defs), prefix) },
      };
      entry = {
        doc,
        hash: createHash("sha512").update(JSON.stringify(doc)).digest("hex").toUpperCase().slice(0, 128),
      };
    }
  }
  v3Cache.set(path, entry);
  return entry;
}

/** GET /openapi/v3: where each group-version's document is, with a content hash for caching. */
export function openapiRoot(): Obj {
  const paths: Obj = {};
  for (const g of [{ name: "", version: "v1" }, ...GROUPS]) {
    const p = gvPath(g.name, g.version);
    const e = v3Entry(p);
    if (e) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${e.hash}` };
  }
  return { paths };
}

let v2Doc: Obj | undefined;

/** GET /openapi/v2 (JSON; the protobuf form is not served). */
export function openapiV2(version: string): Obj {
  v2Doc ??= {
    swagger: "2.0",
    info: { title: "Kubernetes", version },
    paths: operations(servedDefs(), "#/definitions/", false),
    definitions: buildSchemas(rootsOf(servedDefs()), "#/definitions/"),
  };
  return v2Doc;
}
