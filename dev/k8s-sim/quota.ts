// ResourceQuota: usage of quota-tracked resources in a namespace, and the admission check that
// refuses a create going over a quota (403 "exceeded quota" / "must specify"). The status writer
// is controllers/resourcequota.ts.
import { ApiError } from "./errors";
import { nodePortUsage } from "./node-ports";
import { COMPUTE, isTerminal, podRequests } from "./pods";
import { R, RESOURCES, type ResDef } from "./resources";
import type { Store } from "./store";
import { formatQuantity, type Obj, parseQuantity } from "./util";

/** Usage of quota-tracked resources in a namespace (optionally with an extra pod). */
export function quotaUsage(store: Store, ns: string, hard: Record<string, unknown>): Record<string, number> {
  const used: Record<string, number> = {};
  const pods = store.list(R.pod, ns).filter((p) => !isTerminal(p));
  for (const key of Object.keys(hard)) {
    let v = 0;
    if (key === "pods" || key === "count/pods") v = pods.length;
    else if (key === "services" || key === "count/services") v = store.list(R.svc, ns).length;
    else if (key === "services.loadbalancers")
      v = store.list(R.svc, ns).filter((s) => s.spec?.type === "LoadBalancer").length;
    else if (key === "services.nodeports")
      v = store.list(R.svc, ns).reduce((n, s) => n + nodePortUsage(s), 0);
    else if (isStorageKey(key)) v = storageUsage(store.list(R.pvc, ns), key);
    else if (key === "secrets" || key === "configmaps") {
      const def = RESOURCES.find((x) => x.group === "" && x.name === key);
      v = def ? store.list(def, ns).length : 0;
    } else if (key.startsWith("count/")) {
      const [res, ...g] = key.slice(6).split(".");
      const def = RESOURCES.find((x) => x.name === res && x.group === g.join(".") && !x.virtual);
      v = def ? store.list(def, ns).length : 0;
    } else {
      const [kind, res] = key.startsWith("limits.")
        ? ["limits", key.slice(7)]
        : ["requests", key.startsWith("requests.") ? key.slice(9) : key];
      for (const p of pods)
        v += (kind === "limits" ? podRequests(p).limits : podRequests(p).requests)[res] ?? 0;
    }
    used[key] = v;
  }
  return used;
}

// The PersistentVolumeClaim evaluator (pkg/quota/v1/evaluator/core/persistent_volume_claims.go):
// claims and requested storage, in total and per StorageClass as
// `<class>.storageclass.storage.k8s.io/{persistentvolumeclaims,requests.storage}`.
const CLASS_KEY = /^(.+)\.storageclass\.storage\.k8s\.io\/(persistentvolumeclaims|requests\.storage)$/;

const isStorageKey = (key: string) =>
  key === "persistentvolumeclaims" || key === "requests.storage" || CLASS_KEY.test(key);

function storageUsage(claims: Obj[], key: string): number {
  const perClass = CLASS_KEY.exec(key);
  const mine = perClass ? claims.filter((c) => (c.spec?.storageClassName ?? "") === perClass[1]) : claims;
  const what = perClass ? perClass[2] : key;
  if (what === "persistentvolumeclaims") return mine.length;
  return mine.reduce((a, c) => a + parseQuantity(c.spec?.resources?.requests?.storage ?? "0"), 0);
}

/**
 * Refuses a create (or, with `old`, an update: only what it adds counts, as the quota evaluator's
 * delta usage does, e.g. a Service turned into a NodePort) that would go over a ResourceQuota.
 */
export function checkQuota(store: Store, def: ResDef, o: Obj, old?: Obj): void {
  const ns = o.metadata.namespace;
  for (const q of store.list(R.quota, ns)) {
    const hard: Record<string, string> = q.spec?.hard ?? {};
    const used = quotaUsage(store, ns, hard);
    const req: Record<string, number> = {};
    if (def === R.pod) {
      const pr = podRequests(o);
      const missing: string[] = [];
      for (const key of Object.keys(hard)) {
        if (key === "pods" || key === "count/pods") req[key] = 1;
        else if (!key.includes("/") || key.includes("nvidia.com/gpu")) {
          const isLim = key.startsWith("limits.");
          const res = isLim ? key.slice(7) : key.startsWith("requests.") ? key.slice(9) : key;
          if (!(COMPUTE as readonly string[]).includes(res)) continue;
          if ((res === "cpu" || res === "memory") && !(isLim ? "limits" : "requests").length) continue;
          const each = (pod: Obj) =>
            (pod.spec.containers ?? [])
              .filter(
                (c: Obj) => (isLim ? c.resources?.limits?.[res] : c.resources?.requests?.[res]) === undefined,
              )
              .map((c: Obj) => c.name);
          if (res === "cpu" || res === "memory") {
            const miss = each(o);
            if (miss.length)
              missing.push(
                `${key.startsWith("limits.") ? "limits" : "requests"}.${res} for: ${miss.join(",")}`,
              );
          }
          req[key] = (isLim ? pr.limits : pr.requests)[res] ?? 0;
        }
      }
      if (missing.length)
        throw new ApiError(
          403,
          "Forbidden",
          `pods "${o.metadata.name}" is forbidden: failed quota: ${q.metadata.name}: must specify ${missing.join("; ")}`,
        );
    } else {
      const objectUsage = (x: Obj, key: string): number => {
        if (key === def.name || key === `count/${def.name}${def.group ? `.${def.group}` : ""}`) return 1;
        if (def === R.svc && key === "services.loadbalancers") return x.spec?.type === "LoadBalancer" ? 1 : 0;
        if (def === R.svc && key === "services.nodeports") return nodePortUsage(x);
        if (def === R.pvc && isStorageKey(key)) return storageUsage([x], key);
        return 0;
      };
      for (const key of Object.keys(hard)) {
        const n = objectUsage(o, key) - (old ? objectUsage(old, key) : 0);
        if (n > 0) req[key] = n;
      }
    }
    const over = Object.keys(req).filter(
      (k) => (req[k] ?? 0) > 0 && (used[k] ?? 0) + (req[k] ?? 0) > parseQuantity(hard[k]) + 1e-9,
    );
    if (over.length) {
      const fmt = (src: Record<string, number>) =>
        over.map((k) => `${k}=${formatQuantity(k, src[k] ?? 0)}`).join(",");
      throw new ApiError(
        403,
        "Forbidden",
        `${def.name} "${o.metadata.name}" is forbidden: exceeded quota: ${q.metadata.name}, requested: ${fmt(req)}, used: ${fmt(used)}, limited: ${over.map((k) => `${k}=${hard[k]}`).join(",")}`,
        { name: o.metadata.name, kind: def.name },
      );
    }
  }
}
