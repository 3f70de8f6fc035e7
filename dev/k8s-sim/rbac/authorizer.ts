// The RBAC authorizer: Roles, ClusterRoles, RoleBindings and ClusterRoleBindings stored in the
// simulator decide what a user may do, as kube-apiserver's RBAC authorizer does.
// Reference: kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows, VisitRulesFor) and
// pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, ResourceMatches, ResourceNameMatches).
import { R } from "../resources";
import type { Store } from "../store";
import type { Obj } from "../util";

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

/** Request attributes, as authorizer.AttributesRecord: a resource request, or a non-resource path. */
export interface Attrs {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource request (e.g. /healthz): resource fields are ignored. */
  path?: string;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A rule and where it came from (for the "allowed by" reason). */
export interface SourcedRule {
  rule: PolicyRule;
  source: string;
}

export const SYSTEM_MASTERS = "system:masters";

const has = (list: string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));

export function ruleAllows(rule: PolicyRule, a: Attrs): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (a.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === "*" || u === a.path || (u.endsWith("*") && a.path!.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, a.group)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = rule.resources ?? [];
  const resourceOk = resources.some(
    (r) => r === "*" || r === combined || (!!a.subresource && r === `*/${a.subresource}`),
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (!!a.name && names.includes(a.name));
}

/** Whether a binding subject is this user (rbac/validation appliesToUser). */
function subjectMatches(subject: Obj, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject?.kind) {
    case "User":
      return subject.name === user.username;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const ns = subject.namespace || bindingNamespace;
      return `system:serviceaccount:${ns}:${subject.name}` === user.username;
    }
    default:
      return false;
  }
}

function describeSubject(subject: Obj, bindingNamespace: string): string {
  if (subject.kind === "ServiceAccount")
    return `ServiceAccount "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}

/** The rules a roleRef points at (404 when the role does not exist, as GetRoleReferenceRules). */
export function roleRefRules(store: Store, roleRef: Obj, bindingNamespace: string): PolicyRule[] | undefined {
  if (roleRef?.kind === "ClusterRole") return store.get(R.clusterRole, "", roleRef.name)?.rules ?? undefined;
  if (roleRef?.kind === "Role") return store.get(R.role, bindingNamespace, roleRef.name)?.rules ?? undefined;
  return undefined;
}

/**
 * Every rule that applies to the user in `namespace` ("" = cluster-wide only): from ClusterRoleBindings,
 * then from the namespace's RoleBindings (VisitRulesFor).
 */
export function rulesFor(store: Store, user: UserInfo, namespace: string): SourcedRule[] {
  const out: SourcedRule[] = [];
  const visit = (binding: Obj, kind: string, bindingNs: string) => {
    const subject = (binding.subjects ?? []).find((s: Obj) => subjectMatches(s, user, bindingNs));
    if (!subject) return;
    const rules = roleRefRules(store, binding.roleRef, bindingNs);
    if (!rules) return;
    const name = kind === "RoleBinding" ? `${binding.metadata.name}/${bindingNs}` : binding.metadata.name;
    const source = `${kind} "${name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, bindingNs)}`;
    for (const rule of rules) out.push({ rule, source });
  };
  for (const b of store.list(R.clusterRoleBinding)) visit(b, "ClusterRoleBinding", "");
  if (namespace) for (const b of store.list(R.roleBinding, namespace)) visit(b, "RoleBinding", namespace);
  return out;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/**
 * RBAC decision. `extraRules` are a token's own rules (the simulator's `issueToken`), evaluated like a
 * second authorizer in the chain. system:masters is allowed everything, as kube-apiserver's
 * privileged-group authorizer does before RBAC.
 */
export function authorize(store: Store, user: UserInfo, a: Attrs, extraRules: PolicyRule[] = []): Decision {
  if (user.groups.includes(SYSTEM_MASTERS)) return { allowed: true, reason: "" };
  for (const { rule, source } of rulesFor(store, user, a.path !== undefined ? "" : (a.namespace ?? "")))
    if (ruleAllows(rule, a)) return { allowed: true, reason: `RBAC: allowed by ${source}` };
  for (const rule of extraRules)
    if (ruleAllows(rule, a)) return { allowed: true, reason: "allowed by token rules" };
  return { allowed: false, reason: "" };
}
