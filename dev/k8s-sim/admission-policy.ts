// ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1): the policies and bindings stored in the
// simulator are evaluated on every API write, with a real CEL evaluator (@bufbuild/cel, plus its
// strings extension as Kubernetes' CEL environment has it).
// Supported: matchConstraints and binding matchResources (resourceRules with operations, groups,
// versions, resources incl. subresources, resourceNames, scope; excludeResourceRules;
// namespaceSelector; objectSelector), matchConditions, failurePolicy, variables, validations with
// message / messageExpression / reason, validationActions Deny and Warn (Audit is ignored), params
// via paramKind + paramRef (name or selector, parameterNotFoundAction). CEL variables: object,
// oldObject, request (kind, resource, subResource, name, namespace, operation, userInfo, dryRun),
// params, namespaceObject, variables. Not supported: the `authorizer` variable, type checking of
// expressions at write time, auditAnnotations.
// References: kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating/
// (dispatcher.go: "ValidatingAdmissionPolicy '%s' with binding '%s' denied request: %s", the
// "failed expression: %s" fallback message), .../policy/matching/matching.go and
// .../webhook/predicates/rules/rules.go (resource rule matching).
import { celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { ApiError } from "./errors";
import type { UserInfo } from "./rbac/authorizer";
import { R, RESOURCES, type ResDef } from "./resources";
import type { Store } from "./store";
import { matchLabels, type Obj, selectorObjToReqs } from "./util";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface AdmissionRequest {
  def: ResDef;
  operation: Operation;
  namespace: string;
  name: string;
  subresource?: string;
  /** The object as it would be stored (null for DELETE). */
  object: Obj | null;
  /** The stored object (null for CREATE). */
  oldObject: Obj | null;
  user: UserInfo;
  dryRun: boolean;
}

/** Kubernetes JSON → CEL values: objects are maps, whole numbers are ints (as in Kubernetes' CEL). */
function toCel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === "object") return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return v ?? null;
}

type Evaluated = { ok: true; value: unknown } | { ok: false; error: string };

// Expressions are parsed and planned once (policies are evaluated on every write).
const env = celEnv({ funcs: strings });
const programs = new Map<string, ((vars: Record<string, unknown>) => unknown) | { error: string }>();

