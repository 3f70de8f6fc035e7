// Everything KubeBid does on a provider's cluster, as RBAC, and where each right is granted. The RBAC
// manifest (rbac-manifest.ts) is generated from this list, the onboarding probe (probe-cluster.ts)
// checks each entry with SelfSubjectAccessReviews, and required-permissions.test.ts fails when code
// in lib/ makes a Kubernetes call this list does not cover. Add an entry when code starts a new call.
//
// Scopes:
// - `cluster`: ClusterRole `kubebid`, bound cluster-wide. Reads KubeBid needs everywhere (nodes and
//   pods for the inventory and the metrics poller) and the lease namespaces' lifecycle. Writes here
//   are confined by the ValidatingAdmissionPolicy of the manifest: namespaces named `kb-lease-*`
//   with KubeBid's labels, Pod Security enforce `baseline`/`restricted`, deletes of lease namespaces
//   only, RoleBindings only of the workload role to KubeBid itself.
// - `kube-system`: Role `kubebid-cluster-detect` in kube-system: listing DaemonSets to detect the CNI
//   (NetworkPolicy enforcement) and NodeLocal DNSCache.
// - `lease`: ClusterRole `kubebid-lease-workload`, never bound cluster-wide: KubeBid binds it in each
//   lease namespace it creates (RoleBinding `kubebid`), so workload rights exist only there. `get` on
//   what it applies lets it read back its own objects (server-side apply needs `create` for objects
//   that do not exist yet and `patch` for the rest); `list` and `delete` prune what a new build of the
//   lease no longer has (the admission policy allows deleting only objects labelled as KubeBid's
//   workload).

export type PermissionScope = "cluster" | "kube-system" | "lease";

export interface RequiredPermission {
  /** Stable id, also the probe check id (`perm:<id>`). */
  id: string;
  label: string;
  /** API group ("" = core). */
  group: string;
  resource: string;
  subresource?: string;
  verbs: readonly string[];
  /** RBAC resourceNames: the right holds for these objects only. */
  resourceNames?: readonly string[];
  scope: PermissionScope;
  /** Missing optional permissions are a warning, not a failure. */
  optional?: boolean;
  why: string;
}

