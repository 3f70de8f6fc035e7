// Deployment, ReplicaSet and Pod validation. Sources (kubernetes/kubernetes):
// pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec, ValidatePodTemplateSpecForReplicaSet,
// ValidateDeploymentStrategy, ValidateDeploymentUpdate: selector immutable in apps/v1) and
// pkg/apis/core/validation/validation.go (ValidatePodCreate/Update, ValidateNonnegativeField).
import { clone, matchLabels, type Obj, selectorObjToReqs } from "../util";
import { type FieldError, fe, GoValue } from "./field-errors";
import { goLabelSelector, validateAnnotations, validateLabelSelector, validateLabels } from "./names";
import { validatePodSpec } from "./pod-spec";

const NONNEG = "must be greater than or equal to 0";

function nonNegative(errs: FieldError[], path: string, v: unknown): void {
  if (v !== undefined && v !== null && (typeof v !== "number" || v < 0))
    errs.push(fe.invalid(path, v, NONNEG));
}

/** Go's %#v of map[string]string, keys sorted as fmt prints maps. */
function goStringMap(m: Obj | undefined): GoValue {
  if (!m) return new GoValue("map[string]string(nil)");
  const body = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(", ");
  return new GoValue(`map[string]string{${body}}`);
}

/** Deployments and ReplicaSets: spec.selector, spec.template, replicas, strategy. */
export function validateReplicated(o: Obj, old: Obj | undefined, isDeployment: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const spec = o.spec ?? {};
  nonNegative(errs, "spec.replicas", spec.replicas);
  const sel = spec.selector;
  let selectorOk = false;
  if (!sel) errs.push(fe.required("spec.selector", ""));
  else {
    const se = validateLabelSelector(sel, "spec.selector");
    errs.push(...se);
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0)
      errs.push(
        fe.invalid(
          "spec.selector",
          new GoValue(goLabelSelector(sel)),
          `empty selector is invalid for ${isDeployment ? "deployment" : "replicaset"}`,
        ),
      );
    else selectorOk = se.length === 0;
  }
  const tpl = spec.template;
  if (!tpl) errs.push(fe.required("spec.template", ""));
  else {
    const labels = tpl.metadata?.labels ?? {};
    if (selectorOk && !matchLabels(selectorObjToReqs(sel), labels))
      errs.push(
        fe.invalid(
          "spec.template.metadata.labels",
          goStringMap(tpl.metadata?.labels),
          "`selector` does not match template `labels`",
        ),
      );
    errs.push(...validateLabels(tpl.metadata?.labels, "spec.template.metadata.labels"));
    errs.push(...validateAnnotations(tpl.metadata?.annotations, "spec.template.metadata.annotations"));
    errs.push(...validatePodSpec(tpl.spec, "spec.template.spec", { template: true }));
    if (tpl.spec?.activeDeadlineSeconds !== undefined)
      errs.push(
        fe.forbidden(
          "spec.template.spec.activeDeadlineSeconds",
          "activeDeadlineSeconds in ReplicaSet is not Supported",
        ),
      );
  }
  if (isDeployment) {
    const st = spec.strategy ?? {};
    if (st.type === "Recreate") {
      if (st.rollingUpdate)
        errs.push(
          fe.forbidden(
            "spec.strategy.rollingUpdate",
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        );
    } else if (st.type === "RollingUpdate") {
      if (!st.rollingUpdate)
        errs.push(fe.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"));
    } else {
      errs.push(
        fe.notSupported(
          "spec.strategy",
          new GoValue(
            `apps.DeploymentStrategy{Type:${JSON.stringify(st.type ?? "")}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`,
          ),
          ["Recreate", "RollingUpdate"],
        ),
      );
    }
    nonNegative(errs, "spec.minReadySeconds", spec.minReadySeconds);
    nonNegative(errs, "spec.revisionHistoryLimit", spec.revisionHistoryLimit);
  }
  if (old && JSON.stringify(old.spec?.selector ?? null) !== JSON.stringify(sel ?? null))
    errs.push(fe.invalid("spec.selector", new GoValue(goLabelSelector(sel)), "field is immutable"));
  return errs;
}

export function validatePod(o: Obj, old: Obj | undefined): FieldError[] {
  const errs = validatePodSpec(o.spec, "spec");
  if (old) {
    // ValidatePodUpdate: only images, activeDeadlineSeconds, tolerations (additions) may change.
    const strip = (s: Obj) => {
      const c = clone(s ?? {});
      for (const ct of [...(c.containers ?? []), ...(c.initContainers ?? [])]) delete ct.image;
      delete c.activeDeadlineSeconds;
      delete c.tolerations;
      delete c.nodeName;
      return JSON.stringify(c);
    };
    if (strip(old.spec) !== strip(o.spec))
      errs.push(
        fe.forbidden(
          "spec",
          "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        ),
      );
  }
  return errs;
}
