// Deployment controller: one ReplicaSet per pod-template hash (the new one takes all replicas at
// once; older ones scale to 0 and are pruned beyond revisionHistoryLimit), and the Deployment's
// status and Available/Progressing conditions.
import { R } from "../resources";
import { clone, nowIso, type Obj, templateHash } from "../util";
import type { ControllerContext } from "./context";
import { isControlledBy, isPodReady, ownerRef } from "./owner-refs";
import {
  copiedAnnotations,
  currentReplicaSet,
  REVISION,
  replicaSetAnnotations,
  revisionOf,
} from "./rollout-history";

export function deploymentController(ctx: ControllerContext): void {
  for (const d of ctx.store.list(R.deploy)) {
    const ns = d.metadata.namespace;
    const tmpl = d.spec.template ?? {};
    const hash = templateHash(tmpl);
    const owned = ctx.store.list(R.rs, ns).filter((rs) => isControlledBy(rs, d.metadata.uid));
    const desired = d.spec.replicas ?? 1;
    let cur = currentReplicaSet(owned, tmpl, hash);
    const revision = Math.max(0, ...owned.map(revisionOf));
    if (!cur) {
      const labels = { ...(tmpl.metadata?.labels ?? {}), "pod-template-hash": hash };
      const sel = clone(d.spec.selector ?? {});
      sel.matchLabels = { ...(sel.matchLabels ?? {}), "pod-template-hash": hash };
      const rsTmpl = clone(tmpl);
      rsTmpl.metadata = { ...(rsTmpl.metadata ?? {}), labels };
      try {
        cur = ctx.registry.create(R.rs, ns, {
          metadata: {
            name: `${d.metadata.name}-${hash}`,
            namespace: ns,
            labels,
            annotations: {
              ...copiedAnnotations(d),
              "deployment.kubernetes.io/desired-replicas": String(desired),
              "deployment.kubernetes.io/max-replicas": String(desired + Math.ceil(desired * 0.25)),
              "deployment.kubernetes.io/revision": String(revision + 1),
            },
            ownerReferences: [ownerRef(R.deploy, d)],
          },
          spec: { replicas: desired, selector: sel, template: rsTmpl },
        });
        ctx.events.record(
          R.deploy,
          d,
          "Normal",
          "ScalingReplicaSet",
          `Scaled up replica set ${cur.metadata.name} from 0 to ${desired}`,
          "deployment-controller",
        );
      } catch (e) {
        ctx.events.record(
          R.deploy,
          d,
          "Warning",
          "FailedCreate",
          `Failed to create new replica set "${d.metadata.name}-${hash}": ${(e as Error).message}`,
          "deployment-controller",
        );
        continue;
      }
      ctx.store.mutate(R.deploy, ns, d.metadata.name, (x) => {
        x.metadata.annotations = {
          ...(x.metadata.annotations ?? {}),
          "deployment.kubernetes.io/revision": String(revision + 1),
        };
      });
    } else {
      // change-cause and revision follow the current ReplicaSet (rollout-history.ts)
      const rs = cur;
      const maxOld = Math.max(0, ...owned.filter((x) => x.metadata.uid !== rs.metadata.uid).map(revisionOf));
      const ann = replicaSetAnnotations(d, rs, maxOld);
      if (ann) {
        ctx.store.mutate(R.rs, ns, rs.metadata.name, (x) => {
          x.metadata.annotations = ann;
        });
        if (d.metadata.annotations?.[REVISION] !== ann[REVISION])
          ctx.store.mutate(R.deploy, ns, d.metadata.name, (x) => {
            x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [REVISION]: ann[REVISION] };
          });
      }
    }
    if (cur && (cur.spec.replicas ?? 1) !== desired) {
      const from = cur.spec.replicas ?? 1;
      ctx.store.mutate(R.rs, ns, cur.metadata.name, (x) => {
        x.spec.replicas = desired;
        x.metadata.annotations = {
          ...(x.metadata.annotations ?? {}),
          "deployment.kubernetes.io/desired-replicas": String(desired),
        };
      });
      ctx.events.record(
        R.deploy,
        d,
        "Normal",
        "ScalingReplicaSet",
        `Scaled ${desired > from ? "up" : "down"} replica set ${cur.metadata.name} from ${from} to ${desired}`,
        "deployment-controller",
      );
    }
    for (const rs of owned) {
      if (rs.metadata.uid === cur.metadata.uid || (rs.spec.replicas ?? 0) === 0) continue;
      const from = rs.spec.replicas;
      ctx.store.mutate(R.rs, ns, rs.metadata.name, (x) => {
        x.spec.replicas = 0;
      });
      ctx.events.record(
        R.deploy,
        d,
        "Normal",
        "ScalingReplicaSet",
        `Scaled down replica set ${rs.metadata.name} from ${from} to 0`,
        "deployment-controller",
      );
    }
    // old replica sets beyond revisionHistoryLimit
    const old = owned
      .filter((rs) => rs.metadata.uid !== cur.metadata.uid)
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0) -
          Number(b.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0),
      );
    while (old.length > (d.spec.revisionHistoryLimit ?? 10)) {
      const rs = old.shift()!;
      if (!ctx.store.list(R.pod, ns).some((p) => isControlledBy(p, rs.metadata.uid)))
        ctx.store.remove(R.rs, ns, rs.metadata.name);
    }
  }
}

