// The checks kube-apiserver runs on an API write that need to know who is writing: RBAC escalation
// prevention (escalation.ts) and ValidatingAdmissionPolicies (../admission-policy.ts). api.ts hands
// each request a guarded view of the cluster: its create/update/apply/delete first compute the
// result as a dry run (so the checks see the object as it would be stored, after defaulting,
// patching and apply), check it, then write. Writes by the simulator's own controllers do not pass
// here (kube-controller-manager's identities are not what policies here are about).
import { admitWithPolicies, type Operation } from "../admission-policy";
import type { ClusterState } from "../cluster";
import { R, type ResDef } from "../resources";
import type { Obj } from "../util";
import type { UserInfo } from "./authorizer";
import { checkRbacEscalation } from "./escalation";

export interface GuardedState {
  state: ClusterState;
  /** Warnings from policies with validationActions Warn, for the response's Warning header. */
  warnings: string[];
}

const RBAC = new Set<ResDef>([R.role, R.clusterRole, R.roleBinding, R.clusterRoleBinding]);

export function guardWrites(st: ClusterState, user: UserInfo): GuardedState {
  const warnings: string[] = [];
  const needed = (def: ResDef) => RBAC.has(def) || st.store.list(R.vapBinding).length > 0;
  const check = (
    def: ResDef,
    operation: Operation,
    ns: string,
    name: string,
    object: Obj | null,
    oldObject: Obj | null,
    dryRun: boolean,
    subresource?: string,
  ) => {
    if (object && operation !== "DELETE" && !subresource)
      checkRbacEscalation(st.store, user, def, object, oldObject ?? undefined);
    const out = admitWithPolicies(st.store, {
      def,
      operation,
      namespace: ns,
      name,
      subresource,
      object,
      oldObject,
      user,
      dryRun,
    });
    warnings.push(...out.warnings);
  };
  const guarded = Object.create(st) as ClusterState;
  guarded.create = (def, ns, body, opts) => {
    if (!needed(def)) return st.create(def, ns, body, opts);
    const preview = st.create(def, ns, structuredClone(body), { ...opts, dryRun: true });
    check(def, "CREATE", ns, preview.metadata?.name ?? "", preview, null, !!opts?.dryRun);
    return opts?.dryRun ? preview : st.create(def, ns, body, opts);
  };
  guarded.update = (def, ns, name, body, opts) => {
    if (!needed(def)) return st.update(def, ns, name, body, opts);
    const old = st.get(def, ns, name) ?? null;
    const preview = st.update(def, ns, name, structuredClone(body), { ...opts, dryRun: true });
    check(def, "UPDATE", ns, name, preview, old, !!opts?.dryRun, opts?.subresource);
    return opts?.dryRun ? preview : st.update(def, ns, name, body, opts);
  };
  guarded.apply = (def, ns, name, body, opts) => {
    if (!needed(def)) return st.apply(def, ns, name, body, opts);
    const old = st.get(def, ns, name) ?? null;
    const preview = st.apply(def, ns, name, structuredClone(body), { ...opts, dryRun: true });
    check(def, old ? "UPDATE" : "CREATE", ns, name, preview, old, !!opts?.dryRun);
    return opts?.dryRun ? preview : st.apply(def, ns, name, body, opts);
  };
  guarded.delete = (def, ns, name, opts) => {
    const old = st.get(def, ns, name);
    if (old && needed(def)) check(def, "DELETE", ns, name, null, old, !!opts?.dryRun);
    return st.delete(def, ns, name, opts);
  };
  return { state: guarded, warnings };
}
