// Revision bookkeeping of the deployment controller, the part `kubectl rollout history|undo` reads.
// Mirrors kubernetes/pkg/controller/deployment/util/deployment_util.go:
// - a ReplicaSet matches the Deployment when their pod templates are equal ignoring the
//   `pod-template-hash` label (`EqualIgnoreHash`), so `rollout undo` (which patches the Deployment's
//   template back to an old ReplicaSet's) reactivates that ReplicaSet instead of creating a new one;
// - the new ReplicaSet carries the Deployment's annotations (change-cause included) except the
//   controller's own (`skipCopyAnnotation`), and `deployment.kubernetes.io/revision` = the highest old
//   revision + 1; a reactivated ReplicaSet keeps its former revisions in `revision-history`
//   (`SetNewReplicaSetAnnotations`).
import type { Obj } from "../util";

export const REVISION = "deployment.kubernetes.io/revision";
const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
const SKIP_COPY = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  REVISION_HISTORY,
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

export const revisionOf = (o: Obj): number => Number(o.metadata?.annotations?.[REVISION] ?? 0) || 0;

// JSON with sorted keys and without nulls: key order and `creationTimestamp: null` (which kubectl's
// undo patch carries) must not make equal templates differ
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Obj)[k];
      if (x !== null && x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

function withoutHash(tmpl: Obj): string {
  const labels = { ...(tmpl?.metadata?.labels ?? {}) };
  delete labels["pod-template-hash"];
  const metadata = { ...(tmpl?.metadata ?? {}), labels: Object.keys(labels).length ? labels : undefined };
  return JSON.stringify(canonical({ ...(tmpl ?? {}), metadata }));
}

/** The ReplicaSet running the Deployment's current template: same hash label, else an equal template. */
export function currentReplicaSet(owned: Obj[], tmpl: Obj, hash: string): Obj | undefined {
  const byHash = owned.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
  if (byHash) return byHash;
  const want = withoutHash(tmpl);
  return owned
    .filter((rs) => withoutHash(rs.spec?.template ?? {}) === want)
    .sort((a, b) => revisionOf(b) - revisionOf(a))[0];
}

/**
 * Annotations the current ReplicaSet should carry, or undefined when it already does. `maxOld` is the
 * highest revision among the other ReplicaSets.
 */
export function replicaSetAnnotations(d: Obj, rs: Obj, maxOld: number): Obj | undefined {
  const cur: Obj = rs.metadata.annotations ?? {};
  const next: Obj = { ...cur };
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!SKIP_COPY.has(k)) next[k] = v;
  const own = revisionOf(rs);
  if (own <= maxOld) {
    if (own > 0)
      next[REVISION_HISTORY] = cur[REVISION_HISTORY] ? `${cur[REVISION_HISTORY]},${own}` : String(own);
    next[REVISION] = String(maxOld + 1);
  }
  const changed = Object.keys(next).some((k) => next[k] !== cur[k]);
  return changed ? next : undefined;
}

/** Annotations copied onto a brand-new ReplicaSet. */
export function copiedAnnotations(d: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!SKIP_COPY.has(k)) out[k] = v;
  return out;
}
