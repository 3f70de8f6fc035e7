// Object storage of one cluster: objects by resource, resourceVersions, the watch history and the
// open watch/log streams. Every write goes through insert/replace/remove, which stamp a new
// resourceVersion and emit a watch event; nothing here validates (see registry.ts, admission.ts).
import { apiVersionOf, type ResDef, resKey } from "./resources";
import { clone, nowIso, type Obj, uid } from "./util";

export interface WatchEvent {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  key: string;
  obj: Obj;
  old?: Obj;
}
export interface Watcher {
  key: string;
  send(ev: WatchEvent): void;
  close(): void;
}

export interface ClusterSnapshot {
  rv: number;
  objects: Record<string, Obj[]>;
}

const HISTORY = 2000;
export const nsName = (ns: string, name: string) => `${ns}/${name}`;

export class Store {
  rv = 0;
  readonly objects = new Map<string, Map<string, Obj>>();
  readonly history: WatchEvent[] = [];
  readonly watchers = new Set<Watcher>();
  readonly streams = new Set<{ close(): void }>();
  /** Set by every write; the reconcile loop clears it and runs again while it is set. */
  dirty = true;
  /** Set by every write; the simulator clears it when it has saved the state file. */
  dirtySinceSave = true;
  /** Allocator shared by Service cluster IPs and pod IPs (not persisted). */
  ipCounter = 10;

  constructor(
    private readonly hooks: {
      /** After every write (the cluster queues a reconcile). */
      onWrite(): void;
      /** After an object is removed (the kubelet forgets a deleted pod). */
      onRemove(def: ResDef, old: Obj): void;
    },
  ) {}

  map(def: ResDef): Map<string, Obj> {
    const k = resKey(def);
    let m = this.objects.get(k);
    if (!m) {
      m = new Map();
      this.objects.set(k, m);
    }
    return m;
  }
  get(def: ResDef, ns: string, name: string): Obj | undefined {
    return this.map(def).get(nsName(def.namespaced ? ns : "", name));
  }
  list(def: ResDef, ns?: string): Obj[] {
    const all = [...this.map(def).values()];
    if (!def.namespaced || !ns) return all;
    return all.filter((o) => o.metadata.namespace === ns);
  }

  private emit(ev: WatchEvent): void {
    this.history.push(ev);
    if (this.history.length > HISTORY + 200) this.history.splice(0, this.history.length - HISTORY);
    for (const w of this.watchers) if (w.key === ev.key) w.send(ev);
    this.dirty = true;
    this.dirtySinceSave = true;
    this.hooks.onWrite();
  }
  oldestHistoryRv(): number {
    return this.history[0]?.rv ?? this.rv + 1;
  }

  /** Low-level insert: sets identity metadata and resourceVersion. */
  insert(def: ResDef, obj: Obj): Obj {
    const md = obj.metadata;
    md.uid ??= uid();
    md.creationTimestamp ??= nowIso();
    md.resourceVersion = String(++this.rv);
    obj.kind = def.kind;
    obj.apiVersion = apiVersionOf(def);
    this.map(def).set(nsName(def.namespaced ? md.namespace : "", md.name), obj);
    this.emit({ rv: this.rv, type: "ADDED", key: resKey(def), obj });
    return obj;
  }
  replace(def: ResDef, obj: Obj, old: Obj): Obj {
    obj.metadata.resourceVersion = String(++this.rv);
    obj.kind = def.kind;
    obj.apiVersion = apiVersionOf(def);
    this.map(def).set(nsName(def.namespaced ? obj.metadata.namespace : "", obj.metadata.name), obj);
    this.emit({ rv: this.rv, type: "MODIFIED", key: resKey(def), obj, old });
    return obj;
  }
  remove(def: ResDef, ns: string, name: string): Obj | undefined {
    const m = this.map(def);
    const k = nsName(def.namespaced ? ns : "", name);
    const old = m.get(k);
    if (!old) return undefined;
    m.delete(k);
    const obj = clone(old);
    obj.metadata.resourceVersion = String(++this.rv);
    this.emit({ rv: this.rv, type: "DELETED", key: resKey(def), obj, old });
    this.hooks.onRemove(def, old);
    return obj;
  }
  /** Apply a mutation to a stored object; writes (new resourceVersion) only if something changed. */
  mutate(def: ResDef, ns: string, name: string, fn: (o: Obj) => void): Obj | undefined {
    const old = this.get(def, ns, name);
    if (!old) return undefined;
    const next = clone(old);
    fn(next);
    if (JSON.stringify(next) === JSON.stringify(old)) return old;
    return this.replace(def, next, old);
  }

  /** Everything but nodes (they are rebuilt from the cluster spec on start). */
  snapshot(nodeKey: string): ClusterSnapshot {
    const objects: Record<string, Obj[]> = {};
    for (const [k, m] of this.objects) {
      if (k === nodeKey) continue;
      objects[k] = [...m.values()];
    }
    return { rv: this.rv, objects };
  }
  restore(s: ClusterSnapshot): void {
    this.rv = s.rv;
    for (const [k, list] of Object.entries(s.objects)) {
      const m = new Map<string, Obj>();
      for (const o of list) m.set(nsName(o.metadata.namespace ?? "", o.metadata.name), o);
      this.objects.set(k, m);
    }
  }

  closeStreams(): void {
    for (const w of this.watchers) w.close();
    this.watchers.clear();
    for (const s of this.streams) s.close();
    this.streams.clear();
  }
}
