// SelfSubjectAccessReview and SelfSubjectRulesReview, answered from the same rules the authorizer uses.
// Reference: kubernetes pkg/registry/authorization/selfsubjectaccessreview/rest.go,
// pkg/registry/authorization/selfsubjectrulesreview/rest.go.
import { ApiError } from "../errors";
import type { Store } from "../store";
import type { Obj } from "../util";
import { authorize, rulesFor, type UserInfo } from "./authorizer";
import { type TokenInfo, tokenRulesAllow, userOf } from "./tokens";

export function selfSubjectAccessReview(store: Store, tok: TokenInfo, body: Obj): Obj {
  const user: UserInfo = userOf(tok);
  const ra = body?.spec?.resourceAttributes;
  const nra = body?.spec?.nonResourceAttributes;
  if (!ra === !nra)
    throw new ApiError(
      422,
      "Invalid",
      `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      {
        group: "authorization.k8s.io",
        kind: "SelfSubjectAccessReview",
        causes: [
          {
            reason: "FieldValueInvalid",
            message:
              'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
            field: "spec.resourceAttributes",
          },
        ],
      },
    );
  const attrs = ra
    ? {
        verb: ra.verb ?? "",
        group: ra.group ?? "",
        resource: ra.resource ?? "",
        subresource: ra.subresource || undefined,
        namespace: ra.namespace || undefined,
        name: ra.name || undefined,
      }
    : { verb: nra.verb ?? "", group: "", resource: "", path: nra.path ?? "" };
  let d = authorize(store, user, attrs);
  if (!d.allowed && tokenRulesAllow(tok.rules, attrs))
    d = { allowed: true, reason: "allowed by token rules" };
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec: body.spec,
    status: d.allowed ? { allowed: true, ...(d.reason ? { reason: d.reason } : {}) } : { allowed: false },
  };
}

export function selfSubjectRulesReview(store: Store, tok: TokenInfo, body: Obj): Obj {
  const ns: string = body?.spec?.namespace ?? "";
  const resourceRules: Obj[] = [];
  const nonResourceRules: Obj[] = [];
  for (const { rule } of rulesFor(store, userOf(tok), ns)) {
    if (rule.nonResourceURLs?.length)
      nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
    if (rule.resources?.length)
      resourceRules.push({
        verbs: rule.verbs,
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources,
        ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
      });
  }
  for (const r of tok.rules)
    if (!r.namespaces || (ns && r.namespaces.includes(ns)))
      resourceRules.push({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources });
  return {
    kind: "SelfSubjectRulesReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec: body?.spec ?? {},
    status: { resourceRules, nonResourceRules, incomplete: false },
  };
}
