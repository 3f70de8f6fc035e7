// Small helpers: quantities, selectors, patches, names, durations.
import { randomBytes, randomUUID } from "node:crypto";
import { QUANTITY_SUFFIXES } from "./validation/quantity";

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are free-form JSON.
export type Obj = Record<string, any>;

export const uid = (): string => randomUUID();
export const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");
export const clone = <T>(o: T): T => structuredClone(o);

const SAFE = "bcdfghjklmnpqrstvwxz2456789";
export function randSuffix(n = 5): string {
  const b = randomBytes(n);
  let s = "";
  for (let i = 0; i < n; i++) s += SAFE[(b[i] ?? 0) % SAFE.length];
  return s;
}

/** FNV-1a 32-bit hash rendered with the "safe" alphabet, like pod-template-hash. */
export function templateHash(o: unknown): string {
  const str = JSON.stringify(o);
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let s = "";
  let x = h;
  for (let i = 0; i < 9; i++) {
    s += SAFE[x % SAFE.length];
    x = Math.floor(x / SAFE.length);
    if (x === 0 && i >= 7) break;
  }
  return s;
}

// ---------- quantities ----------

/** Parses a Kubernetes quantity to a plain number (cpu in cores, memory in bytes). NaN if invalid. */
export function parseQuantity(q: unknown): number {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return Number.NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return Number.NaN;
  const mult = QUANTITY_SUFFIXES[m[2] ?? ""];
  if (mult === undefined) return Number.NaN;
  return Number(m[1]) * mult;
}

function formatCpu(cores: number): string {
  const m = Math.round(cores * 1000);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

function formatMemory(bytes: number): string {
  const b = Math.round(bytes);
  for (const [s, f] of [
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const) {
    if (b !== 0 && b % f === 0) return `${b / f}${s}`;
  }
  return String(b);
}

export function formatQuantity(resource: string, v: number): string {
  if (resource.endsWith("cpu")) return formatCpu(v);
  if (resource.endsWith("memory") || resource.endsWith("storage")) return formatMemory(v);
  return String(Math.round(v));
}

// ---------- selectors ----------
type LabelReq = { key: string; op: "=" | "!=" | "in" | "notin" | "exists" | "!"; values: string[] };

export class SelectorError extends Error {}

/** Parses a label selector string (equality, !=, in, notin, exists, !key). */
export function parseLabelSelector(sel: string | undefined | null): LabelReq[] {
  if (!sel) return [];
  const reqs: LabelReq[] = [];
  // split on commas not inside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of sel) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
    if (m) {
      const values = (m[3] ?? "")
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      reqs.push({ key: m[1]!, op: m[2] as "in" | "notin", values });
      continue;
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p);
    if (m) {
      reqs.push({ key: m[1]!, op: m[2] === "!=" ? "!=" : "=", values: [m[3] ?? ""] });
      continue;
    }
    m = /^(!?)\s*([\w./-]+)$/.exec(p);
    if (m) {
      reqs.push({ key: m[2]!, op: m[1] ? "!" : "exists", values: [] });
      continue;
    }
    throw new SelectorError(`unable to parse requirement: ${p}`);
  }
  return reqs;
}

export function matchLabels(reqs: LabelReq[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        if (!has || v !== r.values[0]) return false;
        break;
      case "!=":
        if (has && v === r.values[0]) return false;
        break;
      case "in":
        if (!has || !r.values.includes(v ?? "")) return false;
        break;
      case "notin":
        if (has && r.values.includes(v ?? "")) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A LabelSelector object (matchLabels + matchExpressions) to requirements. */
export function selectorObjToReqs(sel: Obj | undefined): LabelReq[] {
  const reqs: LabelReq[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {}))
    reqs.push({ key: k, op: "=", values: [String(v)] });
  for (const e of sel?.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === "in") reqs.push({ key: e.key, op: "in", values: e.values ?? [] });
    else if (op === "notin") reqs.push({ key: e.key, op: "notin", values: e.values ?? [] });
    else if (op === "exists") reqs.push({ key: e.key, op: "exists", values: [] });
    else if (op === "doesnotexist") reqs.push({ key: e.key, op: "!", values: [] });
  }
  return reqs;
}

type FieldReq = { path: string; neg: boolean; value: string };

export function parseFieldSelector(sel: string | undefined | null): FieldReq[] {
  if (!sel) return [];
  const out: FieldReq[] = [];
  for (const raw of sel.split(",")) {
    const p = raw.trim();
    if (!p) continue;
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(p);
    if (!m) throw new SelectorError(`invalid selector: '${p}'; can't understand '${p}'`);
    out.push({ path: m[1]!, neg: m[2] === "!=", value: m[3] ?? "" });
  }
  return out;
}

function getPath(o: Obj, path: string): unknown {
  let cur: unknown = o;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Obj)[seg];
  }
  return cur;
}

export function matchFields(reqs: FieldReq[], o: Obj): boolean {
  for (const r of reqs) {
    const v = getPath(o, r.path);
    const s = v === undefined || v === null ? "" : String(v);
    if (r.neg ? s === r.value : s !== r.value) return false;
  }
  return true;
}

