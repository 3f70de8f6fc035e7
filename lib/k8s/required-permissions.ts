// Everything KubeBid does on a provider's cluster, as RBAC. The ClusterRole of the RBAC manifest
// (rbac-manifest.ts) is generated from this list and the onboarding probe (probe-cluster.ts) checks
// each entry with SelfSubjectAccessReviews, so the two cannot drift apart. Add a verb here when code
// starts using it.
//
// Why cluster-wide: every lease gets a new namespace `kb-lease-<id>`, so a namespaced Role cannot be
// granted in advance. RBAC cannot restrict by namespace prefix; the write verbs below are what a
// lease needs and nothing broader (no secrets, no RBAC, no pods/exec, no cluster-scoped writes but
// namespaces).

export interface RequiredPermission {
  /** Stable id, also the probe check id (`perm:<id>`). */
  id: string;
  label: string;
  /** API group ("" = core). */
  group: string;
  resource: string;
  subresource?: string;
  verbs: readonly string[];
  /** Missing optional permissions are a warning, not a failure. */
  optional?: boolean;
  why: string;
}

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  {
    id: "nodes",
    label: "Read nodes",
    group: "",
    resource: "nodes",
    verbs: ["get", "list"],
    why: "to discover CPU, memory and GPUs to offer",
  },
  {
    id: "pods",
    label: "Read pods",
    group: "",
    resource: "pods",
    verbs: ["get", "list"],
    // Cluster-wide list: the inventory loop, and the metrics poller's one pod list per cluster and
    // interval for all lease namespaces at once (by label selector; lib/k8s/read-cluster-lease-pods.ts).
    why: "to subtract running pods from free capacity and report lease status (one cluster-wide list per interval)",
  },
  {
    id: "pods-log",
    label: "Read pod logs",
    group: "",
    resource: "pods",
    subresource: "log",
    verbs: ["get"],
    why: "to stream a tenant's logs to the tenant",
  },
  {
    id: "events",
    label: "Read events",
    group: "",
    resource: "events",
    verbs: ["list"],
    why: "to explain why a lease's pods do not start",
  },
  {
    id: "namespaces",
    label: "Manage lease namespaces",
    group: "",
    resource: "namespaces",
    verbs: ["get", "list", "create", "patch", "delete"],
    why: "each lease runs in its own namespace, deleted when the lease closes",
  },
  {
    id: "resourcequotas",
    label: "Manage resource quotas",
    group: "",
    resource: "resourcequotas",
    verbs: ["get", "create", "patch"],
    why: "to cap each lease at what was bought",
  },
  {
    id: "limitranges",
    label: "Manage limit ranges",
    group: "",
    resource: "limitranges",
    verbs: ["get", "create", "patch"],
    why: "to give a lease's containers default limits",
  },
  {
    id: "services",
    label: "Manage services",
    group: "",
    resource: "services",
    verbs: ["get", "create", "patch"],
    why: "to expose a lease's ports inside the cluster",
  },
  {
    id: "deployments",
    label: "Manage deployments",
    group: "apps",
    resource: "deployments",
    verbs: ["get", "create", "patch"],
    why: "to run a lease's workload",
  },
  {
    id: "networkpolicies",
    label: "Manage network policies",
    group: "networking.k8s.io",
    resource: "networkpolicies",
    verbs: ["get", "create", "patch"],
    why: "to isolate each lease from other namespaces and private networks",
  },
  {
    id: "pod-metrics",
    label: "Read pod metrics",
    group: "metrics.k8s.io",
    resource: "pods",
    verbs: ["get", "list"],
    optional: true,
    // Cluster-wide list, once per interval for all leases (lib/k8s/read-cluster-lease-pods.ts).
    why: "to show tenants their CPU and memory usage (needs metrics-server; one cluster-wide list per interval)",
  },
];
