// Authentication: bearer tokens and the identities behind them.
// - the bootstrap admin token: user "kubernetes-admin" in group system:masters (as kubeadm's admin.conf);
// - ServiceAccount tokens, minted by the TokenRequest API (POST serviceaccounts/<sa>/token) or by the
//   token controller for `kubernetes.io/service-account-token` Secrets; valid while the ServiceAccount
//   (and, for Secret tokens, the Secret) still exists, as kube-apiserver's service account
//   authenticator checks. User `system:serviceaccount:<ns>:<name>`, groups system:serviceaccounts,
//   system:serviceaccounts:<ns>, system:authenticated;
// - test tokens from `issueToken({ user, rules })` carrying their own rules (no RBAC objects needed).
// References: kubernetes pkg/registry/core/serviceaccount/storage/token.go (TokenRequest),
// pkg/controller/serviceaccount/tokens_controller.go (Secret data keys token, ca.crt, namespace).
import { randomBytes } from "node:crypto";
import { ApiError, notFound } from "../errors";
import { R } from "../resources";
import type { Store } from "../store";
import { nowIso, type Obj } from "../util";
import { type Attrs, type PolicyRule, ruleAllows, type UserInfo } from "./authorizer";

/** A rule of a test token; `namespaces` limits it to requests in those namespaces. */
export interface TokenRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  namespaces?: string[];
}

export interface TokenInfo {
  /** Username (kept as `user` for the API layer's messages). */
  user: string;
  groups: string[];
  admin: boolean;
  rules: TokenRule[];
  uid?: string;
  /** A ServiceAccount token: valid while this ServiceAccount (same uid) exists. */
  sa?: { namespace: string; name: string; uid: string };
  /** A Secret-based token: valid while this Secret exists and holds it. */
  secret?: { namespace: string; name: string };
  /** Epoch ms; absent = does not expire. */
  expiresAt?: number;
}

export const newToken = (): string => `kbsim.${randomBytes(24).toString("base64url")}`;

const ADMIN_USER = "kubernetes-admin";
export const adminInfo = (): TokenInfo => ({
  user: ADMIN_USER,
  groups: ["system:masters", "system:authenticated"],
  admin: true,
  rules: [],
});

function saUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function groupsForUser(username: string): string[] {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m
    ? ["system:serviceaccounts", `system:serviceaccounts:${m[1]}`, "system:authenticated"]
    : ["system:authenticated"];
}

export function userOf(t: TokenInfo): UserInfo {
  return { username: t.user, uid: t.uid, groups: t.groups };
}

/** A test token's own rules; namespaced rules never grant cluster-scope or all-namespace requests. */
export function tokenRulesAllow(rules: TokenRule[], a: Attrs): boolean {
  return rules.some(
    (r) =>
      ruleAllows(r as PolicyRule, a) &&
      (r.namespaces === undefined ||
        (a.namespace !== undefined && a.namespace !== "" && r.namespaces.includes(a.namespace))),
  );
}

export class TokenStore {
  readonly tokens = new Map<string, TokenInfo>();
  /** PEM of the cluster CA, written into service-account-token Secrets as ca.crt. */
  caPem = "";

  constructor(private readonly store: Store) {}

  /** The identity of a bearer token, or undefined (401) when it is unknown, expired or revoked. */
  authenticate(token: string, now = Date.now()): TokenInfo | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt !== undefined && now >= t.expiresAt) return undefined;
    if (t.sa) {
      const sa = this.store.get(R.sa, t.sa.namespace, t.sa.name);
      if (!sa || sa.metadata.uid !== t.sa.uid) return undefined;
    }
    if (t.secret) {
      const s = this.store.get(R.secret, t.secret.namespace, t.secret.name);
      if (!s || Buffer.from(s.data?.token ?? "", "base64").toString("utf8") !== token) return undefined;
    }
    return t;
  }

  private mintFor(sa: Obj, extra: Partial<TokenInfo>): string {
    const token = newToken();
    const username = saUsername(sa.metadata.namespace, sa.metadata.name);
    this.tokens.set(token, {
      user: username,
      groups: groupsForUser(username),
      admin: false,
      rules: [],
      uid: sa.metadata.uid,
      sa: { namespace: sa.metadata.namespace, name: sa.metadata.name, uid: sa.metadata.uid },
      ...extra,
    });
    return token;
  }

  /** POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token: a TokenRequest answer. */
  tokenRequest(namespace: string, name: string, body: Obj, dryRun: boolean): Obj {
    const sa = this.store.get(R.sa, namespace, name);
    if (!sa) throw notFound(R.sa, name);
    if (body?.kind && body.kind !== "TokenRequest")
      throw new ApiError(
        400,
        "BadRequest",
        `no kind "${body.kind}" is registered for the TokenRequest subresource`,
      );
    // spec.expirationSeconds: at least 10 minutes, default one hour (ValidateTokenRequest).
    const seconds = body?.spec?.expirationSeconds ?? 3600;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 600)
      throw new ApiError(
        422,
        "Invalid",
        `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${JSON.stringify(seconds)}: may not specify a duration less than 10 minutes`,
        {
          name,
          group: "authentication.k8s.io",
          kind: "TokenRequest",
          causes: [
            {
              reason: "FieldValueInvalid",
              message: "may not specify a duration less than 10 minutes",
              field: "spec.expirationSeconds",
            },
          ],
        },
      );
    const expiresAt = Date.now() + seconds * 1000;
    const token = dryRun ? "" : this.mintFor(sa, { expiresAt });
    return {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name, namespace, creationTimestamp: nowIso() },
      spec: {
        audiences: body?.spec?.audiences ?? ["https://kubernetes.default.svc.cluster.local"],
        expirationSeconds: seconds,
        boundObjectRef: body?.spec?.boundObjectRef ?? null,
      },
      status: { token, expirationTimestamp: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, "Z") },
    };
  }

  /**
   * The token controller: fills `kubernetes.io/service-account-token` Secrets whose ServiceAccount
   * exists (data token, ca.crt, namespace; annotation service-account.uid) and forgets tokens whose
   * Secret is gone. Returns whether it wrote anything.
   */
  syncSecrets(): boolean {
    let wrote = false;
    for (const s of this.store.list(R.secret)) {
      if (s.type !== "kubernetes.io/service-account-token" || s.data?.token) continue;
      const saName = s.metadata.annotations?.["kubernetes.io/service-account.name"];
      const sa = saName ? this.store.get(R.sa, s.metadata.namespace, saName) : undefined;
      if (!sa) continue; // the real controller waits for the ServiceAccount too
      const token = this.mintFor(sa, { secret: { namespace: s.metadata.namespace, name: s.metadata.name } });
      const b64 = (v: string) => Buffer.from(v).toString("base64");
      this.store.mutate(R.secret, s.metadata.namespace, s.metadata.name, (o) => {
        o.metadata.annotations = {
          ...(o.metadata.annotations ?? {}),
          "kubernetes.io/service-account.uid": sa.metadata.uid,
        };
        o.data = {
          ...(o.data ?? {}),
          token: b64(token),
          "ca.crt": b64(this.caPem),
          namespace: b64(s.metadata.namespace),
        };
      });
      wrote = true;
    }
    for (const [token, t] of this.tokens)
      if (t.secret && !this.store.get(R.secret, t.secret.namespace, t.secret.name)) this.tokens.delete(token);
    return wrote;
  }
}
