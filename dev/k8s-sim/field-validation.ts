// Decoding a request body as kube-apiserver does before any admission: strict field validation
// (`fieldValidation=Strict|Warn|Ignore`, Warn by default), and the decode errors of typed fields
// (quantities, Secret data as base64). Sources (kubernetes/kubernetes):
// - staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go / update.go / patch.go: a strict
//   decoding error is a 400 under Strict, `Warning: 299 - "<msg>"` headers under Warn, nothing
//   under Ignore; transformDecodeError words decode failures
//   `<Kind> in version "<v>" cannot be handled as a <Kind>: <err>`;
// - test/integration/apiserver/field_validation_test.go: the messages `unknown field "spec.x"`,
//   `duplicate field "metadata.name"`, joined by ", " after "strict decoding error: ".
// Unknown fields are dropped from the object (they are never stored), as decoding into Go types does.

import { ApiError } from "./errors";
import type { ResDef } from "./resources";
import { attributesOf, rootTypeOf, typeShape } from "./schemas";
import type { Obj } from "./util";
import { fe, invalidError } from "./validation/field-errors";
import { parseQuantityStrict } from "./validation/quantity";
import { addWarning } from "./warnings";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/**
 * The `fieldValidation` query parameter; anything else than "", Ignore, Warn or Strict is refused as
 * the request options' validation does (apimachinery pkg/apis/meta/v1/validation ValidateFieldValidation,
 * handlers/create.go: 422 `CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value…`).
 */
export function fieldValidationOf(q: URLSearchParams, verb: "create" | "update" | "patch"): FieldValidation {
  const v = q.get("fieldValidation") ?? "";
  if (v === "" || v === "Warn") return "Warn";
  if (v === "Strict" || v === "Ignore") return v;
  const kind = { create: "CreateOptions", update: "UpdateOptions", patch: "PatchOptions" }[verb];
  throw invalidError(kind, "meta.k8s.io", "", [
    fe.notSupported("fieldValidation", v, ["", "Ignore", "Strict", "Warn"]),
  ]);
}

/** Paths of duplicate keys in a JSON text, in document order ("metadata.name", "spec.x[0].y"). */
function duplicateJsonFields(text: string, order?: Map<string, number>): string[] {
  const dups: string[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const join = (p: string, k: string) => (p ? `${p}.${k}` : k);
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      while (i < text.length) {
        ws();
        const k = str();
        if (seen.has(k)) {
          dups.push(join(path, k));
          order?.set(`dup:${join(path, k)}`, order.size);
        } else order?.set(join(path, k), order.size);
        seen.add(k);
        ws();
        i++; // ':'
        value(join(path, k));
        ws();
        if (text[i++] === "}") return;
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (let n = 0; i < text.length; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i++] === "]") return;
      }
    } else if (c === '"') str();
    else while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
  };
  try {
    value("");
  } catch {
    return [];
  }
  return dups;
}

