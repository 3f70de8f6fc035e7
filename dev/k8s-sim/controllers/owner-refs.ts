// ownerReferences: the controller reference a controller puts on what it creates, and the test
// the garbage collector and the controllers use to find what an owner controls.
import { isTerminal } from "../pods";
import { apiVersionOf, R, type ResDef } from "../resources";
import type { Store } from "../store";
import type { Obj } from "../util";

export function isControlledBy(o: Obj, ownerUid: string): boolean {
  return (o.metadata?.ownerReferences ?? []).some((ref: Obj) => ref.uid === ownerUid);
}

export function ownerRef(def: ResDef, o: Obj): Obj {
  return {
    apiVersion: apiVersionOf(def),
    kind: def.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export const isPodReady = (p: Obj) =>
  (p.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True");

/** Non-terminal pods by the uid of each of their owners. */
export function activePodsByOwner(store: Store): Map<string, Obj[]> {
  const podsByOwner = new Map<string, Obj[]>();
  for (const p of store.list(R.pod)) {
    if (isTerminal(p)) continue;
    for (const ref of p.metadata.ownerReferences ?? []) {
      const l = podsByOwner.get(ref.uid) ?? [];
      l.push(p);
      podsByOwner.set(ref.uid, l);
    }
  }
  return podsByOwner;
}
