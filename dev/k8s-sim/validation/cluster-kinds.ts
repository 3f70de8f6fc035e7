// StorageClass (pkg/apis/storage/validation/validation.go), HorizontalPodAutoscaler autoscaling/v2
// (pkg/apis/autoscaling/validation/validation.go) and RBAC (pkg/apis/rbac/validation/validation.go:
// ValidatePolicyRule, ValidateRoleBinding(+Update: "cannot change roleRef"), ValidateRoleBindingSubject).
import type { Obj } from "../util";
import { child, type FieldError, fe, GoValue, idx } from "./field-errors";
import { isDNS1123Subdomain, isPathSegmentName, isQualifiedName } from "./names";
import { parseQuantityStrict } from "./quantity";

export function validateStorageClass(o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!o.provisioner) errs.push(fe.required("provisioner", ""));
  else
    for (const m of isQualifiedName(String(o.provisioner).toLowerCase()))
      errs.push(fe.invalid("provisioner", o.provisioner, m));
  if (o.reclaimPolicy !== undefined && !["Delete", "Retain"].includes(o.reclaimPolicy))
    errs.push(fe.notSupported("reclaimPolicy", o.reclaimPolicy, ["Delete", "Retain"]));
  if (
    o.volumeBindingMode !== undefined &&
    !["Immediate", "WaitForFirstConsumer"].includes(o.volumeBindingMode)
  )
    errs.push(
      fe.notSupported("volumeBindingMode", o.volumeBindingMode, ["Immediate", "WaitForFirstConsumer"]),
    );
  if (old) {
    if (JSON.stringify(old.parameters ?? {}) !== JSON.stringify(o.parameters ?? {}))
      errs.push(fe.forbidden("parameters", "updates to parameters are forbidden."));
    if (old.provisioner !== o.provisioner)
      errs.push(fe.forbidden("provisioner", "updates to provisioner are forbidden."));
    if (old.reclaimPolicy !== o.reclaimPolicy)
      errs.push(fe.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    if (old.volumeBindingMode !== o.volumeBindingMode)
      errs.push(fe.invalid("volumeBindingMode", o.volumeBindingMode ?? "", "field is immutable"));
  }
  return errs;
}

const METRIC_TYPES = ["Object", "Pods", "Resource", "External", "ContainerResource"];

function validateMetricTarget(t: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!t?.type) errs.push(fe.required(child(path, "type"), "must specify a metric target type"));
  if (!["Utilization", "Value", "AverageValue"].includes(t?.type))
    errs.push(
      fe.invalid(child(path, "type"), t?.type ?? "", "must be either Utilization, Value, or AverageValue"),
    );
  for (const f of ["value", "averageValue"]) {
    if (t?.[f] === undefined) continue;
    const q = parseQuantityStrict(t[f]);
    if (q.ok && q.value <= 0) errs.push(fe.invalid(child(path, f), q.text, "must be positive"));
  }
  if (t?.averageUtilization !== undefined && t.averageUtilization < 1)
    errs.push(fe.invalid(child(path, "averageUtilization"), t.averageUtilization, "must be greater than 0"));
  return errs;
}

export function validateHPA(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const s = o.spec ?? {};
  if (s.minReplicas !== undefined && s.minReplicas < 1)
    errs.push(fe.invalid("spec.minReplicas", s.minReplicas, "must be greater than or equal to 1"));
  if (!(s.maxReplicas >= 1))
    errs.push(fe.invalid("spec.maxReplicas", s.maxReplicas ?? 0, "must be greater than 0"));
  if (s.minReplicas !== undefined && s.maxReplicas < s.minReplicas)
    errs.push(
      fe.invalid("spec.maxReplicas", s.maxReplicas, "must be greater than or equal to `minReplicas`"),
    );
  const ref = s.scaleTargetRef ?? {};
  if (!ref.kind) errs.push(fe.required("spec.scaleTargetRef.kind", ""));
  else
    for (const m of isPathSegmentName(ref.kind))
      errs.push(fe.invalid("spec.scaleTargetRef.kind", ref.kind, m));
  if (!ref.name) errs.push(fe.required("spec.scaleTargetRef.name", ""));
  else
    for (const m of isPathSegmentName(ref.name))
      errs.push(fe.invalid("spec.scaleTargetRef.name", ref.name, m));
  (s.metrics ?? []).forEach((m: Obj, i: number) => {
    const mp = idx("spec.metrics", i);
    if (!m?.type) errs.push(fe.required(child(mp, "type"), "must specify a metric source type"));
    if (!METRIC_TYPES.includes(m?.type))
      errs.push(fe.notSupported(child(mp, "type"), m?.type ?? "", METRIC_TYPES));
    if (m?.type === "Resource" || m?.type === "ContainerResource") {
      const f = m.type === "Resource" ? "resource" : "containerResource";
      const src = m[f];
      if (!src) errs.push(fe.required(child(mp, f), "must populate information for the given metric source"));
      else {
        const sp = child(mp, f);
        if (!src.name) errs.push(fe.required(child(sp, "name"), "must specify a resource name"));
        errs.push(...validateMetricTarget(src.target, child(sp, "target")));
        if (src.target?.averageUtilization === undefined && src.target?.averageValue === undefined)
          errs.push(
            fe.required(
              child(child(sp, "target"), "averageUtilization"),
              "must set either a target raw value or a target utilization",
            ),
          );
      }
    }
  });
  return errs;
}