/** Removes fields the kind's schema does not have; returns their paths in document order. */
function pruneUnknownFields(o: unknown, type: string, path = ""): string[] {
  const out: string[] = [];
  const shape = typeShape(type);
  if (o === null || typeof o !== "object") return out;
  if (shape.kind === "array") {
    if (Array.isArray(o))
      for (const [n, x] of o.entries()) out.push(...pruneUnknownFields(x, shape.inner, `${path}[${n}]`));
    return out;
  }
  if (shape.kind === "map") {
    if (!Array.isArray(o))
      for (const [k, v] of Object.entries(o))
        out.push(...pruneUnknownFields(v, shape.inner, `${path}[${k}]`));
    return out;
  }
  if (shape.kind !== "model" || Array.isArray(o)) return out;
  const attrs = attributesOf(shape.inner) ?? [];
  const byName = new Map(attrs.map((a) => [a.baseName, a]));
  for (const k of Object.keys(o)) {
    const a = byName.get(k);
    const p = path ? `${path}.${k}` : k;
    if (!a) {
      out.push(p);
      delete (o as Obj)[k];
    } else out.push(...pruneUnknownFields((o as Obj)[k], a.type, p));
  }
  return out;
}

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The quantity-typed fields of the kinds KubeBid writes, as [path, map-or-value]. */
function quantityValues(def: ResDef, o: Obj): unknown[] {
  const out: unknown[] = [];
  const maps = (m: unknown) => {
    if (m && typeof m === "object") out.push(...Object.values(m));
  };
  const podSpec = (s: Obj | undefined) => {
    for (const c of [...(s?.containers ?? []), ...(s?.initContainers ?? [])]) {
      maps(c?.resources?.requests);
      maps(c?.resources?.limits);
    }
    for (const v of s?.volumes ?? [])
      if (v?.emptyDir?.sizeLimit !== undefined) out.push(v.emptyDir.sizeLimit);
    maps(s?.overhead);
  };
  const k = `${def.group}/${def.name}`;
  if (k === "/pods") podSpec(o.spec);
  if (k === "apps/deployments" || k === "apps/replicasets") podSpec(o.spec?.template?.spec);
  if (k === "/resourcequotas") maps(o.spec?.hard);
  if (k === "/limitranges")
    for (const it of o.spec?.limits ?? [])
      for (const f of ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"]) maps(it?.[f]);
  if (k === "/persistentvolumeclaims") {
    maps(o.spec?.resources?.requests);
    maps(o.spec?.resources?.limits);
  }
  return out;
}

/** Go's base64.StdEncoding.DecodeString errors: "illegal base64 data at input byte N". */
function base64Error(s: string): string | undefined {
  const m = /[^A-Za-z0-9+/=]/.exec(s);
  if (m) return `illegal base64 data at input byte ${m.index}`;
  const pad = s.indexOf("=");
  if (pad >= 0 && !/^=={0,1}$/.test(s.slice(pad)) && !/^=$/.test(s.slice(pad)))
    return `illegal base64 data at input byte ${pad}`;
  if (s.length % 4 !== 0) return `illegal base64 data at input byte ${s.length - (s.length % 4)}`;
  return undefined;
}

function decodeError(def: ResDef, o: Obj): string | undefined {
  for (const v of quantityValues(def, o)) {
    const q = parseQuantityStrict(v);
    if (!q.ok) return q.error;
  }
  if (def.group === "" && def.name === "secrets")
    for (const v of Object.values(o.data ?? {})) {
      const e = typeof v === "string" ? base64Error(v) : "illegal base64 data at input byte 0";
      if (e) return e;
    }
  return undefined;
}

/**
 * Decodes a write's object: throws 400 for decode errors (and strict-decoding errors under Strict),
 * adds warnings (warnings.ts) under Warn, and drops unknown fields. `rawJson` is the request text when it
 * was JSON (duplicate keys are only visible there).
 */
export function decodeObject(def: ResDef, o: Obj, mode: FieldValidation, rawJson?: string): void {
  const handled = `${def.kind} in version ${JSON.stringify(def.version)} cannot be handled as a ${def.kind}`;
  const derr = decodeError(def, o);
  if (derr) throw new ApiError(400, "BadRequest", `${handled}: ${derr}`);
  const root = rootTypeOf(def);
  if (!root || !o || typeof o !== "object") return;
  // Upstream reports duplicates and unknown fields in document order; a field both unknown and
  // duplicated is reported as unknown only.
  const order = new Map<string, number>();
  const dups = rawJson ? duplicateJsonFields(rawJson, order) : [];
  const unknown = pruneUnknownFields(o, root);
  const at = (key: string, i: number) => order.get(key) ?? Number.MAX_SAFE_INTEGER - 1000 + i;
  const msgs = [
    ...dups
      .filter((d) => !unknown.includes(d))
      .map((d, i) => ({ pos: at(`dup:${d}`, i), m: `duplicate field ${quote(d)}` })),
    ...unknown.map((u, i) => ({ pos: at(u, i), m: `unknown field ${quote(u)}` })),
  ]
    .sort((a, b) => a.pos - b.pos)
    .map((x) => x.m);
  if (!msgs.length || mode === "Ignore") return;
  if (mode === "Strict")
    throw new ApiError(400, "BadRequest", `${handled}: strict decoding error: ${msgs.join(", ")}`);
  for (const m of msgs) addWarning(m);
}

/**
 * Server-side apply needs apiVersion and kind in the body: the field manager's version check
 * refuses anything else (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager →
 * k8s.io/apimachinery/pkg/util/managedfields/internal/versioncheck.go: 400
 * `invalid object type: <group>/<version>, Kind=<kind>`, GroupVersionKind.String()).
 */
export function requireApplyTypeMeta(def: ResDef, body: Obj): void {
  const av = typeof body?.apiVersion === "string" ? body.apiVersion : "";
  const [g, v] = av.includes("/") ? [av.slice(0, av.indexOf("/")), av.slice(av.indexOf("/") + 1)] : ["", av];
  const kind = typeof body?.kind === "string" ? body.kind : "";
  if (g !== def.group || v !== def.version || kind !== def.kind)
    throw new ApiError(400, "BadRequest", `invalid object type: ${g}/${v}, Kind=${kind}`);
}
