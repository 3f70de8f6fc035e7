// ReplicaSet controller: creates or deletes pods to match spec.replicas (creation failures back
// off and post FailedCreate), and writes the ReplicaSet's status.
import { isTerminal } from "../pods";
import { R } from "../resources";
import { clone, type Obj, randSuffix } from "../util";
import type { ControllerContext } from "./context";
import { isPodReady, ownerRef } from "./owner-refs";

export class ReplicaSetController {
  /** Create back-off per ReplicaSet uid after a failed pod create. */
  readonly backoff = new Map<string, { next: number; delay: number }>();

  sync(ctx: ControllerContext, now: number): void {
    const byOwner = new Map<string, Obj[]>();
    for (const p of ctx.store.list(R.pod)) {
      for (const ref of p.metadata.ownerReferences ?? []) {
        if (ref.kind !== "ReplicaSet") continue;
        const l = byOwner.get(ref.uid) ?? [];
        l.push(p);
        byOwner.set(ref.uid, l);
      }
    }
    for (const rs of ctx.store.list(R.rs)) {
      const ns = rs.metadata.namespace;
      const pods = (byOwner.get(rs.metadata.uid) ?? []).filter((p) => !isTerminal(p));
      const desired = rs.spec.replicas ?? 1;
      const diff = desired - pods.length;
      if (diff > 0) {
        const bo = this.backoff.get(rs.metadata.uid);
        if (bo && now < bo.next) continue;
        for (let i = 0; i < diff; i++) {
          const tmpl = clone(rs.spec.template ?? {});
          const body: Obj = {
            metadata: {
              ...(tmpl.metadata ?? {}),
              name: `${rs.metadata.name}-${randSuffix(5)}`,
              namespace: ns,
              ownerReferences: [ownerRef(R.rs, rs)],
            },
            spec: tmpl.spec ?? {},
          };
          delete body.metadata.creationTimestamp;
          try {
            const pod = ctx.registry.create(R.pod, ns, body);
            ctx.events.record(
              R.rs,
              rs,
              "Normal",
              "SuccessfulCreate",
              `Created pod: ${pod.metadata.name}`,
              "replicaset-controller",
            );
            this.backoff.delete(rs.metadata.uid);
          } catch (e) {
            ctx.events.record(
              R.rs,
              rs,
              "Warning",
              "FailedCreate",
              `Error creating: ${(e as Error).message}`,
              "replicaset-controller",
            );
            const delay = Math.min(10_000, (bo?.delay ?? 500) * 2);
            this.backoff.set(rs.metadata.uid, { next: now + delay, delay });
            break;
          }
        }
      } else {
        this.backoff.delete(rs.metadata.uid);
        if (diff < 0) {
          const rank = (p: Obj) => (!p.spec.nodeName ? 0 : p.status?.phase !== "Running" ? 1 : 2);
          const victims = [...pods].sort((a, b) => rank(a) - rank(b)).slice(0, -diff);
          for (const p of victims) {
            ctx.store.remove(R.pod, ns, p.metadata.name);
            ctx.events.record(
              R.rs,
              rs,
              "Normal",
              "SuccessfulDelete",
              `Deleted pod: ${p.metadata.name}`,
              "replicaset-controller",
            );
          }
        }
      }
    }
    for (const k of this.backoff.keys())
      if (!ctx.store.list(R.rs).some((rs) => rs.metadata.uid === k)) this.backoff.delete(k);
  }
}

export function replicaSetStatus(ctx: ControllerContext, podsByOwner: Map<string, Obj[]>): void {
  for (const rs of ctx.store.list(R.rs)) {
    const pods = podsByOwner.get(rs.metadata.uid) ?? [];
    const nready = pods.filter(isPodReady).length;
    ctx.store.mutate(R.rs, rs.metadata.namespace, rs.metadata.name, (x) => {
      x.status = {
        replicas: pods.length,
        fullyLabeledReplicas: pods.length,
        ...(nready ? { readyReplicas: nready, availableReplicas: nready } : {}),
        observedGeneration: x.metadata.generation,
        ...(x.status?.conditions ? { conditions: x.status.conditions } : {}),
      };
    });
  }
}
