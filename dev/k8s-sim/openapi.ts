// Minimal OpenAPI v3 documents: enough for kubectl to see that the server validates fields itself
// (PATCH operations with the `fieldValidation` query parameter and their GVK), so `kubectl apply`
// and `kubectl create -f` work without client-side schema validation. No component schemas:
// kubectl falls back to its compiled-in types to compute strategic merge patches.
import { GROUPS, RESOURCES } from "./resources";
import type { Obj } from "./util";

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

export function openapiRoot(): Obj {
  const paths: Obj = {};
  for (const g of [{ name: "", version: "v1" }, ...GROUPS]) {
    const p = gvPath(g.name, g.version);
    paths[p] = {
      serverRelativeURL: `/openapi/v3/${p}?hash=${Buffer.from(p).toString("hex").slice(0, 32).toUpperCase()}`,
    };
  }
  return { paths };
}

const param = (name: string) => ({ name, in: "query", schema: { type: "string", uniqueItems: true } });

export function openapiGroupVersion(path: string): Obj | undefined {
  const parts = path.split("/").filter(Boolean); // ["api","v1"] or ["apis","apps","v1"]
  const group = parts[0] === "api" ? "" : (parts[1] ?? "");
  const version = parts[parts.length - 1] ?? "";
  if (!(parts[0] === "api" && parts.length === 2) && !(parts[0] === "apis" && parts.length === 3))
    return undefined;
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!defs.length) return undefined;
  const paths: Obj = {};
  for (const d of defs) {
    const gvk = { group, version, kind: d.kind };
    const base = `/${gvPath(group, version)}${d.namespaced ? "/namespaces/{namespace}" : ""}/${d.name}`;
    const op = (action: string, extra: string[] = []) => ({
      operationId: `${action}${d.kind}`,
      parameters: [param("dryRun"), param("fieldManager"), param("fieldValidation"), ...extra.map(param)],
      responses: { "200": { description: "OK" } },
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
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths,
    components: { schemas: {} },
  };
}
