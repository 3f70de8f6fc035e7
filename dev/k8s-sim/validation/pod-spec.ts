// Pod spec validation (Pods and the pod templates of Deployments/ReplicaSets), after
// pkg/apis/core/validation/validation.go: ValidatePodSpec, validateContainers,
// validateContainerPorts, ValidateResourceRequirements, validateContainerResourceName,
// ValidateNonnegativeQuantity. Only the rules a KubeBid workload can hit are modelled.
import type { Obj } from "../util";
import { goQuantity, isIntegerResourceName } from "./core";
import { child, type FieldError, fe, idx, key } from "./field-errors";
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  validateLabels,
} from "./names";
import { parseQuantityStrict } from "./quantity";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);

/** requests must equal limits for these (helper.IsOvercommitAllowed is false for extended resources). */
// helper.IsOvercommitAllowed: native (no domain, or kubernetes.io/) and not hugepages.
function overcommitAllowed(name: string): boolean {
  const native = !name.includes("/") || name.startsWith("kubernetes.io/");
  return native && !name.startsWith("hugepages-");
}

function validateResourceName(name: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of isQualifiedName(name)) errs.push(fe.invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes("/")) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith("hugepages-"))
      errs.push(fe.invalid(path, name, "must be a standard resource for containers"));
  } else if (name.startsWith("kubernetes.io/") || name.startsWith("requests.")) {
    errs.push(fe.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateResources(res: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = child(path, "limits");
  const reqPath = child(path, "requests");
  const lims: Obj = res?.limits ?? {};
  const reqs: Obj = res?.requests ?? {};
  for (const [k, v] of Object.entries(lims)) {
    const p = key(limPath, k);
    errs.push(...validateResourceName(k, p));
    const q = parseQuantityStrict(v);
    if (q.ok && q.value < 0) errs.push(fe.invalid(p, q.text, "must be greater than or equal to 0"));
    if (q.ok && isIntegerResourceName(k) && Math.round(q.value * 1000) % 1000 !== 0)
      errs.push(fe.invalid(p, goQuantity(q.text), "must be an integer"));
  }
  for (const [k, v] of Object.entries(reqs)) {
    const p = key(reqPath, k);
    errs.push(...validateResourceName(k, p));
    const q = parseQuantityStrict(v);
    if (!q.ok) continue;
    if (q.value < 0) errs.push(fe.invalid(p, q.text, "must be greater than or equal to 0"));
    if (isIntegerResourceName(k) && Math.round(q.value * 1000) % 1000 !== 0)
      errs.push(fe.invalid(p, goQuantity(q.text), "must be an integer"));
    const l = lims[k] !== undefined ? parseQuantityStrict(lims[k]) : undefined;
    if (l?.ok) {
      // "For non overcommitable resources, not only requests can't exceed limits, they also can't be
      // lower, i.e. must be equal." The field is the requests map itself, not the key.
      if (q.value !== l.value && !overcommitAllowed(k))
        errs.push(fe.invalid(reqPath, q.text, `must be equal to ${k} limit of ${l.text}`));
      else if (q.value > l.value)
        errs.push(fe.invalid(reqPath, q.text, `must be less than or equal to ${k} limit of ${l.text}`));
    } else if (lims[k] === undefined && !overcommitAllowed(k)) {
      errs.push(fe.required(limPath, "Limit must be set for non overcommitable resources"));
    }
  }
  return errs;
}

function validateContainer(c: Obj, path: string, names: Set<string>, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const name = c?.name;
  if (!name) errs.push(fe.required(child(path, "name"), ""));
  else {
    const m = isDNS1123Label(name);
    for (const x of m) errs.push(fe.invalid(child(path, "name"), name, x));
    if (!m.length && names.has(name)) errs.push(fe.duplicate(child(path, "name"), name));
    names.add(name);
  }
  if (!c?.image) errs.push(fe.required(child(path, "image"), ""));
  if (c?.imagePullPolicy !== undefined && !["Always", "IfNotPresent", "Never"].includes(c.imagePullPolicy))
    errs.push(
      fe.notSupported(child(path, "imagePullPolicy"), c.imagePullPolicy, ["Always", "IfNotPresent", "Never"]),
    );
  // validateContainerPorts: names are IANA_SVC_NAMEs, unique within the container.
  const portNames = new Set<string>();
  (c?.ports ?? []).forEach((p: Obj, i: number) => {
    const pp = idx(child(path, "ports"), i);
    if (p?.name) {
      const msgs = isValidPortName(p.name);
      if (msgs.length) for (const m of msgs) errs.push(fe.invalid(child(pp, "name"), p.name, m));
      else if (portNames.has(p.name)) errs.push(fe.duplicate(child(pp, "name"), p.name));
      else portNames.add(p.name);
    }
    if (!p?.containerPort) errs.push(fe.required(child(pp, "containerPort"), ""));
    else
      for (const m of isValidPortNum(p.containerPort))
        errs.push(fe.invalid(child(pp, "containerPort"), p.containerPort, m));
    if (p?.hostPort)
      for (const m of isValidPortNum(p.hostPort)) errs.push(fe.invalid(child(pp, "hostPort"), p.hostPort, m));
    if (!p?.protocol) errs.push(fe.required(child(pp, "protocol"), ""));
    else if (!PROTOCOLS.includes(p.protocol))
      errs.push(fe.notSupported(child(pp, "protocol"), p.protocol, PROTOCOLS));
  });
  (c?.env ?? []).forEach((e: Obj, i: number) => {
    if (!e?.name) errs.push(fe.required(child(idx(child(path, "env"), i), "name"), ""));
  });
  errs.push(...validateResources(c?.resources, child(path, "resources")));
  (c?.volumeMounts ?? []).forEach((m: Obj, i: number) => {
    const mp = idx(child(path, "volumeMounts"), i);
    if (!m?.name) errs.push(fe.required(child(mp, "name"), ""));
    else if (!volumes.has(m.name)) errs.push(fe.notFound(child(mp, "name"), m.name));
    if (!m?.mountPath) errs.push(fe.required(child(mp, "mountPath"), ""));
  });
  return errs;
}

export interface PodSpecOptions {
  /** Pod templates of Deployments/ReplicaSets only allow restartPolicy Always. */
  template?: boolean;
}

export function validatePodSpec(
  spec: Obj | undefined,
  path: string,
  opts: PodSpecOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = new Set<string>();
  (spec?.volumes ?? []).forEach((v: Obj, i: number) => {
    const vp = idx(child(path, "volumes"), i);
    if (!v?.name) errs.push(fe.required(child(vp, "name"), ""));
    else {
      for (const m of isDNS1123Label(v.name)) errs.push(fe.invalid(child(vp, "name"), v.name, m));
      if (volumes.has(v.name)) errs.push(fe.duplicate(child(vp, "name"), v.name));
      volumes.add(v.name);
    }
    const size = v?.emptyDir?.sizeLimit;
    if (size !== undefined) {
      const q = parseQuantityStrict(size);
      if (q.ok && q.value < 0)
        errs.push(
          fe.invalid(child(child(vp, "emptyDir"), "sizeLimit"), q.text, "must be greater than or equal to 0"),
        );
    }
  });
  const names = new Set<string>();
  (spec?.initContainers ?? []).forEach((c: Obj, i: number) => {
    errs.push(...validateContainer(c, idx(child(path, "initContainers"), i), names, volumes));
  });
  const cs = spec?.containers;
  if (!Array.isArray(cs) || cs.length === 0) errs.push(fe.required(child(path, "containers"), ""));
  else
    for (const [i, c] of cs.entries())
      errs.push(...validateContainer(c, idx(child(path, "containers"), i), names, volumes));
  const rp = spec?.restartPolicy;
  if (opts.template) {
    if (rp !== undefined && rp !== "Always")
      errs.push(fe.notSupported(child(path, "restartPolicy"), rp, ["Always"]));
  } else if (rp !== undefined && !["Always", "OnFailure", "Never"].includes(rp)) {
    errs.push(fe.notSupported(child(path, "restartPolicy"), rp, ["Always", "OnFailure", "Never"]));
  }
  const dp = spec?.dnsPolicy;
  const DNS = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
  if (dp !== undefined && !DNS.includes(dp)) errs.push(fe.notSupported(child(path, "dnsPolicy"), dp, DNS));
  if (spec?.serviceAccountName)
    for (const m of isDNS1123Subdomain(spec.serviceAccountName))
      errs.push(fe.invalid(child(path, "serviceAccountName"), spec.serviceAccountName, m));
  errs.push(...validateLabels(spec?.nodeSelector, child(path, "nodeSelector")));
  (spec?.tolerations ?? []).forEach((t: Obj, i: number) => {
    const tp = idx(child(path, "tolerations"), i);
    const op = t?.operator ?? "Equal";
    if (!["Equal", "Exists"].includes(op))
      errs.push(fe.notSupported(child(tp, "operator"), op, ["Equal", "Exists"]));
    if (op === "Exists" && t?.value)
      errs.push(
        fe.invalid(child(tp, "operator"), t.value, "value must be empty when `operator` is 'Exists'"),
      );
    const EFFECTS = ["NoExecute", "NoSchedule", "PreferNoSchedule"];
    if (t?.effect && !EFFECTS.includes(t.effect))
      errs.push(fe.notSupported(child(tp, "effect"), t.effect, EFFECTS));
  });
  return errs;
}
