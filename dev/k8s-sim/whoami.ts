// SelfSubjectReview (authentication.k8s.io/v1, what `kubectl auth whoami` calls): the authenticated
// user as the apiserver sees it. Groups follow kube-apiserver: every authenticated request gets
// system:authenticated; ServiceAccount users get system:serviceaccounts and
// system:serviceaccounts:<namespace>; the simulator's admin is a kubeadm-style cluster admin.
// https://kubernetes.io/docs/reference/access-authn-authz/authentication/#self-subject-review
import { apiVersionOf, type ResDef } from "./resources";
import type { TokenInfo } from "./simulator";
import { nowIso, type Obj } from "./util";

export function userGroups(tok: TokenInfo): string[] {
  const own = (tok as TokenInfo & { groups?: string[] }).groups ?? [];
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(tok.user);
  const groups = [
    ...own,
    ...(tok.admin ? ["kubeadm:cluster-admins"] : []),
    ...(sa ? ["system:serviceaccounts", `system:serviceaccounts:${sa[1]}`] : []),
    "system:authenticated",
  ];
  return [...new Set(groups)];
}

export function selfSubjectReview(tok: TokenInfo, def: ResDef): Obj {
  return {
    kind: def.kind,
    apiVersion: apiVersionOf(def),
    metadata: { creationTimestamp: nowIso() },
    status: { userInfo: { username: tok.user, groups: userGroups(tok) } },
  };
}