function evaluate(expression: string, vars: Record<string, unknown>): Evaluated {
  let program = programs.get(expression);
  if (!program) {
    try {
      const planned = plan(env, parse(expression));
      program = (v: Record<string, unknown>) => planned(v as never);
    } catch (e) {
      program = { error: `compilation failed: ${(e as Error).message}` };
    }
    if (programs.size > 1000) programs.clear();
    programs.set(expression, program);
  }
  if (typeof program !== "function") return { ok: false, error: program.error };
  try {
    const value = program(vars);
    if (isCelError(value)) return { ok: false, error: value.message };
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function ruleMatches(rule: Obj, req: AdmissionRequest): boolean {
  const any = (list: string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));
  if (!any(rule.operations, req.operation)) return false;
  if (!any(rule.apiGroups, req.def.group)) return false;
  if (!any(rule.apiVersions, req.def.version)) return false;
  const sub = req.subresource ?? "";
  const resOk = (rule.resources ?? []).some((r: string) => {
    const [res, rsub = ""] = r.split("/");
    return (res === "*" || res === req.def.name) && (rsub === "*" || rsub === sub);
  });
  if (!resOk) return false;
  const names: string[] = rule.resourceNames ?? [];
  if (names.length && !names.includes(req.name)) return false;
  const scope = rule.scope ?? "*";
  if (scope === "Cluster" && req.def.namespaced) return false;
  if (scope === "Namespaced" && !req.def.namespaced) return false;
  return true;
}

/** MatchResources: rules, excludes, namespace and object selectors. Empty rules (binding) = all. */
function resourcesMatch(
  store: Store,
  m: Obj | undefined,
  req: AdmissionRequest,
  rulesRequired: boolean,
): boolean {
  if (!m) return !rulesRequired;
  const rules: Obj[] = m.resourceRules ?? [];
  if (rules.length ? !rules.some((r) => ruleMatches(r, req)) : rulesRequired) return false;
  if ((m.excludeResourceRules ?? []).some((r: Obj) => ruleMatches(r, req))) return false;
  if (m.namespaceSelector && Object.keys(m.namespaceSelector).length) {
    const reqs = selectorObjToReqs(m.namespaceSelector);
    const target =
      req.def === R.ns
        ? (req.object ?? req.oldObject)
        : req.def.namespaced
          ? store.get(R.ns, "", req.namespace)
          : undefined;
    // Cluster-scoped objects other than namespaces are never excluded by a namespace selector.
    if ((req.def === R.ns || req.def.namespaced) && !matchLabels(reqs, target?.metadata?.labels ?? {}))
      return false;
  }
  if (m.objectSelector && Object.keys(m.objectSelector).length) {
    const reqs = selectorObjToReqs(m.objectSelector);
    const match = (o: Obj | null) => !!o && matchLabels(reqs, o.metadata?.labels ?? {});
    if (!match(req.object) && !match(req.oldObject)) return false;
  }
  return true;
}

const defByKind = (apiVersion: string, kind: string): ResDef | undefined =>
  RESOURCES.find(
    (d) => !d.virtual && d.kind === kind && (d.group ? `${d.group}/${d.version}` : d.version) === apiVersion,
  );

const REASON_CODES: Record<string, number> = {
  Unauthorized: 401,
  Forbidden: 403,
  Invalid: 422,
  RequestEntityTooLarge: 413,
};

export interface PolicyOutcome {
  warnings: string[];
}

/**
 * Runs every bound ValidatingAdmissionPolicy on one request. Throws the first denial as kube-apiserver
 * does; returns the warnings of bindings with validationActions Warn.
 */
export function admitWithPolicies(store: Store, req: AdmissionRequest): PolicyOutcome {
  const warnings: string[] = [];
  const bindings = store.list(R.vapBinding);
  if (!bindings.length) return { warnings };
  const resG = req.def.group ? `${req.def.name}.${req.def.group}` : req.def.name;
  const deny = (policy: string, binding: string, message: string, reason = "Forbidden"): never => {
    throw new ApiError(
      REASON_CODES[reason] ?? 403,
      reason,
      `${resG} "${req.name}" is forbidden: ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`,
      { name: req.name, group: req.def.group, kind: req.def.name },
    );
  };
  const request = {
    uid: crypto.randomUUID(),
    kind: { group: req.def.group, version: req.def.version, kind: req.def.kind },
    resource: { group: req.def.group, version: req.def.version, resource: req.def.name },
    requestKind: { group: req.def.group, version: req.def.version, kind: req.def.kind },
    requestResource: { group: req.def.group, version: req.def.version, resource: req.def.name },
    subResource: req.subresource ?? "",
    name: req.name,
    namespace: req.def.namespaced ? req.namespace : "",
    operation: req.operation,
    userInfo: { username: req.user.username, uid: req.user.uid ?? "", groups: req.user.groups },
    dryRun: req.dryRun,
  };
  const nsObj = req.def.namespaced ? (store.get(R.ns, "", req.namespace) ?? null) : null;
  for (const binding of bindings) {
    const bname: string = binding.metadata.name;
    const policy = store.get(R.vap, "", binding.spec?.policyName ?? "");
    if (!policy) continue;
    const pname: string = policy.metadata.name;
    const spec = policy.spec ?? {};
    if (!resourcesMatch(store, spec.matchConstraints, req, true)) continue;
    if (!resourcesMatch(store, binding.spec?.matchResources, req, false)) continue;
    const actions: string[] = binding.spec?.validationActions ?? [];
    const failClosed = (spec.failurePolicy ?? "Fail") === "Fail";
    const report = (message: string, reason?: string) => {
      if (actions.includes("Deny")) deny(pname, bname, message, reason);
      if (actions.includes("Warn"))
        warnings.push(
          `Validation failed for ValidatingAdmissionPolicy '${pname}' with binding '${bname}': ${message}`,
        );
    };

    // Params: none, one by name, or every object a selector picks.
    let paramSets: unknown[] = [null];
    if (spec.paramKind && binding.spec?.paramRef) {
      const ref = binding.spec.paramRef;
      const pdef = defByKind(spec.paramKind.apiVersion, spec.paramKind.kind);
      const pns = pdef?.namespaced ? (ref.namespace ?? req.namespace) : "";
      const found = !pdef
        ? []
        : ref.name
          ? [store.get(pdef, pns, ref.name)].filter((o): o is Obj => !!o)
          : store
              .list(pdef, pdef.namespaced ? pns : undefined)
              .filter((o) => matchLabels(selectorObjToReqs(ref.selector), o.metadata?.labels ?? {}));
      if (!found.length) {
        if (ref.parameterNotFoundAction === "Deny")
          report(
            "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
          );
        continue;
      }
      paramSets = found;
    }

    for (const params of paramSets) {
      const vars: Record<string, unknown> = {
        object: toCel(req.object),
        oldObject: toCel(req.oldObject),
        request: toCel(request),
        params: toCel(params),
        namespaceObject: toCel(nsObj),
      };
      const variables = new Map<string, unknown>();
      vars.variables = variables;
      let failed: string | undefined;
      for (const v of spec.variables ?? []) {
        const r = evaluate(v.expression, vars);
        if (!r.ok) {
          failed = `variable '${v.name}' resulted in error: ${r.error}`;
          break;
        }
        variables.set(v.name, r.value);
      }
      if (failed) {
        if (failClosed) report(failed);
        continue;
      }
      let applies = true;
      for (const c of spec.matchConditions ?? []) {
        const r = evaluate(c.expression, vars);
        if (!r.ok) {
          if (failClosed) report(`failed to evaluate match condition '${c.name}': ${r.error}`);
          applies = false;
          break;
        }
        if (r.value !== true) {
          applies = false;
          break;
        }
      }
      if (!applies) continue;
      for (const v of spec.validations ?? []) {
        const r = evaluate(v.expression, vars);
        if (!r.ok) {
          if (failClosed) report(`expression '${v.expression}' resulted in error: ${r.error}`);
          continue;
        }
        if (r.value === true) continue;
        let message: string = v.message || `failed expression: ${v.expression}`;
        if (v.messageExpression) {
          const m = evaluate(v.messageExpression, vars);
          if (m.ok && typeof m.value === "string" && m.value.trim()) message = m.value;
        }
        report(message, v.reason);
      }
    }
  }
  return { warnings };
}
