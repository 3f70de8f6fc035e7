// The API resources the simulator serves (discovery + routing table).

export interface ResDef {
  group: string; // "" for core
  version: string;
  name: string; // plural
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: string[]; // e.g. ["status", "log"]
  /** not stored: create-only review objects or computed metrics */
  virtual?: "review" | "metrics" | "events";
  /** PUT/PATCH on the main resource ignores .status (it has a status subresource) */
  statusSub?: boolean;
}

const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const ALL = ["all"];

export const RESOURCES: ResDef[] = [
  {
    group: "",
    version: "v1",
    name: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    namespaced: false,
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    shortNames: ["ns"],
    subresources: ["status"],
    statusSub: true,
  },
  {
    group: "",
    version: "v1",
    name: "nodes",
    singular: "node",
    kind: "Node",
    namespaced: false,
    verbs: RW,
    shortNames: ["no"],
    subresources: ["status"],
    statusSub: true,
  },
  {
    group: "",
    version: "v1",
    name: "pods",
    singular: "pod",
    kind: "Pod",
    namespaced: true,
    verbs: RW,
    shortNames: ["po"],
    categories: ALL,
    subresources: ["status", "log"],
    statusSub: true,
  },
  {
    group: "",
    version: "v1",
    name: "services",
    singular: "service",
    kind: "Service",
    namespaced: true,
    verbs: RW,
    shortNames: ["svc"],
    categories: ALL,
    subresources: ["status"],
    statusSub: true,
  },
  {
    group: "",
    version: "v1",
    name: "endpoints",
    singular: "endpoints",
    kind: "Endpoints",
    namespaced: true,
    verbs: RW,
    shortNames: ["ep"],
  },
  {
    group: "",
    version: "v1",
    name: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    verbs: RW,
    shortNames: ["ev"],
  },
  {
    // read-only view of the core Events (events-v1.ts)
    group: "events.k8s.io",
    version: "v1",
    name: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    verbs: ["get", "list"],
    // no "ev" short name here: kubectl 1.33 would warn that `ev` is ambiguous on every `get ev`
    virtual: "events",
  },
  {
    group: "",
    version: "v1",
    name: "resourcequotas",
    singular: "resourcequota",
    kind: "ResourceQuota",
    namespaced: true,
    verbs: RW,
    shortNames: ["quota"],
    subresources: ["status"],
    statusSub: true,
  },
  {
    group: "",
    version: "v1",
    name: "limitranges",
    singular: "limitrange",
    kind: "LimitRange",
    namespaced: true,
    verbs: RW,
    shortNames: ["limits"],
  },
  {
    group: "",
    version: "v1",
    name: "serviceaccounts",
    singular: "serviceaccount",
    kind: "ServiceAccount",
    namespaced: true,
    verbs: RW,
    shortNames: ["sa"],
  },
  {
    group: "",
    version: "v1",
    name: "secrets",
    singular: "secret",
    kind: "Secret",
    namespaced: true,
    verbs: RW,
  },
  {
    group: "",
    version: "v1",
    name: "configmaps",
    singular: "configmap",
    kind: "ConfigMap",
    namespaced: true,
    verbs: RW,
    shortNames: ["cm"],
  },
  {
    group: "",
    version: "v1",
    name: "persistentvolumeclaims",
    singular: "persistentvolumeclaim",
    kind: "PersistentVolumeClaim",
    namespaced: true,
    verbs: RW,
    shortNames: ["pvc"],
    subresources: ["status"],
    statusSub: true,
  },
  {
    group: "apps",
    version: "v1",
    name: "deployments",
    singular: "deployment",
    kind: "Deployment",
    namespaced: true,
    verbs: RW,
    shortNames: ["deploy"],
    categories: ALL,
    subresources: ["status", "scale"],
    statusSub: true,
  },
  {
    group: "apps",
    version: "v1",
    name: "replicasets",
    singular: "replicaset",
    kind: "ReplicaSet",
    namespaced: true,
    verbs: RW,
    shortNames: ["rs"],
    categories: ALL,
    subresources: ["status", "scale"],
    statusSub: true,
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    name: "networkpolicies",
    singular: "networkpolicy",
    kind: "NetworkPolicy",
    namespaced: true,
    verbs: RW,
    shortNames: ["netpol"],
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    name: "roles",
    singular: "role",
    kind: "Role",
    namespaced: true,
    verbs: RW,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    name: "rolebindings",
    singular: "rolebinding",
    kind: "RoleBinding",
    namespaced: true,
    verbs: RW,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    name: "clusterroles",
    singular: "clusterrole",
    kind: "ClusterRole",
    namespaced: false,
    verbs: RW,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    name: "clusterrolebindings",
    singular: "clusterrolebinding",
    kind: "ClusterRoleBinding",
    namespaced: false,
    verbs: RW,
  },
  {
    group: "authorization.k8s.io",
    version: "v1",
    name: "selfsubjectaccessreviews",
    singular: "selfsubjectaccessreview",
    kind: "SelfSubjectAccessReview",
    namespaced: false,
    verbs: ["create"],
    virtual: "review",
  },
  {
    group: "authorization.k8s.io",
    version: "v1",
    name: "selfsubjectrulesreviews",
    singular: "selfsubjectrulesreview",
    kind: "SelfSubjectRulesReview",
    namespaced: false,
    verbs: ["create"],
    virtual: "review",
  },
  {
    group: "metrics.k8s.io",
    version: "v1beta1",
    name: "pods",
    singular: "",
    kind: "PodMetrics",
    namespaced: true,
    verbs: ["get", "list"],
    virtual: "metrics",
  },
  {
    group: "metrics.k8s.io",
    version: "v1beta1",
    name: "nodes",
    singular: "",
    kind: "NodeMetrics",
    namespaced: false,
    verbs: ["get", "list"],
    virtual: "metrics",
  },
];

export const GROUPS: { name: string; version: string }[] = [
  { name: "apps", version: "v1" },
  { name: "networking.k8s.io", version: "v1" },
  { name: "rbac.authorization.k8s.io", version: "v1" },
  { name: "authorization.k8s.io", version: "v1" },
  { name: "events.k8s.io", version: "v1" },
  { name: "metrics.k8s.io", version: "v1beta1" },
];

export function findRes(group: string, version: string, name: string): ResDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === name);
}

export const resKey = (r: ResDef): string => `${r.group}/${r.name}`;
export const apiVersionOf = (r: ResDef): string => (r.group ? `${r.group}/${r.version}` : r.version);

// Shorthands for the resources the controllers and admission code touch by name.
const r = (group: string, name: string): ResDef => {
  const d = RESOURCES.find((x) => x.group === group && x.name === name && !x.virtual);
  if (!d) throw new Error(`no resource ${group}/${name}`);
  return d;
};
export const R = {
  ns: r("", "namespaces"),
  node: r("", "nodes"),
  pod: r("", "pods"),
  svc: r("", "services"),
  ev: r("", "events"),
  quota: r("", "resourcequotas"),
  lr: r("", "limitranges"),
  sa: r("", "serviceaccounts"),
  deploy: r("apps", "deployments"),
  rs: r("apps", "replicasets"),
};