// ---------- patches ----------
/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return clone(patch);
  const base: Obj =
    target !== null && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch as Obj)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  ports: "containerPort",
  conditions: "type",
  imagePullSecrets: "name",
  tolerations: "key",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
};

/** Strategic merge patch, simplified: merge lists of objects by their well-known merge key. */
export function strategicMergePatch(target: unknown, patch: unknown, field?: string): unknown {
  if (Array.isArray(patch)) {
    const key = field ? MERGE_KEYS[field] : undefined;
    if (!key || !Array.isArray(target)) return patch.filter((e) => !(e && typeof e === "object" && e.$patch));
    const result: unknown[] = target.map((e) => clone(e));
    for (const el of patch) {
      if (!el || typeof el !== "object") continue;
      const kv = (el as Obj)[key];
      const idx = result.findIndex((r) => r && typeof r === "object" && (r as Obj)[key] === kv);
      if ((el as Obj).$patch === "delete") {
        if (idx >= 0) result.splice(idx, 1);
      } else if (idx >= 0) result[idx] = strategicMergePatch(result[idx], el);
      else result.push(strategicMergePatch({}, el));
    }
    return result;
  }
  if (patch === null || typeof patch !== "object") return clone(patch);
  const p = patch as Obj;
  if (p.$patch === "replace") {
    const { $patch: _, ...rest } = p;
    return clone(rest);
  }
  const base: Obj =
    target !== null && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(p)) {
    if (k.startsWith("$")) continue; // $setElementOrder, $retainKeys, $deleteFromPrimitiveList ...
    if (v === null) delete base[k];
    else base[k] = strategicMergePatch(base[k], v, k);
  }
  return base;
}

export class PatchError extends Error {}

function ptrTokens(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** RFC 6902 JSON patch. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError("json patch must be an array");
  let root: unknown = clone(doc);
  const parentOf = (toks: string[]): { parent: Obj | unknown[]; last: string } => {
    let cur: unknown = root;
    for (const t of toks.slice(0, -1)) {
      if (cur === null || typeof cur !== "object") throw new PatchError(`path not found: /${toks.join("/")}`);
      cur = Array.isArray(cur) ? cur[Number(t)] : (cur as Obj)[t];
    }
    if (cur === null || typeof cur !== "object") throw new PatchError(`path not found: /${toks.join("/")}`);
    return { parent: cur as Obj, last: toks[toks.length - 1] ?? "" };
  };
  const get = (path: string): unknown => {
    let cur: unknown = root;
    for (const t of ptrTokens(path)) {
      if (cur === null || typeof cur !== "object") throw new PatchError(`path not found: ${path}`);
      cur = Array.isArray(cur) ? cur[Number(t)] : (cur as Obj)[t];
      if (cur === undefined) throw new PatchError(`path not found: ${path}`);
    }
    return cur;
  };
  const remove = (path: string): unknown => {
    const toks = ptrTokens(path);
    const { parent, last } = parentOf(toks);
    if (Array.isArray(parent)) {
      const i = Number(last);
      if (!(i >= 0 && i < parent.length)) throw new PatchError(`path not found: ${path}`);
      return parent.splice(i, 1)[0];
    }
    if (!Object.hasOwn(parent, last)) throw new PatchError(`path not found: ${path}`);
    const v = parent[last];
    delete parent[last];
    return v;
  };
  const add = (path: string, value: unknown, replace: boolean) => {
    const toks = ptrTokens(path);
    if (toks.length === 0) {
      root = clone(value);
      return;
    }
    const { parent, last } = parentOf(toks);
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (!(i >= 0 && i <= parent.length)) throw new PatchError(`index out of range: ${path}`);
      if (replace) parent[i] = clone(value);
      else parent.splice(i, 0, clone(value));
    } else {
      if (replace && !Object.hasOwn(parent, last)) throw new PatchError(`path not found: ${path}`);
      parent[last] = clone(value);
    }
  };
  for (const op of ops as Obj[]) {
    switch (op.op) {
      case "add":
        add(op.path, op.value, false);
        break;
      case "remove":
        remove(op.path);
        break;
      case "replace":
        add(op.path, op.value, true);
        break;
      case "move": {
        const v = remove(op.from);
        add(op.path, v, false);
        break;
      }
      case "copy":
        add(op.path, get(op.from), false);
        break;
      case "test":
        if (JSON.stringify(get(op.path)) !== JSON.stringify(op.value))
          throw new PatchError(`testing value ${op.path} failed`);
        break;
      default:
        throw new PatchError(`unknown json patch op: ${String(op.op)}`);
    }
  }
  return root;
}

// ---------- durations ----------
/** k8s.io/apimachinery duration.HumanDuration */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d < 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

export function age(ts: string | undefined): string {
  if (!ts) return "<unknown>";
  return humanDuration(Date.now() - Date.parse(ts));
}
