// Admission for writes, in kube-apiserver's order: mutating admission (LimitRanger defaults,
// per-kind defaulting), object validation (422 Invalid with field causes), then validating
// admission (PodSecurity, ResourceQuota in quota.ts). registry.ts calls admitCreate for every
// create (API and controllers alike); updates run defaults() and validate() there.
// Order reference: https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/
import { ApiError } from "./errors";
import { ING, ING_CLASS } from "./ingress-nginx";
import { allocateNodePorts } from "./node-ports";
import { admitPodSecurity, warnPodTemplateSecurity } from "./pod-security";
import { qosClass } from "./pods";
import { checkQuota } from "./quota";
import { R, type ResDef } from "./resources";
import { defaultStorageClass } from "./storage-classes";
import type { Store } from "./store";
import { type Obj, parseQuantity } from "./util";
import { defaultKinds } from "./validation/defaults";
import { validateObject } from "./validation/validate-object";

/**
 * The admission chain of a create, after the registry has checked the request (body, name,
 * namespace, conflicts) and before it stores the object. Mutates `o`; throws ApiError to refuse.
 */
export const PVC_PROTECTION = "kubernetes.io/pvc-protection";
export const PV_PROTECTION = "kubernetes.io/pv-protection";

export function admitCreate(store: Store, def: ResDef, o: Obj): void {
  const md = o.metadata;
  if (def === R.pod) {
    o.spec ??= {};
    applyLimitRanges(store, o);
  }
  // A Service's status is the server's (PrepareForCreate resets it).
  if (def === R.svc) delete o.status;
  if (def === ING) defaultIngressClass(store, o);
  defaults(store, def, o);
  admitStorage(store, def, o);
  validate(def, o);
  if (def === R.pod) {
    podSecurity(store, o);
    o.status = { phase: "Pending", qosClass: qosClass(o) };
  }
  if (def === R.deploy || def === R.rs) {
    podSecurity(store, o, def);
    o.status = {};
  }
  if (o.spec !== undefined && def !== R.ns) md.generation = 1;
  checkQuota(store, def, o);
}

/**
 * The DefaultIngressClass admission plugin (on create only): an Ingress without
 * `spec.ingressClassName` and without the legacy `kubernetes.io/ingress.class` annotation gets the
 * class annotated `ingressclass.kubernetes.io/is-default-class: "true"`, the newest one when several
 * are (plugin/pkg/admission/network/defaultingressclass/admission.go).
 */
function defaultIngressClass(store: Store, o: Obj): void {
  if (o.spec?.ingressClassName != null) return;
  if (o.metadata?.annotations?.["kubernetes.io/ingress.class"] !== undefined) return;
  const defaults = store
    .list(ING_CLASS)
    .filter((c) => c.metadata.annotations?.["ingressclass.kubernetes.io/is-default-class"] === "true")
    .sort((a, b) =>
      a.metadata.creationTimestamp === b.metadata.creationTimestamp
        ? a.metadata.name < b.metadata.name
          ? -1
          : 1
        : a.metadata.creationTimestamp > b.metadata.creationTimestamp
          ? -1
          : 1,
    );
  if (defaults[0]) {
    o.spec ??= {};
    o.spec.ingressClassName = defaults[0].metadata.name;
  }
}

/**
 * The storage admission plugins of a default kube-apiserver: DefaultStorageClass gives a claim
 * without `storageClassName` (absent, not "") the default class, StorageObjectInUseProtection adds
 * the protection finalizers the pvc-protection and pv-protection controllers later remove.
 * plugin/pkg/admission/storage/{storageclass/setdefault,storageobjectinuseprotection}
 */
function admitStorage(store: Store, def: ResDef, o: Obj): void {
  const protect = def === R.pvc ? PVC_PROTECTION : def === R.pv ? PV_PROTECTION : undefined;
  if (!protect) return;
  if (def === R.pvc && o.spec && o.spec.storageClassName === undefined) {
    const sc = defaultStorageClass(store);
    if (sc) o.spec.storageClassName = sc.metadata.name;
  }
  const fin: string[] = o.metadata.finalizers ?? [];
  if (!fin.includes(protect)) o.metadata.finalizers = [...fin, protect];
}

/** Object validation (validation/validate-object.ts), after defaulting the kinds defaults() skips. */
export function validate(def: ResDef, o: Obj, old?: Obj): void {
  defaultKinds(def, o);
  validateObject(def, o, old);
}

function defaultPodSpec(spec: Obj): void {
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

export function defaults(store: Store, def: ResDef, o: Obj): void {
  if (def === R.pod) {
    defaultPodSpec(o.spec);
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
    defaultPodSpec(o.spec.template.spec);
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
      store.ipCounter++;
      s.clusterIP = `10.96.${Math.floor(store.ipCounter / 250) % 250}.${(store.ipCounter % 250) + 2}`;
    }
    if (s.clusterIP) s.clusterIPs ??= [s.clusterIP];
    for (const p of s.ports ?? []) {
      p.protocol ??= "TCP";
      p.targetPort ??= p.port;
    }
    allocateNodePorts(store, o);
    if (s.type === "LoadBalancer") s.externalTrafficPolicy ??= "Cluster";
    // The address of a LoadBalancer is its cloud controller's to publish (service-lb.ts), on an update
    // too: what is there stays.
    o.status ??= { loadBalancer: {} };
  }
  if (def === R.ns) newNamespace(o.metadata.name, o);
  if (def === R.sa) o.secrets ??= undefined;
  if (def === R.quota) o.status = { hard: { ...(o.spec?.hard ?? {}) }, used: {} };
}

export function newNamespace(name: string, body?: Obj): Obj {
  const o = body ?? { metadata: { name } };
  o.metadata.labels = { ...(o.metadata.labels ?? {}), "kubernetes.io/metadata.name": name };
  o.spec = { finalizers: ["kubernetes"], ...(o.spec ?? {}) };
  o.status = { phase: "Active" };
  return o;
}

function applyLimitRanges(store: Store, pod: Obj): void {
  const ranges = store.list(R.lr, pod.metadata.namespace);
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

/** Pod Security admission (pod-security.ts): enforce on pods; warnings for pods and workload templates. */
export function podSecurity(store: Store, o: Obj, def: ResDef = R.pod): void {
  if (def === R.pod) admitPodSecurity(store, o);
  else if (def === R.deploy || def === R.rs) warnPodTemplateSecurity(store, o);
}