const goStrings = (a: unknown) =>
  new GoValue(Array.isArray(a) ? `[]string{${a.map((x) => JSON.stringify(x)).join(", ")}}` : "[]string(nil)");

export function validatePolicyRules(rules: unknown, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(rules) ? rules : []).forEach((r: Obj, i: number) => {
    const p = idx("rules", i);
    if (!(r?.verbs ?? []).length)
      errs.push(fe.required(child(p, "verbs"), "verbs must contain at least one value"));
    if ((r?.nonResourceURLs ?? []).length) {
      if (namespaced)
        errs.push(
          fe.invalid(
            child(p, "nonResourceURLs"),
            goStrings(r.nonResourceURLs),
            "namespaced rules cannot apply to non-resource URLs",
          ),
        );
      if ((r.apiGroups ?? []).length || (r.resources ?? []).length || (r.resourceNames ?? []).length)
        errs.push(
          fe.invalid(
            child(p, "nonResourceURLs"),
            goStrings(r.nonResourceURLs),
            "rules cannot apply to both regular resources and non-resource URLs",
          ),
        );
      return;
    }
    if (!(r?.apiGroups ?? []).length)
      errs.push(fe.required(child(p, "apiGroups"), "resource rules must supply at least one api group"));
    if (!(r?.resources ?? []).length)
      errs.push(fe.required(child(p, "resources"), "resource rules must supply at least one resource"));
  });
  return errs;
}

const RBAC_GROUP = "rbac.authorization.k8s.io";

export function validateBinding(o: Obj, old: Obj | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = o.roleRef ?? {};
  if (ref.apiGroup !== RBAC_GROUP)
    errs.push(fe.notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!kinds.includes(ref.kind)) errs.push(fe.notSupported("roleRef.kind", ref.kind ?? "", kinds));
  if (!ref.name) errs.push(fe.required("roleRef.name", ""));
  else for (const m of isPathSegmentName(ref.name)) errs.push(fe.invalid("roleRef.name", ref.name, m));
  (o.subjects ?? []).forEach((s: Obj, i: number) => {
    const p = idx("subjects", i);
    if (!s?.name) errs.push(fe.required(child(p, "name"), ""));
    switch (s?.kind) {
      case "ServiceAccount":
        if (s.name)
          for (const m of isDNS1123Subdomain(s.name)) errs.push(fe.invalid(child(p, "name"), s.name, m));
        if (s.apiGroup) errs.push(fe.notSupported(child(p, "apiGroup"), s.apiGroup, [""]));
        if (!namespaced && !s.namespace) errs.push(fe.required(child(p, "namespace"), ""));
        break;
      case "User":
      case "Group":
        if (s.apiGroup !== RBAC_GROUP)
          errs.push(fe.notSupported(child(p, "apiGroup"), s.apiGroup ?? "", [RBAC_GROUP]));
        break;
      default:
        errs.push(fe.notSupported(child(p, "kind"), s?.kind ?? "", ["ServiceAccount", "User", "Group"]));
    }
  });
  if (old) {
    const o2 = old.roleRef ?? {};
    if (o2.apiGroup !== ref.apiGroup || o2.kind !== ref.kind || o2.name !== ref.name)
      errs.push(
        fe.invalid(
          "roleRef",
          new GoValue(
            `rbac.RoleRef{APIGroup:${JSON.stringify(ref.apiGroup ?? "")}, Kind:${JSON.stringify(ref.kind ?? "")}, Name:${JSON.stringify(ref.name ?? "")}}`,
          ),
          "cannot change roleRef",
        ),
      );
  }
  return errs;
}