export function deploymentStatus(ctx: ControllerContext, podsByOwner: Map<string, Obj[]>): void {
  for (const d of ctx.store.list(R.deploy)) {
    const ns = d.metadata.namespace;
    const owned = ctx.store.list(R.rs, ns).filter((rs) => isControlledBy(rs, d.metadata.uid));
    const hash = templateHash(d.spec.template ?? {});
    const cur = currentReplicaSet(owned, d.spec.template ?? {}, hash);
    const pods = owned.flatMap((rs) => podsByOwner.get(rs.metadata.uid) ?? []);
    const updated = cur ? (podsByOwner.get(cur.metadata.uid) ?? []) : [];
    const desired = d.spec.replicas ?? 1;
    const available = pods.filter(isPodReady).length;
    const maxUnavail = maxUnavailable(d, desired);
    const isAvailable = available >= desired - maxUnavail;
    const complete = updated.length === desired && pods.length === desired && available >= desired;
    ctx.store.mutate(R.deploy, ns, d.metadata.name, (x) => {
      const conds: Obj[] = x.status?.conditions ?? [];
      const now = nowIso();
      const setCond = (type: string, status: string, reason: string, message: string) => {
        const prev = conds.find((c) => c.type === type);
        if (prev && prev.status === status && prev.reason === reason && prev.message === message) return prev;
        return {
          type,
          status,
          lastUpdateTime: now,
          lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
          reason,
          message,
        };
      };
      const newConds = [
        isAvailable
          ? setCond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
          : setCond(
              "Available",
              "False",
              "MinimumReplicasUnavailable",
              "Deployment does not have minimum availability.",
            ),
        complete
          ? setCond(
              "Progressing",
              "True",
              "NewReplicaSetAvailable",
              `ReplicaSet "${cur?.metadata.name}" has successfully progressed.`,
            )
          : setCond(
              "Progressing",
              "True",
              "ReplicaSetUpdated",
              `ReplicaSet "${cur?.metadata.name ?? d.metadata.name}" is progressing.`,
            ),
      ];
      const unavailable = Math.max(0, pods.length > desired ? pods.length - available : desired - available);
      x.status = {
        observedGeneration: x.metadata.generation,
        ...(pods.length ? { replicas: pods.length } : {}),
        ...(updated.length ? { updatedReplicas: updated.length } : {}),
        ...(available ? { readyReplicas: available, availableReplicas: available } : {}),
        ...(unavailable ? { unavailableReplicas: unavailable } : {}),
        conditions: newConds,
      };
    });
  }
}

function maxUnavailable(d: Obj, desired: number): number {
  const mu = d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? "25%";
  if (typeof mu === "number") return mu;
  const m = /^(\d+)%$/.exec(String(mu));
  return m ? Math.floor((desired * Number(m[1])) / 100) : Number(mu) || 0;
}
