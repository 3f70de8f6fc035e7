// One simulated cluster: object store, watch history, admission, and the controllers
// (deployment, replicaset, scheduler, kubelet, quota, namespace) advanced by a ticker.
import { randomBytes } from "node:crypto";
import { apiVersionOf, findRes, RESOURCES, type ResDef, resKey } from "./resources";
import type { SimClusterSpec } from "./simulator";
import {
  clone,
  formatQuantity,
  isValidQuantity,
  matchLabels,
  nowIso,
  type Obj,
  parseQuantity,
  randSuffix,
  selectorObjToReqs,
  strategicMergePatch,
  templateHash,
  uid,
  validName,
} from "./util";
import { type ContainerSim, crashLines, makeLogLine, type PodSim, startupLines } from "./workload";

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }
}

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
const MAX_EVENTS = 3000;
const r = (group: string, name: string): ResDef => {
  const d = RESOURCES.find((x) => x.group === group && x.name === name && !x.virtual);
  if (!d) throw new Error(`no resource ${group}/${name}`);
  return d;
};
export const R = {
  ns: r("", "namespaces"),
  node: r("", "nodes"),
  pod: r("", "pods"),
  svc: r("", "services"),
  ev: r("", "events"),
  quota: r("", "resourcequotas"),
  lr: r("", "limitranges"),
  sa: r("", "serviceaccounts"),
  deploy: r("apps", "deployments"),
  rs: r("apps", "replicasets"),
};

const GPU = "nvidia.com/gpu";
const COMPUTE = ["cpu", "memory", GPU, "ephemeral-storage"] as const;

export interface PodRequests {
  cpu: number;
  memory: number;
  gpu: number;
  limits: Record<string, number>;
  requests: Record<string, number>;
}

export function podRequests(pod: Obj): PodRequests {
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {}))
      requests[k] = (requests[k] ?? 0) + parseQuantity(v);
    for (const [k, v] of Object.entries(c.resources?.limits ?? {}))
      limits[k] = (limits[k] ?? 0) + parseQuantity(v);
  }
  return { cpu: requests.cpu ?? 0, memory: requests.memory ?? 0, gpu: requests[GPU] ?? 0, requests, limits };
}

const isTerminal = (pod: Obj) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
const nsName = (ns: string, name: string) => `${ns}/${name}`;

function isControlledBy(o: Obj, ownerUid: string): boolean {
  return (o.metadata?.ownerReferences ?? []).some((ref: Obj) => ref.uid === ownerUid);
}

function normalizeImage(image: string): string {
  let img = image;
  if (!img.includes(":") && !img.includes("@")) img += ":latest";
  const first = img.split("/")[0] ?? "";
  if (!img.includes("/")) img = `docker.io/library/${img}`;
  else if (!first.includes(".") && !first.includes(":") && first !== "localhost") img = `docker.io/${img}`;
  return img;
}

const hex = (n: number) => randomBytes(n).toString("hex");

export class ClusterState {
  rv = 0;
  readonly objects = new Map<string, Map<string, Obj>>();
  readonly history: WatchEvent[] = [];
  readonly watchers = new Set<Watcher>();
  readonly pods = new Map<string, PodSim>(); // by pod uid
  readonly version: string;
  readonly metricsApi: boolean;
  dirtySinceSave = true;
  private dirty = true;
  private reconcileQueued = false;
  private inReconcile = false;
  private eventIndex = new Map<string, string>(); // dedupe key -> ns/name
  private rsBackoff = new Map<string, { next: number; delay: number }>();
  private ipCounter = 10;
  private lastTick = Date.now();
  readonly streams = new Set<{ close(): void }>();

  constructor(
    readonly spec: SimClusterSpec,
    readonly opts: { podStartDelayMs: number },
    snapshot?: ClusterSnapshot,
  ) {
    this.version = spec.version ?? "v1.31.2";
    this.metricsApi = spec.metricsApi ?? true;
    if (snapshot) this.restore(snapshot);
    else this.bootstrap();
    this.syncNodes();
  }

  // ---------------- store ----------------
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
    this.queueReconcile();
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
    if (def === R.pod) this.forgetPod(old);
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