export const RBAC_NAMESPACE = "kubebid-system";
export const RBAC_NAME = "kubebid";
/** The workload ClusterRole KubeBid binds in each lease namespace. */
export const LEASE_WORKLOAD_ROLE = "kubebid-lease-workload";
/** The RoleBinding of LEASE_WORKLOAD_ROLE in a lease namespace. */
export const LEASE_ROLE_BINDING = "kubebid";
export const DETECT_ROLE = "kubebid-cluster-detect";
export const CONFINEMENT_POLICY = "kubebid-lease-confinement";
/** KubeBid's identity on the cluster. */
export const KUBEBID_USER = `system:serviceaccount:${RBAC_NAMESPACE}:${RBAC_NAME}`;

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  // ---- cluster-wide (ClusterRole kubebid) ----
  {
    id: "nodes",
    label: "Read nodes",
    group: "",
    resource: "nodes",
    verbs: ["list"],
    scope: "cluster",
    why: "to discover CPU, memory and GPUs to offer",
  },
  {
    id: "pods",
    label: "List pods",
    group: "",
    resource: "pods",
    verbs: ["list"],
    scope: "cluster",
    why: "to subtract running pods from free capacity, and to read all leases' pods in one request",
  },
  {
    id: "pod-metrics",
    label: "Read pod metrics",
    group: "metrics.k8s.io",
    resource: "pods",
    verbs: ["list"],
    scope: "cluster",
    optional: true,
    why: "to show tenants their CPU and memory usage, one request per cluster (needs metrics-server)",
  },
  {
    id: "node-metrics",
    label: "Read node metrics",
    group: "metrics.k8s.io",
    resource: "nodes",
    verbs: ["list"],
    scope: "cluster",
    optional: true,
    why: "to show node usage next to capacity (needs metrics-server)",
  },
  {
    id: "ingressclasses",
    label: "Read IngressClasses",
    group: "networking.k8s.io",
    resource: "ingressclasses",
    verbs: ["list"],
    scope: "cluster",
    optional: true,
    why: "to expose leases' HTTP ports through the provider's ingress controller",
  },
  {
    id: "storageclasses",
    label: "Read StorageClasses",
    group: "storage.k8s.io",
    resource: "storageclasses",
    verbs: ["list"],
    scope: "cluster",
    optional: true,
    why: "to offer volumes of the provider's storage classes",
  },
  {
    id: "clusterissuers",
    label: "Read cert-manager ClusterIssuers",
    group: "cert-manager.io",
    resource: "clusterissuers",
    verbs: ["get"],
    scope: "cluster",
    optional: true,
    why: "to check that the ClusterIssuer declared for lease TLS exists (when cert-manager is installed)",
  },
  {
    id: "namespaces",
    label: "Manage lease namespaces",
    group: "",
    resource: "namespaces",
    verbs: ["get", "list", "create", "patch", "delete"],
    scope: "cluster",
    why: "each lease runs in its own namespace kb-lease-<id>, deleted when the lease closes (the admission policy confines these rights to kb-lease-*)",
  },
  {
    id: "rolebindings",
    label: "Bind the workload role in lease namespaces",
    group: "rbac.authorization.k8s.io",
    resource: "rolebindings",
    verbs: ["create"],
    scope: "cluster",
    why: "to give itself workload rights in a new lease namespace (the admission policy allows only that binding, only there)",
  },
  {
    id: "bind-workload-role",
    label: `Bind only ${LEASE_WORKLOAD_ROLE}`,
    group: "rbac.authorization.k8s.io",
    resource: "clusterroles",
    verbs: ["bind"],
    resourceNames: [LEASE_WORKLOAD_ROLE],
    scope: "cluster",
    why: "so the RoleBinding may reference the workload role without KubeBid holding its rights cluster-wide",
  },
  // ---- kube-system (Role kubebid-cluster-detect) ----
  {
    id: "kube-system-daemonsets",
    label: "List DaemonSets in kube-system",
    group: "apps",
    resource: "daemonsets",
    verbs: ["list"],
    scope: "kube-system",
    optional: true,
    why: "to detect a NetworkPolicy-enforcing CNI and NodeLocal DNSCache",
  },
  // ---- lease namespaces only (ClusterRole kubebid-lease-workload, bound per namespace) ----
  {
    id: "resourcequotas",
    label: "Manage resource quotas",
    group: "",
    resource: "resourcequotas",
    verbs: ["get", "create", "patch"],
    scope: "lease",
    why: "to cap each lease at what was bought",
  },
  {
    id: "limitranges",
    label: "Manage limit ranges",
    group: "",
    resource: "limitranges",
    verbs: ["get", "create", "patch"],
    scope: "lease",
    why: "to give a lease's containers default limits",
  },
  {
    id: "networkpolicies",
    label: "Manage network policies",
    group: "networking.k8s.io",
    resource: "networkpolicies",
    verbs: ["get", "list", "create", "patch", "delete"],
    scope: "lease",
    why: "to isolate each lease from other namespaces and private networks",
  },
  {
    id: "services",
    label: "Manage services",
    group: "",
    resource: "services",
    verbs: ["get", "list", "create", "patch", "delete"],
    scope: "lease",
    why: "to let a lease's services reach each other, and expose its TCP/UDP ports through NodePorts or load balancers",
  },
  {
    id: "deployments",
    label: "Manage deployments",
    group: "apps",
    resource: "deployments",
    verbs: ["get", "list", "create", "patch", "delete"],
    scope: "lease",
    why: "to run a lease's workload and report its readiness",
  },
  {
    id: "horizontalpodautoscalers",
    label: "Manage horizontal pod autoscalers",
    group: "autoscaling",
    resource: "horizontalpodautoscalers",
    verbs: ["get", "list", "create", "patch", "delete"],
    scope: "lease",
    why: "to scale a lease's autoscaled services between the replicas its tenant chose and bought, and report their state",
  },
  {
    id: "ingresses",
    label: "Manage ingresses",
    group: "networking.k8s.io",
    resource: "ingresses",
    verbs: ["get", "list", "create", "patch", "delete"],
    scope: "lease",
    why: "to route a lease's HTTP ports through your IngressClass",
  },
  {
    id: "persistentvolumeclaims",
    label: "Manage volume claims",
    group: "",
    resource: "persistentvolumeclaims",
    verbs: ["get", "list", "create", "patch", "delete"],
    scope: "lease",
    why: "to give a lease's services persistent volumes of the storage classes you offer",
  },
  {
    id: "lease-secrets",
    label: "Write a lease's secrets",
    group: "",
    resource: "secrets",
    // No get or list: KubeBid writes the tenant's secret values and never reads a Secret back.
    verbs: ["create", "patch", "delete"],
    scope: "lease",
    why: "to hand a lease's containers the secret values its tenant gave (never read back)",
  },
  {
    id: "lease-pods",
    label: "Read a lease's pods",
    group: "",
    resource: "pods",
    verbs: ["list"],
    scope: "lease",
    why: "to report a lease's status",
  },
  {
    id: "pods-log",
    label: "Read pod logs",
    group: "",
    resource: "pods",
    subresource: "log",
    verbs: ["get"],
    scope: "lease",
    why: "to stream a tenant's logs to the tenant",
  },
  {
    id: "pods-exec",
    label: "Open a shell in a lease's pods",
    group: "",
    resource: "pods",
    subresource: "exec",
    // A WebSocket exec is a GET authorized as `get`, and since 1.35 also as `create`
    // (AuthorizePodWebsocketUpgradeCreatePermission); SPDY's POST is `create`.
    verbs: ["get", "create"],
    scope: "lease",
    why: "to give a lease's tenant a shell in its own containers (the lease page's Shell tab)",
  },
  {
    id: "events",
    label: "Read events",
    group: "",
    resource: "events",
    verbs: ["list"],
    scope: "lease",
    why: "to explain why a lease's pods do not start",
  },
  {
    id: "lease-pod-metrics",
    label: "Read a lease's pod metrics",
    group: "metrics.k8s.io",
    resource: "pods",
    verbs: ["list"],
    scope: "lease",
    optional: true,
    // Cluster-wide list, once per interval for all leases (lib/k8s/read-cluster-lease-pods.ts).
    why: "to show tenants their CPU and memory usage (needs metrics-server; one cluster-wide list per interval)",
  },
];

export const permissionsIn = (scope: PermissionScope) =>
  REQUIRED_PERMISSIONS.filter((p) => p.scope === scope);
