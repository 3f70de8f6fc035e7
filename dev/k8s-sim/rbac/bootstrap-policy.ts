// The default RBAC objects kube-apiserver creates at start (the ones that matter here): cluster-admin
// for system:masters, and what every authenticated user may do (discovery, health, self reviews).
// Created when missing, so a state file from before RBAC existed gets them too.
// Reference: kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (ClusterRoles,
// ClusterRoleBindings).
import { R } from "../resources";
import type { Store } from "../store";
import type { Obj } from "../util";

const bootstrapLabels = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const annotations = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

const clusterRoles: Obj[] = [
  {
    metadata: { name: "cluster-admin" },
    rules: [
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      { nonResourceURLs: ["*"], verbs: ["*"] },
    ],
  },
  {
    metadata: { name: "system:basic-user" },
    rules: [
      {
        apiGroups: ["authorization.k8s.io"],
        resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
        verbs: ["create"],
      },
      { apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"], verbs: ["create"] },
    ],
  },
  {
    metadata: { name: "system:discovery" },
    rules: [
      {
        nonResourceURLs: [
          "/api",
          "/api/*",
          "/apis",
          "/apis/*",
          "/healthz",
          "/livez",
          "/openapi",
          "/openapi/*",
          "/readyz",
          "/version",
          "/version/",
        ],
        verbs: ["get"],
      },
    ],
  },
  {
    metadata: { name: "system:public-info-viewer" },
    rules: [{ nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"] }],
  },
];

const clusterRoleBindings: Obj[] = [
  { name: "cluster-admin", role: "cluster-admin", group: "system:masters" },
  { name: "system:basic-user", role: "system:basic-user", group: "system:authenticated" },
  { name: "system:discovery", role: "system:discovery", group: "system:authenticated" },
  { name: "system:public-info-viewer", role: "system:public-info-viewer", group: "system:authenticated" },
].map((b) => ({
  metadata: { name: b.name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: b.role },
  subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: b.group }],
}));

export function ensureBootstrapPolicy(store: Store): void {
  const put = (def: typeof R.clusterRole, o: Obj) => {
    if (store.get(def, "", o.metadata.name)) return;
    store.insert(def, {
      ...structuredClone(o),
      kind: def.kind,
      apiVersion: "rbac.authorization.k8s.io/v1",
      metadata: { ...o.metadata, labels: bootstrapLabels, annotations },
    });
  };
  for (const r of clusterRoles) put(R.clusterRole, r);
  for (const b of clusterRoleBindings) put(R.clusterRoleBinding, b);
}
