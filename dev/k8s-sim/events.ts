// Event recorder: core/v1 Events with dedupe (same object, reason and message → count+1), capped
// at MAX_EVENTS, as the controllers and the kubelet post them.
import { apiVersionOf, R, type ResDef } from "./resources";
import { nsName, type Store } from "./store";
import { nowIso, type Obj } from "./util";

const MAX_EVENTS = 3000;

function eventKey(inv: Obj, reason: string, message: string): string {
  return `${inv.uid}|${inv.fieldPath ?? ""}|${reason}|${message}`;
}

export type EventType = "Normal" | "Warning";

export class EventRecorder {
  private index = new Map<string, string>(); // dedupe key -> ns/name
  /** While set, nothing is recorded (what happened before the simulated cluster was observed). */
  muted = false;

  constructor(private readonly store: Store) {}

  /** Indexes the stored events again (after a restore) so dedupe keeps working. */
  reindex(): void {
    for (const e of this.store.list(R.ev))
      this.index.set(
        eventKey(e.involvedObject, e.reason, e.message),
        nsName(e.metadata.namespace, e.metadata.name),
      );
  }

  record(
    def: ResDef,
    obj: Obj,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    opts?: { fieldPath?: string; host?: string },
  ): void {
    if (this.muted) return;
    const involvedObject: Obj = {
      kind: def.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: apiVersionOf(def),
      resourceVersion: obj.metadata.resourceVersion,
    };
    if (!def.namespaced) delete involvedObject.namespace;
    if (opts?.fieldPath) involvedObject.fieldPath = opts.fieldPath;
    const ns = obj.metadata.namespace ?? "default";
    const key = eventKey(involvedObject, reason, message);
    const now = nowIso();
    const existingName = this.index.get(key);
    if (existingName) {
      const [ens, ename] = existingName.split("/") as [string, string];
      const updated = this.store.mutate(R.ev, ens, ename, (e) => {
        e.count = (e.count ?? 1) + 1;
        e.lastTimestamp = now;
      });
      if (updated) return;
    }
    const name = `${obj.metadata.name}.${(BigInt(Date.now()) * 1000000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    this.store.insert(R.ev, {
      metadata: { name, namespace: ns },
      involvedObject,
      reason,
      message,
      source: { component, ...(opts?.host ? { host: opts.host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: opts?.host ?? "",
    });
    this.index.set(key, nsName(ns, name));
    const evs = this.store.map(R.ev);
    if (evs.size > MAX_EVENTS) {
      const oldest = evs.values().next().value as Obj;
      this.store.remove(R.ev, oldest.metadata.namespace, oldest.metadata.name);
      this.index.delete(eventKey(oldest.involvedObject, oldest.reason, oldest.message));
    }
  }
}
