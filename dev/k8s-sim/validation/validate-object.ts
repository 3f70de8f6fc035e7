// Object validation of the simulator: what kube-apiserver's REST strategies run on create and
// update (strategy.Validate / ValidateUpdate), for every kind KubeBid writes or reads, plus the
// PodSecurity admission plugin's check of a Namespace's pod-security labels. Throws the 422 Invalid
// Status kube-apiserver answers. The per-kind rules live beside this file.
import { ApiError } from "../errors";
import type { ResDef } from "../resources";
import type { Obj } from "../util";
import { validateBinding, validateHPA, validatePolicyRules, validateStorageClass } from "./cluster-kinds";
import {
  validateConfigMap,
  validateLimitRange,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validateResourceQuota,
  validateSecret,
  validateService,
} from "./core";
import { aggregate, errorString, type FieldError, fe, invalidError, key } from "./field-errors";
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isPathSegmentName,
  type NameFn,
  validateObjectMeta,
} from "./names";
import { validateIngress, validateIngressClass, validateNetworkPolicy } from "./networking";
import { validatePod, validateReplicated } from "./workloads";

type Validator = (o: Obj, old: Obj | undefined) => FieldError[];

interface KindRules {
  name: NameFn;
  spec?: Validator;
}

const subdomain: KindRules = { name: isDNS1123Subdomain };
const RBAC = "rbac.authorization.k8s.io";

// Keyed by `<group>/<resource>`. Names: ValidateNamespaceName and ValidateServiceName are labels
// (DNS-1123 and DNS-1035), RBAC names path segments (ValidateRBACName), the rest DNS subdomains.
const RULES: Record<string, KindRules> = {
  "/namespaces": { name: isDNS1123Label },
  "/services": { name: isDNS1035Label, spec: validateService },
  "/pods": { name: isDNS1123Subdomain, spec: validatePod },
  "apps/deployments": { name: isDNS1123Subdomain, spec: (o, old) => validateReplicated(o, old, true) },
  "apps/replicasets": { name: isDNS1123Subdomain, spec: (o, old) => validateReplicated(o, old, false) },
  "/resourcequotas": { name: isDNS1123Subdomain, spec: (o) => validateResourceQuota(o) },
  "/limitranges": { name: isDNS1123Subdomain, spec: (o) => validateLimitRange(o) },
  "/secrets": { name: isDNS1123Subdomain, spec: validateSecret },
  "/configmaps": { name: isDNS1123Subdomain, spec: validateConfigMap },
  "/persistentvolumeclaims": { name: isDNS1123Subdomain, spec: validatePersistentVolumeClaim },
  "/persistentvolumes": { name: isDNS1123Subdomain, spec: validatePersistentVolume },
  "networking.k8s.io/networkpolicies": { name: isDNS1123Subdomain, spec: (o) => validateNetworkPolicy(o) },
  "networking.k8s.io/ingresses": { name: isDNS1123Subdomain, spec: (o) => validateIngress(o) },
  "networking.k8s.io/ingressclasses": { name: isDNS1123Subdomain, spec: validateIngressClass },
  "storage.k8s.io/storageclasses": { name: isDNS1123Subdomain, spec: validateStorageClass },
  "autoscaling/horizontalpodautoscalers": { name: isDNS1123Subdomain, spec: (o) => validateHPA(o) },
  [`${RBAC}/roles`]: { name: isPathSegmentName, spec: (o) => validatePolicyRules(o.rules, true) },
  [`${RBAC}/clusterroles`]: { name: isPathSegmentName, spec: (o) => validatePolicyRules(o.rules, false) },
  [`${RBAC}/rolebindings`]: { name: isPathSegmentName, spec: (o, old) => validateBinding(o, old, true) },
  [`${RBAC}/clusterrolebindings`]: {
    name: isPathSegmentName,
    spec: (o, old) => validateBinding(o, old, false),
  },
};

/** Runs the kind's validation; `old` is the stored object on updates. Throws 422 Invalid. */
export function validateObject(def: ResDef, o: Obj, old?: Obj): void {
  const rules = RULES[`${def.group}/${def.name}`] ?? subdomain;
  const errs = validateObjectMeta(o.metadata, rules.name);
  if (rules.spec) errs.push(...rules.spec(o, old));
  const name: string = o.metadata?.name ?? "";
  if (errs.length) throw invalidError(def.kind, def.group, name, errs);
  if (def.group === "" && def.name === "namespaces")
    validatePodSecurityLabels(name, o.metadata?.labels ?? {});
}

const PSA = "pod-security.kubernetes.io";

/**
 * The PodSecurity admission plugin refuses a Namespace whose pod-security labels do not parse
 * (k8s.io/pod-security-admission api/helpers.go PolicyToEvaluate, ParseLevel, ParseVersion;
 * admission/admission.go invalidResponse: 422 Invalid, `Namespace "x" is invalid: <errors>`).
 */
function validatePodSecurityLabels(name: string, labels: Obj): void {
  const errs: FieldError[] = [];
  for (const mode of ["enforce", "audit", "warn"]) {
    const level = labels[`${PSA}/${mode}`];
    if (level !== undefined && !["privileged", "baseline", "restricted"].includes(level))
      errs.push(
        fe.invalid(
          key("metadata.labels", `${PSA}/${mode}`),
          level,
          "must be one of privileged, baseline, restricted",
        ),
      );
    const version = labels[`${PSA}/${mode}-version`];
    if (version !== undefined && version !== "latest" && !/^v1\.(0|[1-9][0-9]*)$/.test(version))
      errs.push(
        fe.invalid(key("metadata.labels", `${PSA}/${mode}-version`), version, 'must be "latest" or "v1.x"'),
      );
  }
  if (errs.length)
    throw new ApiError(
      422,
      "Invalid",
      `Namespace ${JSON.stringify(name)} is invalid: ${aggregate(errs.map(errorString))}`,
    );
}
