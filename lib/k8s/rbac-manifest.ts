import { stringify } from "yaml";
import { REQUIRED_PERMISSIONS } from "./required-permissions";

// The least-privilege setup the onboarding wizard shows a provider: a ServiceAccount `kubebid` in
// `kubebid-system`, a ClusterRole generated from REQUIRED_PERMISSIONS (what the probe checks), its
// binding, and a long-lived token Secret; plus the shell commands that turn that Secret into a
// kubeconfig KubeBid accepts (embedded CA, bearer token, no exec plugin, no file paths).

export const RBAC_NAMESPACE = "kubebid-system";
export const RBAC_NAME = "kubebid";

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface RbacManifest {
  /** Multi-document YAML for `kubectl apply -f`. */
  yaml: string;
  /** POSIX shell that applies it and writes `kubebid.kubeconfig`. */
  commands: string;
  /** The ClusterRole's rules (also handy for tests). */
  rules: PolicyRule[];
}

export interface RbacManifestOptions {
  /** The API server address KubeBid should use (public). Default: the one in the current kubectl context. */
  server?: string;
  /** File the commands write. */
  output?: string;
}

export function generateRbacManifest(opts: RbacManifestOptions = {}): RbacManifest {
  const rules: PolicyRule[] = REQUIRED_PERMISSIONS.map((p) => ({
    apiGroups: [p.group],
    resources: [p.subresource ? `${p.resource}/${p.subresource}` : p.resource],
    verbs: [...p.verbs],
  }));
  const labels = { "app.kubernetes.io/managed-by": "kubebid" };
  const docs = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: RBAC_NAMESPACE, labels } },
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: RBAC_NAME, namespace: RBAC_NAMESPACE, labels },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: RBAC_NAME, labels },
      rules,
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: RBAC_NAME, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: RBAC_NAME },
      subjects: [{ kind: "ServiceAccount", name: RBAC_NAME, namespace: RBAC_NAMESPACE }],
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/service-account-token",
      metadata: {
        name: `${RBAC_NAME}-token`,
        namespace: RBAC_NAMESPACE,
        labels,
        annotations: { "kubernetes.io/service-account.name": RBAC_NAME },
      },
    },
  ];
  const yaml = docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");

  const out = opts.output ?? "kubebid.kubeconfig";
  const secret = `kubectl -n ${RBAC_NAMESPACE} get secret ${RBAC_NAME}-token`;
  const server = opts.server
    ? `SERVER='${opts.server.replace(/'/g, "")}'`
    : `SERVER="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"  # must be reachable from the internet`;
  const commands = [
    "set -eu",
    "kubectl apply -f kubebid-rbac.yaml",
    "# Wait for Kubernetes to put the service account's token into the Secret.",
    `until [ -n "$(${secret} -o jsonpath='{.data.token}')" ]; do sleep 1; done`,
    server,
    `TOKEN="$(${secret} -o jsonpath='{.data.token}' | base64 --decode)"`,
    `CA_FILE="$(mktemp)"`,
    `${secret} -o jsonpath='{.data.ca\\.crt}' | base64 --decode > "$CA_FILE"`,
    `kubectl config --kubeconfig=${out} set-cluster kubebid --server="$SERVER" --certificate-authority="$CA_FILE" --embed-certs=true`,
    `kubectl config --kubeconfig=${out} set-credentials kubebid --token="$TOKEN"`,
    `kubectl config --kubeconfig=${out} set-context kubebid --cluster=kubebid --user=kubebid`,
    `kubectl config --kubeconfig=${out} use-context kubebid`,
    `rm -f "$CA_FILE"`,
    `echo "Upload ${out} to KubeBid."`,
  ].join("\n");
  return { yaml, commands: `${commands}\n`, rules };
}
