// Privilege-escalation prevention on RBAC writes, as the rbac registry does it: a Role/ClusterRole
// may only hold rules its author holds (unless it may `escalate` that role), and a binding may only
// point at a role whose rules the author holds (unless it may `bind` that role; resourceNames apply).
// References: kubernetes pkg/registry/rbac/escalation_check.go (EscalationAllowed,
// RoleEscalationAuthorized, BindingAuthorized), pkg/registry/rbac/validation/rule.go
// (ConfirmNoEscalation and its message), pkg/registry/rbac/validation/policy_compact.go and
// pkg/apis/rbac/v1/helpers.go (CompactString).
import { ApiError } from "../errors";
import { R, type ResDef } from "../resources";
import type { Store } from "../store";
import type { Obj } from "../util";
import {
  authorize,
  type PolicyRule,
  roleRefRules,
  rulesFor,
  SYSTEM_MASTERS,
  type UserInfo,
} from "./authorizer";

const has = (list: string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));

/** One atomic right: a single verb on a single group/resource (and name), or a single URL. */
interface Atom {
  verb: string;
  group?: string;
  resource?: string;
  name?: string;
  url?: string;
}

function atoms(rule: PolicyRule): Atom[] {
  const out: Atom[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ verb, url });
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? []) {
        if (rule.resourceNames?.length)
          for (const name of rule.resourceNames) out.push({ verb, group, resource, name });
        else out.push({ verb, group, resource });
      }
  }
  return out;
}

function covers(owner: PolicyRule, a: Atom): boolean {
  if (!has(owner.verbs, a.verb)) return false;
  if (a.url !== undefined)
    return (owner.nonResourceURLs ?? []).some(
      (u) => u === "*" || u === a.url || (u.endsWith("*") && a.url!.startsWith(u.slice(0, -1))),
    );
  if (!has(owner.apiGroups, a.group!)) return false;
  const res = a.resource!;
  const sub = res.includes("/") ? res.slice(res.indexOf("/") + 1) : undefined;
  const resOk = (owner.resources ?? []).some(
    (r) => r === "*" || r === res || (sub !== undefined && r === `*/${sub}`),
  );
  if (!resOk) return false;
  const names = owner.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

const q = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;

/** rbacv1helpers.CompactString of one missing right. */
function compact(r: {
  group?: string;
  resource?: string;
  name?: string;
  url?: string;
  verbs: string[];
}): string {
  const parts: string[] = [];
  if (r.url !== undefined) parts.push(`NonResourceURLs:${q([r.url])}`);
  else {
    parts.push(`APIGroups:${q([r.group ?? ""])}`);
    parts.push(`Resources:${q([r.resource ?? ""])}`);
    if (r.name !== undefined) parts.push(`ResourceNames:${q([r.name])}`);
  }
  parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/** The rights in `wanted` that `held` does not cover, compacted and sorted as kube-apiserver prints them. */
function missingRights(held: PolicyRule[], wanted: PolicyRule[]): string[] {
  const missing = new Map<
    string,
    { group?: string; resource?: string; name?: string; url?: string; verbs: string[] }
  >();
  for (const rule of wanted)
    for (const a of atoms(rule)) {
      if (held.some((h) => covers(h, a))) continue;
      const key = JSON.stringify([a.group, a.resource, a.name, a.url]);
      const m = missing.get(key) ?? {
        group: a.group,
        resource: a.resource,
        name: a.name,
        url: a.url,
        verbs: [],
      };
      if (!m.verbs.includes(a.verb)) m.verbs.push(a.verb);
      missing.set(key, m);
    }
  return [...missing.values()].map(compact).sort();
}

const groupsText = (user: UserInfo) => `[${user.groups.map((g) => JSON.stringify(g)).join(" ")}]`;

function escalationError(def: ResDef, name: string, user: UserInfo, missing: string[]): ApiError {
  return new ApiError(
    403,
    "Forbidden",
    `${def.name}.${def.group} "${name}" is forbidden: user "${user.username}" (groups=${groupsText(user)}) is attempting to grant RBAC permissions not currently held:\n${missing.join("\n")}`,
    { name, group: def.group, kind: def.name },
  );
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Refuses an RBAC write that would grant more than the user holds. `obj` is the object as it would be
 * stored, `old` the current one (updates). Throws ApiError 403 (or 404 for a missing roleRef).
 */
export function checkRbacEscalation(store: Store, user: UserInfo, def: ResDef, obj: Obj, old?: Obj): void {
  if (def !== R.role && def !== R.clusterRole && def !== R.roleBinding && def !== R.clusterRoleBinding)
    return;
  if (user.groups.includes(SYSTEM_MASTERS)) return; // EscalationAllowed
  const ns = def.namespaced ? (obj.metadata?.namespace ?? "") : "";
  const name = obj.metadata?.name ?? "";
  if (def === R.role || def === R.clusterRole) {
    if (old && sameJson(old.rules, obj.rules)) return;
    const escalate = authorize(store, user, {
      verb: "escalate",
      group: def.group,
      resource: def.name,
      name,
      namespace: ns || undefined,
    });
    if (escalate.allowed) return; // RoleEscalationAuthorized
    const held = rulesFor(store, user, ns).map((r) => r.rule);
    const missing = missingRights(held, obj.rules ?? []);
    if (missing.length) throw escalationError(def, name, user, missing);
    return;
  }
  if (old && sameJson(old.roleRef, obj.roleRef) && sameJson(old.subjects, obj.subjects)) return;
  const ref = obj.roleRef ?? {};
  const refDef = ref.kind === "ClusterRole" ? R.clusterRole : R.role;
  // BindingAuthorized: `bind` on the referenced role, checked in the binding's namespace.
  const bind = authorize(store, user, {
    verb: "bind",
    group: ref.apiGroup ?? "rbac.authorization.k8s.io",
    resource: refDef.name,
    name: ref.name,
    namespace: ns || undefined,
  });
  if (bind.allowed) return;
  const rules = roleRefRules(store, ref, ns);
  if (!rules)
    throw new ApiError(404, "NotFound", `${refDef.name}.${refDef.group} "${ref.name}" not found`, {
      name: ref.name,
      group: refDef.group,
      kind: refDef.name,
    });
  const held = rulesFor(store, user, ns).map((r) => r.rule);
  const missing = missingRights(held, rules);
  if (missing.length) throw escalationError(def, name, user, missing);
}
