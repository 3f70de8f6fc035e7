// Admission for writes, in kube-apiserver's order: mutating admission (LimitRanger defaults,
// per-kind defaulting), object validation (422 Invalid with field causes), then validating
// admission (PodSecurity, ResourceQuota in quota.ts). registry.ts calls admitCreate for every
// create (API and controllers alike); updates run defaults() and validate() there.
// Order reference: https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/
import { ApiError } from "./errors";
import { admitPodSecurity, warnPodTemplateSecurity } from "./pod-security";
import { GPU, qosClass } from "./pods";
import { checkQuota } from "./quota";
import { R, type ResDef } from "./resources";
import type { Store } from "./store";
import {
  clone,
  isValidQuantity,
  matchLabels,
  type Obj,
  parseQuantity,
  selectorObjToReqs,
  validName,
} from "./util";

/**
 * The admission chain of a create, after the registry has checked the request (body, name,
 * namespace, conflicts) and before it stores the object. Mutates `o`; throws ApiError to refuse.
 */
export function admitCreate(store: Store, def: ResDef, o: Obj): void {
  const md = o.metadata;
  if (def === R.pod) {
    o.spec ??= {};
    applyLimitRanges(store, o);
  }
  defaults(store, def, o);
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

export function validate(def: ResDef, o: Obj, old?: Obj): void {
  const causes: Obj[] = [];
  const add = (field: string, type: string, message: string) => causes.push({ reason: type, message, field });
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
      if ((s.type === "NodePort" || s.type === "LoadBalancer") && !p.nodePort)
        p.nodePort = 30000 + Math.floor(Math.random() * 2767);
    }
    if (s.type === "LoadBalancer") s.externalTrafficPolicy ??= "Cluster";
    o.status =
      s.type === "LoadBalancer"
        ? { loadBalancer: { ingress: [{ ip: `203.0.113.${(store.ipCounter % 250) + 2}`, ipMode: "VIP" }] } }
        : { loadBalancer: {} };
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

export function applyLimitRanges(store: Store, pod: Obj): void {
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
