// Sets a simulated cluster up the way the onboarding wizard tells a provider to: the generated RBAC
// manifest is applied with the cluster's bootstrap admin token (the provider's kubectl), then a
// token for KubeBid's ServiceAccount is taken from the TokenRequest API or from the manifest's
// token Secret. Only that token is handed to KubeBid; the admin token is not used afterwards.
// Used by the demo seed and by tests that must run with nothing but KubeBid's real rights.
import { request } from "node:https";
import { generateRbacManifest } from "@/lib/k8s/rbac-manifest";
import { RBAC_NAME, RBAC_NAMESPACE } from "@/lib/k8s/required-permissions";
import type { SimCluster } from "./k8s-sim/simulator";

const PATHS: Record<string, (ns: string, name: string) => string> = {
  Namespace: (_ns, n) => `/api/v1/namespaces/${n}`,
  ServiceAccount: (ns, n) => `/api/v1/namespaces/${ns}/serviceaccounts/${n}`,
  Secret: (ns, n) => `/api/v1/namespaces/${ns}/secrets/${n}`,
  ClusterRole: (_ns, n) => `/apis/rbac.authorization.k8s.io/v1/clusterroles/${n}`,
  ClusterRoleBinding: (_ns, n) => `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${n}`,
  Role: (ns, n) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/${n}`,
  RoleBinding: (ns, n) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/${n}`,
  ValidatingAdmissionPolicy: (_ns, n) =>
    `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${n}`,
  ValidatingAdmissionPolicyBinding: (_ns, n) =>
    `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${n}`,
};

function call(
  cluster: SimCluster,
  ca: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<{ status: number; json: Record<string, unknown> & { status?: { token?: string } } }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${cluster.server}${path}`,
      {
        method,
        ca,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          ...(text ? { "content-type": contentType } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(raw) });
          } catch {
            resolve({ status: res.statusCode ?? 0, json: { message: raw } });
          }
        });
      },
    );
    req.on("error", reject);
    if (text) req.write(text);
    req.end();
  });
}

export interface ProvisionOptions {
  /** `token-request` (default): the TokenRequest API; `secret`: the manifest's token Secret, as the wizard's commands read it. */
  via?: "token-request" | "secret";
  /** TokenRequest lifetime (default one hour). */
  expirationSeconds?: number;
}

/** Applies the generated RBAC as the cluster's admin and returns a token for KubeBid's ServiceAccount. */
export async function provisionKubebidAccess(
  cluster: SimCluster,
  caPem: string,
  opts: ProvisionOptions = {},
): Promise<string> {
  const admin = cluster.adminToken;
  for (const o of generateRbacManifest().objects) {
    const path = PATHS[o.kind];
    if (!path) throw new Error(`no path for ${o.kind}`);
    const r = await call(
      cluster,
      caPem,
      admin,
      "PATCH",
      `${path(o.metadata.namespace ?? "", o.metadata.name)}?fieldManager=kubectl&force=true`,
      o,
      "application/apply-patch+yaml",
    );
    if (r.status >= 300) throw new Error(`apply ${o.kind} ${o.metadata.name}: ${r.status} ${r.json.message}`);
  }
  if (opts.via === "secret") {
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const s = await call(cluster, caPem, admin, "GET", PATHS.Secret!(RBAC_NAMESPACE, `${RBAC_NAME}-token`));
      const data = s.json.data as Record<string, string> | undefined;
      if (data?.token) return Buffer.from(data.token, "base64").toString("utf8");
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the token controller did not fill the token Secret");
  }
  const tr = await call(
    cluster,
    caPem,
    admin,
    "POST",
    `${PATHS.ServiceAccount!(RBAC_NAMESPACE, RBAC_NAME)}/token`,
    {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: opts.expirationSeconds ?? 3600 },
    },
  );
  const token = tr.json.status?.token;
  if (tr.status !== 201 || !token) throw new Error(`TokenRequest: ${tr.status} ${tr.json.message}`);
  return token;
}