  // ---------------- bootstrap / persistence ----------------
  private bootstrap(): void {
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      this.insert(R.ns, this.newNamespace(ns));
    }
    this.insert(R.svc, {
      metadata: {
        name: "kubernetes",
        namespace: "default",
        labels: { component: "apiserver", provider: "kubernetes" },
      },
      spec: {
        type: "ClusterIP",
        clusterIP: "10.96.0.1",
        clusterIPs: ["10.96.0.1"],
        ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
        sessionAffinity: "None",
      },
      status: { loadBalancer: {} },
    });
  }
  private newNamespace(name: string, body?: Obj): Obj {
    const o = body ?? { metadata: { name } };
    o.metadata.labels = { ...(o.metadata.labels ?? {}), "kubernetes.io/metadata.name": name };
    o.spec = { finalizers: ["kubernetes"], ...(o.spec ?? {}) };
    o.status = { phase: "Active" };
    return o;
  }

  /** (Re)creates node objects from the cluster spec, keeping identity if they exist. */
  private syncNodes(): void {
    const region = this.spec.region;
    this.spec.nodes.forEach((n, i) => {
      const labels: Record<string, string> = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": n.name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": n.gpus ? "gpu.standard" : "cpu.standard",
      };
      if (region) {
        labels["topology.kubernetes.io/region"] = region;
        labels["topology.kubernetes.io/zone"] = `${region}${"abc"[i % 3]}`;
      }
      if (n.gpus) {
        labels["nvidia.com/gpu.present"] = "true";
        labels["nvidia.com/gpu.count"] = String(n.gpus);
        if (n.gpuProduct) labels["nvidia.com/gpu.product"] = n.gpuProduct;
      }
      Object.assign(labels, n.labels ?? {});
      const capacity: Record<string, string> = {
        cpu: n.cpu,
        memory: n.memory,
        pods: String(n.pods ?? 110),
        "ephemeral-storage": "203056560Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
      };
      if (n.gpus) capacity[GPU] = String(n.gpus);
      const ready = n.ready ?? true;
      const taints: Obj[] = [];
      if (n.unschedulable) taints.push({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" });
      if (!ready) taints.push({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" });
      const existing = this.get(R.node, "", n.name);
      const created =
        existing?.metadata.creationTimestamp ??
        new Date(Date.now() - 86400_000 * (12 + i)).toISOString().replace(/\.\d+Z$/, "Z");
      const ip = `10.0.${Math.floor(i / 250)}.${(i % 250) + 4}`;
      const node: Obj = {
        metadata: {
          name: n.name,
          labels,
          annotations: {
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true",
          },
          creationTimestamp: created,
          uid: existing?.metadata.uid,
        },
        spec: {
          podCIDR: `10.244.${i}.0/24`,
          podCIDRs: [`10.244.${i}.0/24`],
          ...(taints.length ? { taints } : {}),
          ...(n.unschedulable ? { unschedulable: true } : {}),
        },
        status: {
          capacity,
          allocatable: { ...capacity },
          conditions: [
            [
              "MemoryPressure",
              "False",
              "KubeletHasSufficientMemory",
              "kubelet has sufficient memory available",
            ],
            ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
            ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
            ready
              ? ["Ready", "True", "KubeletReady", "kubelet is posting ready status"]
              : ["Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."],
          ].map(([type, status, reason, message]) => ({
            type,
            status,
            reason,
            message,
            lastHeartbeatTime: created,
            lastTransitionTime: created,
          })),
          addresses: [
            { type: "InternalIP", address: ip },
            { type: "Hostname", address: n.name },
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            architecture: "amd64",
            bootID: existing?.status?.nodeInfo?.bootID ?? uid(),
            containerRuntimeVersion: "containerd://1.7.22",
            kernelVersion: "6.8.0-1015-aws",
            kubeProxyVersion: this.version,
            kubeletVersion: this.version,
            machineID: existing?.status?.nodeInfo?.machineID ?? hex(16),
            operatingSystem: "linux",
            osImage: "Ubuntu 22.04.5 LTS",
            systemUUID: existing?.status?.nodeInfo?.systemUUID ?? uid(),
          },
        },
      };
      if (!existing) this.insert(R.node, node);
      else {
        node.metadata.resourceVersion = existing.metadata.resourceVersion;
        if (
          JSON.stringify({ ...node, kind: existing.kind, apiVersion: existing.apiVersion }) !==
          JSON.stringify(existing)
        )
          this.replace(R.node, node, existing);
      }
    });
  }

  snapshot(): ClusterSnapshot {
    const objects: Record<string, Obj[]> = {};
    for (const [k, m] of this.objects) {
      if (k === resKey(R.node)) continue;
      objects[k] = [...m.values()];
    }
    return { rv: this.rv, objects };
  }
  private restore(s: ClusterSnapshot): void {
    this.rv = s.rv;
    for (const [k, list] of Object.entries(s.objects)) {
      const m = new Map<string, Obj>();
      for (const o of list) m.set(nsName(o.metadata.namespace ?? "", o.metadata.name), o);
      this.objects.set(k, m);
    }
    // Events are indexed again for dedupe; pods get kubelet state back.
    for (const e of this.list(R.ev))
      this.eventIndex.set(
        this.eventKey(e.involvedObject, e.reason, e.message),
        nsName(e.metadata.namespace, e.metadata.name),
      );
    const now = Date.now();
    for (const p of this.list(R.pod)) {
      const sim = this.newPodSim(p);
      if (p.spec.nodeName) {
        const running = p.status?.phase === "Running";
        sim.scheduledAt = now;
        for (const c of sim.containers) {
          const st = (p.status?.containerStatuses ?? []).find((x: Obj) => x.name === c.name);
          c.restartCount = st?.restartCount ?? 0;
          if (running && c.mode === "ok") {
            c.state = "running";
            c.startedAt = Date.parse(st?.state?.running?.startedAt ?? "") || now;
            c.lastLogAt = now;
            c.containerID = (st?.containerID as string | undefined) ?? c.containerID;
          } else c.nextAt = now + this.startDelay();
        }
      }
      this.pods.set(p.metadata.uid, sim);
    }
  }

  closeStreams(): void {
    for (const w of this.watchers) w.close();
    this.watchers.clear();
    for (const s of this.streams) s.close();
    this.streams.clear();
  }

  // ---------------- events ----------------
  private eventKey(inv: Obj, reason: string, message: string): string {
    return `${inv.uid}|${inv.fieldPath ?? ""}|${reason}|${message}`;
  }
  recordEvent(
    def: ResDef,
    obj: Obj,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    opts?: { fieldPath?: string; host?: string },
  ): void {
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
    const key = this.eventKey(involvedObject, reason, message);
    const now = nowIso();
    const existingName = this.eventIndex.get(key);
    if (existingName) {
      const [ens, ename] = existingName.split("/") as [string, string];
      const updated = this.mutate(R.ev, ens, ename, (e) => {
        e.count = (e.count ?? 1) + 1;
        e.lastTimestamp = now;
      });
      if (updated) return;
    }
    const name = `${obj.metadata.name}.${(BigInt(Date.now()) * 1000000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    this.insert(R.ev, {
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
    this.eventIndex.set(key, nsName(ns, name));
    const evs = this.map(R.ev);
    if (evs.size > MAX_EVENTS) {
      const oldest = evs.values().next().value as Obj;
      this.remove(R.ev, oldest.metadata.namespace, oldest.metadata.name);
      this.eventIndex.delete(this.eventKey(oldest.involvedObject, oldest.reason, oldest.message));
    }
  }

  // ---------------- create / update / delete with admission ----------------
  validate(def: ResDef, o: Obj, old?: Obj): void {
    const causes: Obj[] = [];
    const add = (field: string, type: string, message: string) =>
      causes.push({ reason: type, message, field });
    const name: string = o.metadata?.name ?? "";
    const labelName = def === R.ns || def === R.svc;
    const nerr = validName(name, labelName);
    if (nerr) add("metadata.name", "FieldValueInvalid", `Invalid value: "${name}": ${nerr}`);
    for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
      if (typeof v !== "string" || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v))
        add(
          "metadata.labels",
          "FieldValueInvalid",
          `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        );
      if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k) || k.length > 316)
        add(
          "metadata.labels",
          "FieldValueInvalid",
          `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
        );
    }
    const checkPodSpec = (spec: Obj | undefined, path: string) => {
      const cs = spec?.containers;
      if (!Array.isArray(cs) || cs.length === 0) {
        add(`${path}.containers`, "FieldValueRequired", "Required value");
        return;
      }
      const seen = new Set<string>();
      cs.forEach((c: Obj, i: number) => {
        const p = `${path}.containers[${i}]`;
        if (!c?.name) add(`${p}.name`, "FieldValueRequired", "Required value");
        else if (seen.has(c.name)) add(`${p}.name`, "FieldValueDuplicate", `Duplicate value: "${c.name}"`);
        else if (validName(c.name, true))
          add(`${p}.name`, "FieldValueInvalid", `Invalid value: "${c.name}": ${validName(c.name, true)}`);
        seen.add(c?.name);
        if (!c?.image) add(`${p}.image`, "FieldValueRequired", "Required value");
        for (const kind of ["requests", "limits"]) {
          for (const [rk, rv] of Object.entries(c?.resources?.[kind] ?? {})) {
            if (!isValidQuantity(rv))
              add(
                `${p}.resources.${kind}[${rk}]`,
                "FieldValueInvalid",
                `Invalid value: "${String(rv)}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
              );
          }
        }
        for (const rk of Object.keys(c?.resources?.requests ?? {})) {
          const lim = c?.resources?.limits?.[rk];
          if (lim !== undefined && parseQuantity(c.resources.requests[rk]) > parseQuantity(lim))
            add(
              `${p}.resources.requests`,
              "FieldValueInvalid",
              `Invalid value: "${c.resources.requests[rk]}": must be less than or equal to ${rk} limit of ${lim}`,
            );
        }
        const gr = c?.resources?.requests?.[GPU];
        const gl = c?.resources?.limits?.[GPU];
        if (gr !== undefined && gl === undefined)
          add(
            `${p}.resources.limits`,
            "FieldValueRequired",
            `Required value: Limit must be set for non overcommitable resources`,
          );
        if (gr !== undefined && gl !== undefined && parseQuantity(gr) !== parseQuantity(gl))
          add(
            `${p}.resources.requests[${GPU}]`,
            "FieldValueInvalid",
            `Invalid value: "${gr}": must be equal to ${GPU} limit of ${gl}`,
          );
      });
    };
    if (def === R.pod) checkPodSpec(o.spec, "spec");
    if (def === R.deploy || def === R.rs) {
      const sel = o.spec?.selector;
      const tl = o.spec?.template?.metadata?.labels ?? {};
      if (!sel || (!sel.matchLabels && !sel.matchExpressions))
        add("spec.selector", "FieldValueRequired", "Required value");
      else if (!matchLabels(selectorObjToReqs(sel), tl))
        add(
          "spec.template.metadata.labels",
          "FieldValueInvalid",
          `Invalid value: ${JSON.stringify(tl)}: \`selector\` does not match template \`labels\``,
        );
      if (o.spec?.replicas !== undefined && (typeof o.spec.replicas !== "number" || o.spec.replicas < 0))
        add(
          "spec.replicas",
          "FieldValueInvalid",
          `Invalid value: ${o.spec.replicas}: must be greater than or equal to 0`,
        );
      checkPodSpec(o.spec?.template?.spec, "spec.template.spec");
      if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(o.spec?.selector))
        add(
          "spec.selector",
          "FieldValueInvalid",
          `Invalid value: ${JSON.stringify(o.spec?.selector)}: field is immutable`,
        );
    }
    if (def === R.svc) {
      const ports = o.spec?.ports;
      if (o.spec?.type !== "ExternalName" && (!Array.isArray(ports) || ports.length === 0))
        add("spec.ports", "FieldValueRequired", "Required value");
      (ports ?? []).forEach((p: Obj, i: number) => {
        if (typeof p?.port !== "number" || p.port < 1 || p.port > 65535)
          add(
            `spec.ports[${i}].port`,
            "FieldValueInvalid",
            `Invalid value: ${p?.port}: must be between 1 and 65535, inclusive`,
          );
      });
    }
    if (def === R.quota) {
      for (const [k, v] of Object.entries(o.spec?.hard ?? {}))
        if (!isValidQuantity(v))
          add(
            `spec.hard[${k}]`,
            "FieldValueInvalid",
            `Invalid value: "${String(v)}": quantities must match the regular expression`,
          );
    }
    if (def === R.pod && old) {
      const strip = (s: Obj) => {
        const c = clone(s ?? {});
        for (const ct of c.containers ?? []) delete ct.image;
        delete c.activeDeadlineSeconds;
        delete c.tolerations;
        delete c.nodeName;
        return JSON.stringify(c);
      };
      if (strip(old.spec) !== strip(o.spec))
        add(
          "spec",
          "FieldValueForbidden",
          "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        );
    }
    if (causes.length) {
      const kind = def.kind;
      throw new ApiError(
        422,
        "Invalid",
        `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}`,
        { name, group: def.group, kind, causes },
      );
    }
  }

  private defaultPodSpec(spec: Obj): void {
    spec.restartPolicy ??= "Always";
    spec.terminationGracePeriodSeconds ??= 30;
    spec.dnsPolicy ??= "ClusterFirst";
    spec.serviceAccountName ??= spec.serviceAccount ?? "default";
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.securityContext ??= {};
    spec.schedulerName ??= "default-scheduler";
    spec.enableServiceLinks ??= true;
    spec.preemptionPolicy ??= "PreemptLowerPriority";
    spec.priority ??= 0;
    for (const c of spec.containers ?? []) {
      c.resources ??= {};
      c.terminationMessagePath ??= "/dev/termination-log";
      c.terminationMessagePolicy ??= "File";
      const tag =
        String(c.image ?? "")
          .split("/")
          .pop() ?? "";
      c.imagePullPolicy ??= !tag.includes(":") || tag.endsWith(":latest") ? "Always" : "IfNotPresent";
      for (const p of c.ports ?? []) p.protocol ??= "TCP";
      // requests default to limits when only limits are given
      for (const [k, v] of Object.entries(c.resources.limits ?? {})) {
        c.resources.requests ??= {};
        c.resources.requests[k] ??= v;
      }
    }
  }

  private defaults(def: ResDef, o: Obj): void {
    if (def === R.pod) {
      this.defaultPodSpec(o.spec);
      o.spec.tolerations ??= [
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
        {
          key: "node.kubernetes.io/unreachable",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
      ];
    }
    if (def === R.deploy || def === R.rs) {
      o.spec.replicas ??= 1;
      if (def === R.deploy) {
        o.spec.strategy ??= {
          type: "RollingUpdate",
          rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
        };
        o.spec.revisionHistoryLimit ??= 10;
        o.spec.progressDeadlineSeconds ??= 600;
      }
      o.spec.template ??= {};
      o.spec.template.metadata ??= {};
      o.spec.template.spec ??= {};
      this.defaultPodSpec(o.spec.template.spec);
    }
    if (def === R.svc) {
      o.spec ??= {};
      const s = o.spec;
      s.type ??= "ClusterIP";
      s.sessionAffinity ??= "None";
      s.ipFamilies ??= ["IPv4"];
      s.ipFamilyPolicy ??= "SingleStack";
      s.internalTrafficPolicy ??= "Cluster";
      if (s.type !== "ExternalName" && s.clusterIP !== "None" && !s.clusterIP) {
        this.ipCounter++;
        s.clusterIP = `10.96.${Math.floor(this.ipCounter / 250) % 250}.${(this.ipCounter % 250) + 2}`;
      }
      if (s.clusterIP) s.clusterIPs ??= [s.clusterIP];
      for (const p of s.ports ?? []) {
        p.protocol ??= "TCP";
        p.targetPort ??= p.port;
        if ((s.type === "NodePort" || s.type === "LoadBalancer") && !p.nodePort)
          p.nodePort = 30000 + Math.floor(Math.random() * 2767);
      }
      if (s.type === "LoadBalancer") s.externalTrafficPolicy ??= "Cluster";
      o.status =
        s.type === "LoadBalancer"
          ? { loadBalancer: { ingress: [{ ip: `203.0.113.${(this.ipCounter % 250) + 2}`, ipMode: "VIP" }] } }
          : { loadBalancer: {} };
    }
    if (def === R.ns) this.newNamespace(o.metadata.name, o);
    if (def === R.sa) o.secrets ??= undefined;
    if (def === R.quota) o.status = { hard: { ...(o.spec?.hard ?? {}) }, used: {} };
  }

  private applyLimitRanges(pod: Obj): void {
    const ranges = this.list(R.lr, pod.metadata.namespace);
    if (!ranges.length) return;
    const setNotes: string[] = [];
    for (const lr of ranges) {
      for (const item of lr.spec?.limits ?? []) {
        if (item.type !== "Container") continue;
        for (const c of pod.spec.containers ?? []) {
          c.resources ??= {};
          const setReq: string[] = [];
          const setLim: string[] = [];
          for (const [k, v] of Object.entries(item.default ?? {})) {
            c.resources.limits ??= {};
            if (c.resources.limits[k] === undefined) {
              c.resources.limits[k] = v;
              setLim.push(k);
            }
          }
          for (const [k, v] of Object.entries(item.defaultRequest ?? {})) {
            c.resources.requests ??= {};
            if (c.resources.requests[k] === undefined) {
              c.resources.requests[k] =
                c.resources.limits?.[k] !== undefined && !setLim.includes(k) ? c.resources.limits[k] : v;
              setReq.push(k);
            }
          }
          for (const [k, v] of Object.entries(c.resources.limits ?? {})) {
            c.resources.requests ??= {};
            if (c.resources.requests[k] === undefined) {
              c.resources.requests[k] = v;
              setReq.push(k);
            }
          }
          if (setReq.length) setNotes.push(`${setReq.join(", ")} request for container ${c.name}`);
          if (setLim.length) setNotes.push(`${setLim.join(", ")} limit for container ${c.name}`);
          for (const [k, v] of Object.entries(item.max ?? {})) {
            const lim = c.resources.limits?.[k];
            if (lim === undefined)
              throw new ApiError(
                403,
                "Forbidden",
                `pods "${pod.metadata.name}" is forbidden: maximum ${k} usage per Container is ${v}.  No limit is specified`,
              );
            if (parseQuantity(lim) > parseQuantity(v))
              throw new ApiError(
                403,
                "Forbidden",
                `pods "${pod.metadata.name}" is forbidden: maximum ${k} usage per Container is ${v}, but limit is ${lim}`,
              );
          }
          for (const [k, v] of Object.entries(item.min ?? {})) {
            const req = c.resources.requests?.[k];
            if (req !== undefined && parseQuantity(req) < parseQuantity(v))
              throw new ApiError(
                403,
                "Forbidden",
                `pods "${pod.metadata.name}" is forbidden: minimum ${k} usage per Container is ${v}, but request is ${req}`,
              );
          }
        }
      }
    }
    if (setNotes.length) {
      pod.metadata.annotations = {
        ...(pod.metadata.annotations ?? {}),
        "kubernetes.io/limit-ranger": `LimitRanger plugin set: ${setNotes.join("; ")}`,
      };
    }
  }

  private podSecurity(pod: Obj): void {
    const ns = this.get(R.ns, "", pod.metadata.namespace);
    const level = ns?.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
    if (level !== "restricted" && level !== "baseline") return;
    const spec = pod.spec ?? {};
    const psc = spec.securityContext ?? {};
    const cs: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const fails: string[] = [];
    const list = (names: string[]) =>
      names.length === 1 ? `container "${names[0]}"` : `containers ${names.map((n) => `"${n}"`).join(", ")}`;
    const who = (pred: (c: Obj) => boolean) => cs.filter(pred).map((c) => c.name as string);
    const priv = who((c) => c.securityContext?.privileged === true);
    if (priv.length) fails.push(`privileged (${list(priv)} must not set securityContext.privileged=true)`);
    const hostNs = ["hostNetwork", "hostPID", "hostIPC"].filter((k) => spec[k] === true);
    if (hostNs.length) fails.push(`host namespaces (${hostNs.map((k) => `${k}=true`).join(", ")})`);
    const hostPath = (spec.volumes ?? []).filter((v: Obj) => v.hostPath).map((v: Obj) => `"${v.name}"`);
    if (hostPath.length) fails.push(`hostPath volumes (volume ${hostPath.join(", ")})`);
    const hostPorts = who((c) => (c.ports ?? []).some((p: Obj) => p.hostPort));
    if (hostPorts.length) fails.push(`hostPort (${list(hostPorts)} uses hostPort)`);
    if (level === "restricted") {
      const ape = who((c) => c.securityContext?.allowPrivilegeEscalation !== false);
      if (ape.length)
        fails.push(
          `allowPrivilegeEscalation != false (${list(ape)} must set securityContext.allowPrivilegeEscalation=false)`,
        );
      const caps = who((c) => !(c.securityContext?.capabilities?.drop ?? []).includes("ALL"));
      if (caps.length)
        fails.push(
          `unrestricted capabilities (${list(caps)} must set securityContext.capabilities.drop=["ALL"])`,
        );
      const nonRoot = psc.runAsNonRoot === true;
      const nr = who(
        (c) =>
          c.securityContext?.runAsNonRoot === false || (!nonRoot && c.securityContext?.runAsNonRoot !== true),
      );
      if (nr.length)
        fails.push(`runAsNonRoot != true (pod or ${list(nr)} must set securityContext.runAsNonRoot=true)`);
      const root = psc.runAsUser === 0 || cs.some((c) => c.securityContext?.runAsUser === 0);
      if (root) fails.push("runAsUser=0 (pod and containers must not set runAsUser=0)");
      const okSec = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
      const podSec = okSec(psc.seccompProfile?.type);
      const sc = who((c) =>
        c.securityContext?.seccompProfile?.type ? !okSec(c.securityContext.seccompProfile.type) : !podSec,
      );
      if (sc.length)
        fails.push(
          `seccompProfile (pod or ${list(sc)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
        );
    }
    if (fails.length)
      throw new ApiError(
        403,
        "Forbidden",
        `pods "${pod.metadata.name}" is forbidden: violates PodSecurity "${level}:latest": ${fails.join(", ")}`,
      );
  }

  /** Usage of quota-tracked resources in a namespace (optionally with an extra pod). */
  quotaUsage(ns: string, hard: Record<string, unknown>): Record<string, number> {
    const used: Record<string, number> = {};
    const pods = this.list(R.pod, ns).filter((p) => !isTerminal(p));
    for (const key of Object.keys(hard)) {
      let v = 0;
      if (key === "pods" || key === "count/pods") v = pods.length;
      else if (key === "services" || key === "count/services") v = this.list(R.svc, ns).length;
      else if (key === "services.loadbalancers")
        v = this.list(R.svc, ns).filter((s) => s.spec?.type === "LoadBalancer").length;
      else if (key === "services.nodeports")
        v = this.list(R.svc, ns).filter((s) => s.spec?.type === "NodePort").length;
      else if (key === "secrets" || key === "configmaps" || key === "persistentvolumeclaims") {
        const def = RESOURCES.find((x) => x.group === "" && x.name === key);
        v = def ? this.list(def, ns).length : 0;
      } else if (key.startsWith("count/")) {
        const [res, ...g] = key.slice(6).split(".");
        const def = RESOURCES.find((x) => x.name === res && x.group === g.join(".") && !x.virtual);
        v = def ? this.list(def, ns).length : 0;
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

  private checkQuota(def: ResDef, o: Obj): void {
    const ns = o.metadata.namespace;
    for (const q of this.list(R.quota, ns)) {
      const hard: Record<string, string> = q.spec?.hard ?? {};
      const used = this.quotaUsage(ns, hard);
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
                  (c: Obj) =>
                    (isLim ? c.resources?.limits?.[res] : c.resources?.requests?.[res]) === undefined,
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
        for (const key of Object.keys(hard)) {
          if (key === def.name || key === `count/${def.name}${def.group ? `.${def.group}` : ""}`)
            req[key] = 1;
          if (def === R.svc && key === "services.loadbalancers" && o.spec?.type === "LoadBalancer")
            req[key] = 1;
          if (def === R.svc && key === "services.nodeports" && o.spec?.type === "NodePort") req[key] = 1;
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

  /** Full create path used by the API and by controllers. */
  create(def: ResDef, ns: string, body: Obj, opts?: { dryRun?: boolean }): Obj {
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw new ApiError(400, "BadRequest", "the body of the request was in an unknown format");
    if (body.kind && body.kind !== def.kind)
      throw new ApiError(
        400,
        "BadRequest",
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`,
      );
    const o = clone(body);
    o.metadata ??= {};
    const md = o.metadata;
    if (def.namespaced) {
      if (md.namespace && md.namespace !== ns)
        throw new ApiError(
          400,
          "BadRequest",
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      md.namespace = ns;
    } else delete md.namespace;
    if (!md.name && md.generateName) md.name = `${md.generateName}${randSuffix(5)}`;
    if (!md.name)
      throw new ApiError(
        422,
        "Invalid",
        `${def.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: def.kind,
          group: def.group,
          causes: [
            {
              reason: "FieldValueRequired",
              message: "Required value: name or generateName is required",
              field: "metadata.name",
            },
          ],
        },
      );
    if (def.namespaced) {
      const nsObj = this.get(R.ns, "", ns);
      if (!nsObj)
        throw new ApiError(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" });
      if (nsObj.metadata.deletionTimestamp)
        throw new ApiError(
          403,
          "Forbidden",
          `${def.name} "${md.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
          { name: md.name, kind: def.name },
        );
    }
    if (this.get(def, ns, md.name))
      throw new ApiError(
        409,
        "AlreadyExists",
        `${def.name}${def.group ? `.${def.group}` : ""} "${md.name}" already exists`,
        {
          name: md.name,
          group: def.group,
          kind: def.name,
        },
      );
    delete md.resourceVersion;
    delete md.uid;
    delete md.creationTimestamp;
    delete md.deletionTimestamp;
    delete md.managedFields;
    if (def === R.pod) {
      o.spec ??= {};
      this.applyLimitRanges(o);
    }
    this.defaults(def, o);
    this.validate(def, o);
    if (def === R.pod) {
      this.podSecurity(o);
      o.status = { phase: "Pending", qosClass: qosClass(o) };
    }
    if (def === R.deploy || def === R.rs) o.status = {};
    if (o.spec !== undefined && def !== R.ns) md.generation = 1;
    this.checkQuota(def, o);
    if (opts?.dryRun) {
      md.uid = uid();
      md.creationTimestamp = nowIso();
      o.kind = def.kind;
      o.apiVersion = apiVersionOf(def);
      return o;
    }
    const stored = this.insert(def, o);
    if (def === R.pod) this.pods.set(stored.metadata.uid, this.newPodSim(stored));
    return clone(stored);
  }

  update(
    def: ResDef,
    ns: string,
    name: string,
    body: Obj,
    opts?: { subresource?: string; dryRun?: boolean },
  ): Obj {
    const old = this.get(def, ns, name);
    if (!old) throw notFound(def, name);
    if (!body || typeof body !== "object")
      throw new ApiError(400, "BadRequest", "the body of the request was in an unknown format");
    const bmd = body.metadata ?? {};
    if (bmd.name && bmd.name !== name)
      throw new ApiError(
        400,
        "BadRequest",
        `the name of the object (${bmd.name}) does not match the name on the URL (${name})`,
      );
    if (bmd.resourceVersion && bmd.resourceVersion !== old.metadata.resourceVersion)
      throw new ApiError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${def.name}${def.group ? `.${def.group}` : ""} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: def.group, kind: def.name },
      );
    if (bmd.uid && bmd.uid !== old.metadata.uid)
      throw new ApiError(
        409,
        "Conflict",
        `Precondition failed: UID in precondition: ${bmd.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    let next: Obj;
    if (opts?.subresource === "status") {
      next = clone(old);
      next.status = clone(body.status);
    } else {
      next = clone(body);
      next.metadata = { ...clone(bmd) };
      const keep = [
        "uid",
        "creationTimestamp",
        "name",
        "namespace",
        "deletionTimestamp",
        "generation",
        "resourceVersion",
      ];
      for (const k of keep) {
        if (old.metadata[k] === undefined) delete next.metadata[k];
        else next.metadata[k] = old.metadata[k];
      }
      if (def.statusSub) next.status = clone(old.status);
      if (def === R.pod) next.spec = { ...next.spec, nodeName: old.spec.nodeName };
      if (def !== R.pod && def !== R.ns && next.spec !== undefined) this.defaults(def, next);
      // Quota usage is the server's to track: an update of the spec keeps what is in use.
      if (def === R.quota && next.status) next.status.used = clone(old.status?.used ?? {});
      if (def === R.ns) next = this.newNamespace(name, next);
      if (def === R.ns) next.status = clone(old.status);
      this.validate(def, next, old);
      const specOf = (o: Obj) => {
        const { metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest } = o;
        return JSON.stringify(rest);
      };
      if (old.metadata.generation !== undefined && specOf(next) !== specOf(old))
        next.metadata.generation = old.metadata.generation + 1;
    }
    next.kind = def.kind;
    next.apiVersion = apiVersionOf(def);
    if (JSON.stringify(next) === JSON.stringify(old)) return clone(old);
    if (opts?.dryRun) return next;
    const stored = this.replace(def, next, old);
    if (def === R.pod) this.syncPodImages(stored);
    return clone(stored);
  }

  /** Server-side apply, simplified to create-or-merge. */
  apply(def: ResDef, ns: string, name: string, body: Obj, opts?: { dryRun?: boolean }): Obj {
    const old = this.get(def, ns, name);
    if (!body?.metadata?.name) body.metadata = { ...(body.metadata ?? {}), name };
    if (body.metadata.name !== name)
      throw new ApiError(
        400,
        "BadRequest",
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (!old) return this.create(def, ns, body, opts);
    const merged = strategicMergePatch(old, body) as Obj;
    merged.metadata.resourceVersion = old.metadata.resourceVersion;
    return this.update(def, ns, name, merged, opts);
  }

  delete(
    def: ResDef,
    ns: string,
    name: string,
    opts?: { propagationPolicy?: string; dryRun?: boolean; preconditions?: Obj },
  ): Obj {
    const old = this.get(def, ns, name);
    if (!old) throw notFound(def, name);
    const pre = opts?.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw new ApiError(
        409,
        "Conflict",
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw new ApiError(
        409,
        "Conflict",
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    if (opts?.dryRun) return clone(old);
    if (def === R.ns) {
      if (["default", "kube-system", "kube-public"].includes(name))
        throw new ApiError(
          403,
          "Forbidden",
          `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        );
      const m = this.mutate(R.ns, "", name, (o) => {
        o.metadata.deletionTimestamp ??= nowIso();
        o.status = { phase: "Terminating" };
      });
      return clone(m ?? old);
    }
    const orphan = opts?.propagationPolicy === "Orphan";
    this.cascade(old.metadata.uid, orphan);
    const gone = this.remove(def, ns, name) ?? old;
    if (def === R.pod || def === R.ns) return gone;
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name, group: def.group, kind: def.name, uid: old.metadata.uid },
    };
  }

  private cascade(ownerUid: string, orphan: boolean): void {
    for (const def of [R.rs, R.pod]) {
      for (const o of this.list(def)) {
        if (!isControlledBy(o, ownerUid)) continue;
        if (orphan) {
          this.mutate(def, o.metadata.namespace, o.metadata.name, (x) => {
            x.metadata.ownerReferences = x.metadata.ownerReferences.filter(
              (ref: Obj) => ref.uid !== ownerUid,
            );
            if (!x.metadata.ownerReferences.length) delete x.metadata.ownerReferences;
          });
        } else {
          this.cascade(o.metadata.uid, false);
          this.remove(def, o.metadata.namespace, o.metadata.name);
        }
      }
    }
  }

  // ---------------- controllers ----------------
  private queueReconcile(): void {
    if (this.reconcileQueued || this.inReconcile) return;
    this.reconcileQueued = true;
    setImmediate(() => {
      this.reconcileQueued = false;
      this.reconcile(Date.now());
    });
  }

  tick(now: number): void {
    const dt = Math.min(5000, now - this.lastTick);
    this.lastTick = now;
    if (this.pods.size) this.kubeletTick(now, dt);
    if (this.dirty || this.pods.size || this.rsBackoff.size) this.reconcile(now);
  }

  reconcile(now: number): void {
    if (this.inReconcile) return;
    this.inReconcile = true;
    try {
      for (let i = 0; i < 5; i++) {
        this.dirty = false;
        this.namespaceController();
        this.deploymentController();
        this.replicaSetController(now);
        this.scheduler(now);
        this.kubeletTransitions(now);
        this.statusControllers();
        if (!this.dirty) break;
      }
    } finally {
      this.inReconcile = false;
    }
  }

  private namespaceController(): void {
    for (const ns of this.list(R.ns)) {
      const name = ns.metadata.name;
      if (ns.metadata.deletionTimestamp) {
        for (const def of RESOURCES) {
          if (!def.namespaced || def.virtual) continue;
          for (const o of this.list(def, name)) this.remove(def, name, o.metadata.name);
        }
        this.remove(R.ns, "", name);
        continue;
      }
      if (!this.get(R.sa, name, "default"))
        this.insert(R.sa, { metadata: { name: "default", namespace: name } });
    }
  }

  private deploymentController(): void {
    for (const d of this.list(R.deploy)) {
      const ns = d.metadata.namespace;
      const tmpl = d.spec.template ?? {};
      const hash = templateHash(tmpl);
      const owned = this.list(R.rs, ns).filter((rs) => isControlledBy(rs, d.metadata.uid));
      const desired = d.spec.replicas ?? 1;
      let cur = owned.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
      const revision = Math.max(
        0,
        ...owned.map((rs) => Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0)),
      );
      if (!cur) {
        const labels = { ...(tmpl.metadata?.labels ?? {}), "pod-template-hash": hash };
        const sel = clone(d.spec.selector ?? {});
        sel.matchLabels = { ...(sel.matchLabels ?? {}), "pod-template-hash": hash };
        const rsTmpl = clone(tmpl);
        rsTmpl.metadata = { ...(rsTmpl.metadata ?? {}), labels };
        try {
          cur = this.create(R.rs, ns, {
            metadata: {
              name: `${d.metadata.name}-${hash}`,
              namespace: ns,
              labels,
              annotations: {
                "deployment.kubernetes.io/desired-replicas": String(desired),
                "deployment.kubernetes.io/max-replicas": String(desired + Math.ceil(desired * 0.25)),
                "deployment.kubernetes.io/revision": String(revision + 1),
              },
              ownerReferences: [ownerRef(R.deploy, d)],
            },
            spec: { replicas: desired, selector: sel, template: rsTmpl },
          });
          this.recordEvent(
            R.deploy,
            d,
            "Normal",
            "ScalingReplicaSet",
            `Scaled up replica set ${cur.metadata.name} from 0 to ${desired}`,
            "deployment-controller",
          );
        } catch (e) {
          this.recordEvent(
            R.deploy,
            d,
            "Warning",
            "FailedCreate",
            `Failed to create new replica set "${d.metadata.name}-${hash}": ${(e as Error).message}`,
            "deployment-controller",
          );
          continue;
        }
        this.mutate(R.deploy, ns, d.metadata.name, (x) => {
          x.metadata.annotations = {
            ...(x.metadata.annotations ?? {}),
            "deployment.kubernetes.io/revision": String(revision + 1),
          };
        });
      } else if ((cur.spec.replicas ?? 1) !== desired) {
        const from = cur.spec.replicas ?? 1;
        this.mutate(R.rs, ns, cur.metadata.name, (x) => {
          x.spec.replicas = desired;
          x.metadata.annotations = {
            ...(x.metadata.annotations ?? {}),
            "deployment.kubernetes.io/desired-replicas": String(desired),
          };
        });
        this.recordEvent(
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
        this.mutate(R.rs, ns, rs.metadata.name, (x) => {
          x.spec.replicas = 0;
        });
        this.recordEvent(
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
        if (!this.list(R.pod, ns).some((p) => isControlledBy(p, rs.metadata.uid)))
          this.remove(R.rs, ns, rs.metadata.name);
      }
    }
  }

  private replicaSetController(now: number): void {
    const byOwner = new Map<string, Obj[]>();
    for (const p of this.list(R.pod)) {
      for (const ref of p.metadata.ownerReferences ?? []) {
        if (ref.kind !== "ReplicaSet") continue;
        const l = byOwner.get(ref.uid) ?? [];
        l.push(p);
        byOwner.set(ref.uid, l);
      }
    }
    for (const rs of this.list(R.rs)) {
      const ns = rs.metadata.namespace;
      const pods = (byOwner.get(rs.metadata.uid) ?? []).filter((p) => !isTerminal(p));
      const desired = rs.spec.replicas ?? 1;
      const diff = desired - pods.length;
      if (diff > 0) {
        const bo = this.rsBackoff.get(rs.metadata.uid);
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
            const pod = this.create(R.pod, ns, body);
            this.recordEvent(
              R.rs,
              rs,
              "Normal",
              "SuccessfulCreate",
              `Created pod: ${pod.metadata.name}`,
              "replicaset-controller",
            );
            this.rsBackoff.delete(rs.metadata.uid);
          } catch (e) {
            this.recordEvent(
              R.rs,
              rs,
              "Warning",
              "FailedCreate",
              `Error creating: ${(e as Error).message}`,
              "replicaset-controller",
            );
            const delay = Math.min(10_000, (bo?.delay ?? 500) * 2);
            this.rsBackoff.set(rs.metadata.uid, { next: now + delay, delay });
            break;
          }
        }
      } else {
        this.rsBackoff.delete(rs.metadata.uid);
        if (diff < 0) {
          const rank = (p: Obj) => (!p.spec.nodeName ? 0 : p.status?.phase !== "Running" ? 1 : 2);
          const victims = [...pods].sort((a, b) => rank(a) - rank(b)).slice(0, -diff);
          for (const p of victims) {
            this.remove(R.pod, ns, p.metadata.name);
            this.recordEvent(
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
    for (const k of this.rsBackoff.keys())
      if (!this.list(R.rs).some((rs) => rs.metadata.uid === k)) this.rsBackoff.delete(k);
  }

  private statusControllers(): void {
    const ready = (p: Obj) =>
      (p.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True");
    const podsByOwner = new Map<string, Obj[]>();
    for (const p of this.list(R.pod)) {
      if (isTerminal(p)) continue;
      for (const ref of p.metadata.ownerReferences ?? []) {
        const l = podsByOwner.get(ref.uid) ?? [];
        l.push(p);
        podsByOwner.set(ref.uid, l);
      }
    }
    for (const rs of this.list(R.rs)) {
      const pods = podsByOwner.get(rs.metadata.uid) ?? [];
      const nready = pods.filter(ready).length;
      this.mutate(R.rs, rs.metadata.namespace, rs.metadata.name, (x) => {
        x.status = {
          replicas: pods.length,
          fullyLabeledReplicas: pods.length,
          ...(nready ? { readyReplicas: nready, availableReplicas: nready } : {}),
          observedGeneration: x.metadata.generation,
          ...(x.status?.conditions ? { conditions: x.status.conditions } : {}),
        };
      });
    }
    for (const d of this.list(R.deploy)) {
      const ns = d.metadata.namespace;
      const owned = this.list(R.rs, ns).filter((rs) => isControlledBy(rs, d.metadata.uid));
      const hash = templateHash(d.spec.template ?? {});
      const cur = owned.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
      const pods = owned.flatMap((rs) => podsByOwner.get(rs.metadata.uid) ?? []);
      const updated = cur ? (podsByOwner.get(cur.metadata.uid) ?? []) : [];
      const desired = d.spec.replicas ?? 1;
      const available = pods.filter(ready).length;
      const maxUnavail = maxUnavailable(d, desired);
      const isAvailable = available >= desired - maxUnavail;
      const complete = updated.length === desired && pods.length === desired && available >= desired;
      this.mutate(R.deploy, ns, d.metadata.name, (x) => {
        const conds: Obj[] = x.status?.conditions ?? [];
        const now = nowIso();
        const setCond = (type: string, status: string, reason: string, message: string) => {
          const prev = conds.find((c) => c.type === type);
          if (prev && prev.status === status && prev.reason === reason && prev.message === message)
            return prev;
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
        const unavailable = Math.max(
          0,
          pods.length > desired ? pods.length - available : desired - available,
        );
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
    for (const q of this.list(R.quota)) {
      const hard = q.spec?.hard ?? {};
      const used = this.quotaUsage(q.metadata.namespace, hard);
      this.mutate(R.quota, q.metadata.namespace, q.metadata.name, (x) => {
        x.status = {
          hard: { ...hard },
          used: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, formatQuantity(k, v)])),
        };
      });
    }
  }

  // ---------------- scheduler ----------------
  private nodeUsage(): Map<string, { cpu: number; memory: number; gpu: number; pods: number }> {
    const u = new Map<string, { cpu: number; memory: number; gpu: number; pods: number }>();
    for (const p of this.list(R.pod)) {
      const n = p.spec.nodeName;
      if (!n || isTerminal(p)) continue;
      const cur = u.get(n) ?? { cpu: 0, memory: 0, gpu: 0, pods: 0 };
      const rq = podRequests(p);
      cur.cpu += rq.cpu;
      cur.memory += rq.memory;
      cur.gpu += rq.gpu;
      cur.pods += 1;
      u.set(n, cur);
    }
    return u;
  }

  private scheduler(now: number): void {
    const pending = this.list(R.pod).filter((p) => !p.spec.nodeName && !isTerminal(p));
    if (!pending.length) return;
    const nodes = this.list(R.node);
    const usage = this.nodeUsage();
    for (const pod of pending) {
      const sim = this.pods.get(pod.metadata.uid);
      if (!sim) continue;
      const rq = podRequests(pod);
      const reasons = new Map<string, number>();
      const bump = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
      const fits: Obj[] = [];
      for (const node of nodes) {
        const readyCond = (node.status?.conditions ?? []).find((c: Obj) => c.type === "Ready");
        if (node.spec?.unschedulable) {
          bump("node(s) were unschedulable");
          continue;
        }
        if (readyCond?.status !== "True") {
          bump("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
          continue;
        }
        const untolerated = (node.spec?.taints ?? []).find(
          (t: Obj) =>
            (t.effect === "NoSchedule" || t.effect === "NoExecute") &&
            !(pod.spec.tolerations ?? []).some((tol: Obj) => tolerates(tol, t)),
        );
        if (untolerated) {
          bump(`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ""}}`);
          continue;
        }
        if (!nodeSelectorMatches(pod, node)) {
          bump("node(s) didn't match Pod's node affinity/selector");
          continue;
        }
        const alloc = node.status?.allocatable ?? {};
        const used = usage.get(node.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, pods: 0 };
        let ok = true;
        if (used.pods + 1 > parseQuantity(alloc.pods ?? "110")) {
          bump("Too many pods");
          ok = false;
        }
        if (rq.cpu > 0 && used.cpu + rq.cpu > parseQuantity(alloc.cpu ?? "0") + 1e-9) {
          bump("Insufficient cpu");
          ok = false;
        }
        if (rq.memory > 0 && used.memory + rq.memory > parseQuantity(alloc.memory ?? "0")) {
          bump("Insufficient memory");
          ok = false;
        }
        if (rq.gpu > 0 && used.gpu + rq.gpu > parseQuantity(alloc[GPU] ?? "0")) {
          bump(`Insufficient ${GPU}`);
          ok = false;
        }
        if (ok) fits.push(node);
      }
      if (fits.length) {
        // least-allocated scoring: most free cpu fraction
        const score = (n: Obj) => {
          const u = usage.get(n.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, pods: 0 };
          const a = n.status.allocatable;
          const gpuPenalty = rq.gpu === 0 && parseQuantity(a[GPU] ?? "0") > 0 ? 1 : 0; // keep GPU nodes for GPU pods
          return (
            (1 -
              (u.cpu + rq.cpu) / Math.max(parseQuantity(a.cpu), 1e-9) +
              (1 - (u.memory + rq.memory) / Math.max(parseQuantity(a.memory), 1))) /
              2 -
            gpuPenalty
          );
        };
        fits.sort((a, b) => score(b) - score(a));
        const node = fits[0]!;
        const u = usage.get(node.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, pods: 0 };
        u.cpu += rq.cpu;
        u.memory += rq.memory;
        u.gpu += rq.gpu;
        u.pods += 1;
        usage.set(node.metadata.name, u);
        this.bind(pod, node, now);
      } else {
        const detail = [...reasons.entries()]
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([r, n]) => `${n} ${r}`)
          .join(", ");
        const msg = `0/${nodes.length} nodes are available: ${detail || "no nodes available to schedule pods"}.${nodes.length ? ` preemption: 0/${nodes.length} nodes are available: ${nodes.length} No preemption victims found for incoming pod.` : ""}`;
        if (sim.schedMsg === msg && now - sim.schedAt < 30_000) continue;
        sim.schedMsg = msg;
        sim.schedAt = now;
        const updated = this.mutate(R.pod, pod.metadata.namespace, pod.metadata.name, (x) => {
          x.status.conditions = [
            {
              type: "PodScheduled",
              status: "False",
              lastProbeTime: null,
              lastTransitionTime: x.status.conditions?.[0]?.lastTransitionTime ?? nowIso(),
              reason: "Unschedulable",
              message: msg,
            },
          ];
        });
        this.recordEvent(R.pod, updated ?? pod, "Warning", "FailedScheduling", msg, "default-scheduler");
      }
    }
  }

  private bind(pod: Obj, node: Obj, now: number): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim) return;
    const hostIP = (node.status.addresses ?? []).find((a: Obj) => a.type === "InternalIP")?.address;
    const cidr: string = node.spec?.podCIDR ?? "10.244.0.0/24";
    const podIP = `${cidr.split(".").slice(0, 3).join(".")}.${2 + (this.ipCounter++ % 250)}`;
    const t = nowIso();
    const bound = this.mutate(R.pod, pod.metadata.namespace, pod.metadata.name, (x) => {
      x.spec.nodeName = node.metadata.name;
      x.status = {
        phase: "Pending",
        conditions: [
          { type: "PodReadyToStartContainers", status: "False", lastProbeTime: null, lastTransitionTime: t },
          { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: t },
          {
            type: "Ready",
            status: "False",
            lastProbeTime: null,
            lastTransitionTime: t,
            reason: "ContainersNotReady",
            message: `containers with unready status: [${sim.containers.map((c) => c.name).join(" ")}]`,
          },
          {
            type: "ContainersReady",
            status: "False",
            lastProbeTime: null,
            lastTransitionTime: t,
            reason: "ContainersNotReady",
            message: `containers with unready status: [${sim.containers.map((c) => c.name).join(" ")}]`,
          },
          { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: t },
        ],
        hostIP,
        hostIPs: hostIP ? [{ ip: hostIP }] : [],
        podIP,
        podIPs: [{ ip: podIP }],
        startTime: t,
        containerStatuses: sim.containers.map((c) => ({
          name: c.name,
          state: { waiting: { reason: "ContainerCreating" } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: c.image,
          imageID: "",
          started: false,
        })),
        qosClass: qosClass(x),
      };
    });
    sim.node = node.metadata.name;
    sim.scheduledAt = now;
    const delay = this.startDelay();
    for (const c of sim.containers) {
      c.state = "pulling";
      c.nextAt = now + delay * 0.6;
      c.startAt = now + delay;
    }
    const p = bound ?? pod;
    this.recordEvent(
      R.pod,
      p,
      "Normal",
      "Scheduled",
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`,
      "default-scheduler",
    );
    for (const c of sim.containers)
      this.recordEvent(R.pod, p, "Normal", "Pulling", `Pulling image "${c.specImage}"`, "kubelet", {
        fieldPath: `spec.containers{${c.name}}`,
        host: node.metadata.name,
      });
  }

  private startDelay(): number {
    return this.opts.podStartDelayMs * (0.75 + Math.random() * 0.5);
  }

  // ---------------- kubelet ----------------
  private newPodSim(pod: Obj): PodSim {
    return {
      uid: pod.metadata.uid,
      ns: pod.metadata.namespace,
      name: pod.metadata.name,
      node: pod.spec.nodeName,
      scheduledAt: 0,
      schedAt: 0,
      containers: (pod.spec.containers ?? []).map((c: Obj) => this.newContainerSim(c)),
    };
  }
  private newContainerSim(c: Obj): ContainerSim {
    const image = String(c.image ?? "");
    const lower = image.toLowerCase();
    const mode =
      lower.includes("pullerror") || lower.includes("doesnotexist")
        ? "pull"
        : lower.includes("crashloop")
          ? "crash"
          : "ok";
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const cpuBase = parseQuantity(req.cpu ?? lim.cpu ?? "100m");
    const memBase = parseQuantity(lim.memory ?? req.memory ?? "256Mi");
    return {
      name: c.name,
      specImage: image,
      image: normalizeImage(image),
      mode,
      state: "waiting",
      nextAt: 0,
      startAt: 0,
      startedAt: 0,
      restartCount: 0,
      containerID: `containerd://${hex(32)}`,
      logs: [],
      previous: [],
      subs: new Set(),
      lastLogAt: 0,
      cpuBase,
      cpuLimit: lim.cpu !== undefined ? parseQuantity(lim.cpu) : undefined,
      memLimit: lim.memory !== undefined ? parseQuantity(lim.memory) : undefined,
      cpuFrac: 0.1 + Math.random() * 0.3,
      mem: memBase * (0.1 + Math.random() * 0.1),
      memTarget: memBase * (0.35 + Math.random() * 0.35),
      port: c.ports?.[0]?.containerPort ?? 8080,
      backoffMs: 0,
    };
  }

  private forgetPod(pod: Obj): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim) return;
    for (const c of sim.containers) for (const s of c.subs) s.end();
    this.pods.delete(pod.metadata.uid);
  }

  private syncPodImages(pod: Obj): void {
    const sim = this.pods.get(pod.metadata.uid);
    if (!sim) return;
    for (const c of pod.spec.containers ?? []) {
      const cs = sim.containers.find((x) => x.name === c.name);
      if (cs && cs.specImage !== c.image) {
        const fresh = this.newContainerSim(c);
        Object.assign(cs, {
          specImage: fresh.specImage,
          image: fresh.image,
          mode: fresh.mode,
          state: "pulling",
          nextAt: Date.now() + this.startDelay() * 0.6,
          startAt: Date.now() + this.startDelay(),
        });
      }
    }
  }

  /** State machine transitions (cheap; run on every reconcile). */
  private kubeletTransitions(now: number): void {
    for (const sim of this.pods.values()) {
      if (!sim.node || sim.scheduledAt === 0) continue;
      let changed = false;
      const pod = this.get(R.pod, sim.ns, sim.name);
      if (!pod) continue;
      const host = sim.node;
      const ev = (type: "Normal" | "Warning", reason: string, msg: string, c: ContainerSim) =>
        this.recordEvent(R.pod, pod, type, reason, msg, "kubelet", {
          fieldPath: `spec.containers{${c.name}}`,
          host,
        });
      for (const c of sim.containers) {
        if (now < c.nextAt) continue;
        switch (c.state) {
          case "pulling":
            if (c.mode === "pull") {
              c.state = "errimagepull";
              c.backoffMs = c.backoffMs
                ? Math.min(c.backoffMs * 2, 20_000)
                : Math.max(200, this.opts.podStartDelayMs * 2);
              c.nextAt = now + c.backoffMs / 2;
              ev(
                "Warning",
                "Failed",
                `Failed to pull image "${c.specImage}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": ${c.image}: not found`,
                c,
              );
              ev("Warning", "Failed", "Error: ErrImagePull", c);
            } else {
              c.state = "pulled";
              c.nextAt = c.startAt;
              const ms = Math.round(c.startAt - c.nextAt + 300 + Math.random() * 2000);
              if (c.restartCount === 0)
                ev(
                  "Normal",
                  "Pulled",
                  `Successfully pulled image "${c.specImage}" in ${ms}ms (${ms}ms including waiting). Image size: ${Math.round(20 + Math.random() * 180) * 1048576 + 123456} bytes.`,
                  c,
                );
              else ev("Normal", "Pulled", `Container image "${c.specImage}" already present on machine`, c);
              continue; // started at startAt
            }
            changed = true;
            break;
          case "errimagepull":
            c.state = "imagepullbackoff";
            c.nextAt = now + c.backoffMs;
            ev("Normal", "BackOff", `Back-off pulling image "${c.specImage}"`, c);
            ev("Warning", "Failed", "Error: ImagePullBackOff", c);
            changed = true;
            break;
          case "imagepullbackoff":
            c.state = "pulling";
            c.nextAt = now;
            ev("Normal", "Pulling", `Pulling image "${c.specImage}"`, c);
            break;
          case "pulled":
          case "crashbackoff":
            if (c.state === "crashbackoff")
              ev("Normal", "Pulled", `Container image "${c.specImage}" already present on machine`, c);
            c.state = "running";
            c.startedAt = now;
            c.lastLogAt = now;
            c.containerID = `containerd://${hex(32)}`;
            if (c.logs.length) c.previous = c.logs;
            c.logs = [];
            for (const line of startupLines(c)) this.appendLog(c, line, now);
            ev("Normal", "Created", `Created container ${c.name}`, c);
            ev("Normal", "Started", `Started container ${c.name}`, c);
            c.nextAt =
              c.mode === "crash"
                ? now + Math.max(150, this.opts.podStartDelayMs * 1.5)
                : Number.POSITIVE_INFINITY;
            changed = true;
            break;
          case "running":
            if (c.mode === "crash") {
              for (const line of crashLines(c)) this.appendLog(c, line, now);
              c.restartCount++;
              c.finishedAt = now;
              c.state = "crashbackoff";
              c.backoffMs = Math.min(
                20_000,
                Math.max(200, this.opts.podStartDelayMs * 2) * 2 ** (c.restartCount - 1),
              );
              c.nextAt = now + c.backoffMs;
              for (const s of c.subs) s.end();
              c.subs.clear();
              if (pod.spec.restartPolicy !== "Never")
                ev(
                  "Warning",
                  "BackOff",
                  `Back-off restarting failed container ${c.name} in pod ${sim.name}_${sim.ns}(${sim.uid})`,
                  c,
                );
              changed = true;
            }
            break;
        }
      }
      if (changed) this.writePodStatus(sim, now);
    }
  }

  private writePodStatus(sim: PodSim, _now: number): void {
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
    this.mutate(R.pod, sim.ns, sim.name, (x) => {
      const t = nowIso();
      const never = x.spec.restartPolicy === "Never";
      const statuses = sim.containers.map((c) => {
        const prev = (x.status.containerStatuses ?? []).find((s: Obj) => s.name === c.name) ?? {};
        let state: Obj;
        let lastState: Obj = prev.lastState ?? {};
        const imageID =
          c.mode === "pull"
            ? ""
            : `${c.image.replace(/:[^:/]+$/, "")}@sha256:${templateHash(c.image).padEnd(64, "0")}`;
        switch (c.state) {
          case "running":
            state = { running: { startedAt: iso(c.startedAt) } };
            break;
          case "crashbackoff": {
            const term = {
              exitCode: 1,
              reason: "Error",
              startedAt: iso(c.startedAt),
              finishedAt: iso(c.finishedAt ?? Date.now()),
              containerID: c.containerID,
            };
            if (never) state = { terminated: term };
            else {
              state = {
                waiting: {
                  reason: "CrashLoopBackOff",
                  message: `back-off ${Math.round(c.backoffMs / 1000) || 1}s restarting failed container=${c.name} pod=${sim.name}_${sim.ns}(${sim.uid})`,
                },
              };
              lastState = { terminated: term };
            }
            break;
          }
          case "errimagepull":
            state = {
              waiting: {
                reason: "ErrImagePull",
                message: `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": ${c.image}: not found`,
              },
            };
            break;
          case "imagepullbackoff":
            state = {
              waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.specImage}"` },
            };
            break;
          default:
            state = prev.state ?? { waiting: { reason: "ContainerCreating" } };
        }
        const running = c.state === "running";
        return {
          name: c.name,
          state,
          lastState,
          ready: running,
          restartCount: c.restartCount,
          image: c.image,
          imageID,
          ...(running || c.state === "crashbackoff" ? { containerID: c.containerID } : {}),
          started: running,
        };
      });
      const allReady = statuses.every((s) => s.ready);
      const anyStarted = sim.containers.some((c) => c.startedAt > 0);
      const failed = never && sim.containers.some((c) => c.state === "crashbackoff");
      x.status.phase = failed ? "Failed" : anyStarted ? "Running" : "Pending";
      x.status.containerStatuses = statuses;
      const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
      const setCond = (type: string, ok: boolean) => {
        const c = (x.status.conditions ?? []).find((cc: Obj) => cc.type === type);
        if (!c) return;
        const status = ok ? "True" : "False";
        if (c.status !== status) c.lastTransitionTime = t;
        c.status = status;
        if (ok) {
          delete c.reason;
          delete c.message;
        } else if (type !== "PodReadyToStartContainers") {
          c.reason = "ContainersNotReady";
          c.message = `containers with unready status: [${unready.join(" ")}]`;
        }
      };
      setCond("PodReadyToStartContainers", true);
      setCond("Ready", allReady);
      setCond("ContainersReady", allReady);
    });
  }

  appendLog(c: ContainerSim, text: string, at: number): void {
    const line = { t: at, ns: Math.floor(Math.random() * 1e6), text };
    c.logs.push(line);
    if (c.logs.length > 5500) c.logs.splice(0, c.logs.length - 5000);
    for (const s of c.subs) s.line(line);
  }

  /** Periodic work: usage random walk and log lines for running containers. */
  private kubeletTick(now: number, dtMs: number): void {
    const dt = dtMs / 1000;
    for (const sim of this.pods.values()) {
      for (const c of sim.containers) {
        if (c.state !== "running") continue;
        // cpu: smooth random walk between 10% and 70% of the request (capped by the limit)
        c.cpuFrac += (Math.random() - 0.5) * 0.15 * Math.sqrt(dt) + (0.35 - c.cpuFrac) * 0.02 * dt;
        c.cpuFrac = Math.min(0.7, Math.max(0.1, c.cpuFrac));
        // memory: grows towards a plateau with small noise
        c.mem +=
          (c.memTarget - c.mem) * Math.min(1, 0.05 * dt) +
          (Math.random() - 0.5) * c.memTarget * 0.004 * Math.sqrt(dt);
        if (c.memLimit) c.mem = Math.min(c.mem, c.memLimit * 0.95);
        c.mem = Math.max(c.mem, 1024 * 1024);
        // logs: ~2-3 lines a second
        while (c.lastLogAt + 400 <= now) {
          c.lastLogAt += 150 + Math.random() * 500;
          if (c.lastLogAt > now) break;
          this.appendLog(c, makeLogLine(c), c.lastLogAt);
        }
      }
    }
  }

  /** Current usage of a running container (cores, bytes). */
  usage(c: ContainerSim): { cpu: number; memory: number } {
    let cpu = c.cpuBase * c.cpuFrac;
    if (c.cpuLimit !== undefined) cpu = Math.min(cpu, c.cpuLimit * 0.95);
    return { cpu, memory: c.mem };
  }
}

function notFound(def: ResDef, name: string): ApiError {
  return new ApiError(404, "NotFound", `${def.name}${def.group ? `.${def.group}` : ""} "${name}" not found`, {
    name,
    group: def.group,
    kind: def.name,
  });
}

export { notFound };

function ownerRef(def: ResDef, o: Obj): Obj {
  return {
    apiVersion: apiVersionOf(def),
    kind: def.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function qosClass(pod: Obj): string {
  const cs: Obj[] = pod.spec?.containers ?? [];
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const rq = c.resources?.requests ?? {};
    const lm = c.resources?.limits ?? {};
    if (Object.keys(rq).length || Object.keys(lm).length) any = true;
    for (const k of ["cpu", "memory"]) {
      if (lm[k] === undefined || parseQuantity(rq[k] ?? lm[k]) !== parseQuantity(lm[k])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function maxUnavailable(d: Obj, desired: number): number {
  const mu = d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? "25%";
  if (typeof mu === "number") return mu;
  const m = /^(\d+)%$/.exec(String(mu));
  return m ? Math.floor((desired * Number(m[1])) / 100) : Number(mu) || 0;
}

function tolerates(tol: Obj, taint: Obj): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === "Exists") return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? "") === (taint.value ?? "");
}

function nodeSelectorMatches(pod: Obj, node: Obj): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms: Obj[] | undefined =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms?.length) {
    return terms.some((t) => {
      const exprs = (t.matchExpressions ?? []).map((e: Obj) => ({
        ...e,
        operator: e.operator === "DoesNotExist" ? "DoesNotExist" : e.operator,
      }));
      const gtLt = exprs.filter((e: Obj) => e.operator === "Gt" || e.operator === "Lt");
      for (const e of gtLt) {
        const v = Number(labels[e.key]);
        const ref = Number(e.values?.[0]);
        if (Number.isNaN(v) || (e.operator === "Gt" ? !(v > ref) : !(v < ref))) return false;
      }
      return matchLabels(
        selectorObjToReqs({
          matchExpressions: exprs.filter((e: Obj) => e.operator !== "Gt" && e.operator !== "Lt"),
        }),
        labels,
      );
    });
  }
  return true;
}

export { findRes };
