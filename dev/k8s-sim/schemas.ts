// The field schemas of the Kubernetes types, read from @kubernetes/client-node's generated models
// (openapi-generator output of the upstream OpenAPI document, "OpenAPI spec version: release-1.36"):
// each model class carries `attributeTypeMap` (field names and types) and its .d.ts the upstream
// descriptions. No npm package ships the upstream swagger.json / v3 documents themselves, so the
// simulator rebuilds what it needs from this one, which it already depends on. Used by
// field-validation.ts (unknown fields) and openapi.ts (/openapi/v2 and /openapi/v3 for kubectl explain).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ResDef } from "./resources";

export interface Attr {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

let modelDir: string | undefined;

function modelFile(type: string, ext: "js" | "d.ts"): string | undefined {
  if (!/^[A-Za-z0-9]+$/.test(type)) return undefined;
  modelDir ??= join(
    dirname(createRequire(import.meta.url).resolve("@kubernetes/client-node")),
    "gen",
    "models",
  );
  try {
    return readFileSync(join(modelDir, `${type}.${ext}`), "utf8");
  } catch {
    return undefined;
  }
}

const attrCache = new Map<string, Attr[] | undefined>();

/**
 * A model's `attributeTypeMap`, read from its generated file (a JSON array literal) on first use,
 * so the simulator does not load all of client-node (~100 MiB) to know a few dozen types.
 */
export function attributesOf(type: string): Attr[] | undefined {
  if (attrCache.has(type)) return attrCache.get(type);
  let attrs: Attr[] | undefined;
  const text = modelFile(type, "js");
  const m = text ? /\.attributeTypeMap = (\[[\s\S]*?\n\]);/.exec(text) : null;
  if (m) {
    try {
      attrs = JSON.parse(m[1]!) as Attr[];
    } catch {
      attrs = undefined;
    }
  }
  attrCache.set(type, attrs);
  return attrs;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The model class of a resource's kind: V1Deployment, V2HorizontalPodAutoscaler, CoreV1Event… */
export function rootTypeOf(def: Pick<ResDef, "group" | "version" | "kind">): string | undefined {
  const groupPrefix = def.group ? def.group.split(".")[0]! : "core";
  for (const n of [`${cap(def.version)}${def.kind}`, `${cap(groupPrefix)}${cap(def.version)}${def.kind}`])
    if (attributesOf(n)) return n;
  return undefined;
}

/** Parses "Array<X>", "{ [key: string]: X; }" and plain names. */
export function typeShape(t: string): { kind: "array" | "map" | "model" | "scalar"; inner: string } {
  const arr = /^Array<(.+)>$/.exec(t);
  if (arr) return { kind: "array", inner: arr[1]! };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (map) return { kind: "map", inner: map[1]! };
  if (attributesOf(t)) return { kind: "model", inner: t };
  return { kind: "scalar", inner: t };
}

const docCache = new Map<string, { type?: string; fields: Record<string, string> }>();

/** Descriptions from the model's .d.ts JSDoc (the upstream OpenAPI descriptions). */
export function descriptionsOf(type: string): { type?: string; fields: Record<string, string> } {
  const hit = docCache.get(type);
  if (hit) return hit;
  const out: { type?: string; fields: Record<string, string> } = { fields: {} };
  const text = modelFile(type, "d.ts") ?? "";
  // a JSDoc block (never spanning two) right before the class or a property
  const re = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\n\s*(?:export declare class \w+|'([^']+)'\??:)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const desc = m[1]!
      .split("\n")
      .map((l) => l.replace(/^\s*\*\s?/, ""))
      .join("\n")
      .trim();
    if (m[2]) out.fields[m[2]] = desc;
    else out.type = desc;
  }
  docCache.set(type, out);
  return out;
}

/**
 * The schema name a model is published under: "v1.DeploymentSpec" for V1DeploymentSpec (kubectl
 * explain shows the part after the last dot, as for upstream's io.k8s.api.apps.v1.DeploymentSpec).
 */
export function schemaNameOf(type: string): string {
  if (type === "IntOrString") return "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  const m = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z].*)$/.exec(type);
  if (!m) return type;
  return `${m[1] ? `${m[1].toLowerCase()}.` : ""}${m[2]!.toLowerCase()}.${m[3]}`;
}
