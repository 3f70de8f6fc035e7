// SelfSubjectReview (authentication.k8s.io/v1, what `kubectl auth whoami` calls): the authenticated
// user exactly as the authenticator (rbac/tokens.ts) hands it to authorization, so whoami and
// access reviews cannot disagree. The admin is kubeadm's bootstrap admin (`system:masters`);
// ServiceAccount users carry system:serviceaccounts and system:serviceaccounts:<namespace>.
// https://kubernetes.io/docs/reference/access-authn-authz/authentication/#self-subject-review
import { type TokenInfo, userOf } from "./rbac/tokens";
import { apiVersionOf, type ResDef } from "./resources";
import { nowIso, type Obj } from "./util";

export function selfSubjectReview(tok: TokenInfo, def: ResDef): Obj {
  const user = userOf(tok);
  return {
    kind: def.kind,
    apiVersion: apiVersionOf(def),
    metadata: { creationTimestamp: nowIso() },
    status: {
      userInfo: {
        username: user.username,
        ...(user.uid ? { uid: user.uid } : {}),
        groups: [...new Set(user.groups)],
      },
    },
  };
}
