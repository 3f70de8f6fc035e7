import { stringify } from "yaml";
import { LABELS, LEASE_NAMESPACE_PREFIX, WORKLOAD_PART } from "./build-lease-objects";
import {
  CONFINEMENT_POLICY,
  DETECT_ROLE,
  KUBEBID_USER,
  LEASE_WORKLOAD_ROLE,
  permissionsIn,
  RBAC_NAME,
  RBAC_NAMESPACE,
  type RequiredPermission,
} from "./required-permissions";

// The least-privilege setup the onboarding wizard shows a provider (kubectl apply -f), generated from
// REQUIRED_PERMISSIONS so it cannot drift from what the code calls and the probe checks:
// - ServiceAccount `kubebid` in `kubebid-system` and a token Secret for it;
// - ClusterRole + ClusterRoleBinding `kubebid`: cluster-wide reads and the lease-namespace lifecycle;
// - Role + RoleBinding `kubebid-cluster-detect` in kube-system: DaemonSet list (CNI, NodeLocal DNS);
// - ClusterRole `kubebid-lease-workload`, deliberately NOT bound: KubeBid binds it in each lease
//   namespace with a RoleBinding, which it may create because it holds `bind` on that role only;
// - ValidatingAdmissionPolicy + binding `kubebid-lease-confinement` (Kubernetes >= 1.30), confining
//   KubeBid's identity: RBAC cannot restrict by namespace name, so the policy is what stops the
//   namespace and RoleBinding rights from reaching beyond `kb-lease-*`;
// plus the shell commands that turn the token Secret into a kubeconfig KubeBid accepts.

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface RbacManifest {
  /** Multi-document YAML for `kubectl apply -f`. */
  yaml: string;
  /** POSIX shell that applies it and writes `kubebid.kubeconfig`. */
  commands: string;
  /** The cluster-wide ClusterRole's rules. */
  rules: PolicyRule[];
  /** The lease workload ClusterRole's rules (bound per lease namespace). */
  leaseRules: PolicyRule[];
  /** Every object of `yaml`, in order. */
  objects: Array<
    Record<string, unknown> & {
      kind: string;
      metadata: {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
    }
  >;
}

export interface RbacManifestOptions {
  /** The API server address KubeBid should use (public). Default: the one in the current kubectl context. */
  server?: string;
  /** File the commands write. */
  output?: string;
}

const toRules = (perms: RequiredPermission[]): PolicyRule[] =>
  perms.map((p) => ({
    apiGroups: [p.group],
    resources: [p.subresource ? `${p.resource}/${p.subresource}` : p.resource],
    verbs: [...p.verbs],
    ...(p.resourceNames ? { resourceNames: [...p.resourceNames] } : {}),
  }));

const MANAGED = `'${LABELS.managedBy}'`;
const LEASE = `'${LABELS.lease}'`;
const ENFORCE = "'pod-security.kubernetes.io/enforce'";
const PART = `'${LABELS.part}'`;
/** A namespace object `o` carries KubeBid's labels (CEL). */
const kubebidLabels = (o: string) =>
  `has(${o}.metadata.labels) && ${MANAGED} in ${o}.metadata.labels && ${o}.metadata.labels[${MANAGED}] == 'kubebid' && ${LEASE} in ${o}.metadata.labels`;

/** The admission policy confining KubeBid's identity (part of the generated manifest). */
function confinementPolicy() {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name: CONFINEMENT_POLICY },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ["*"],
            apiVersions: ["*"],
            resources: ["*/*"],
            operations: ["CREATE", "UPDATE", "DELETE"],
          },
        ],
        // Access reviews are creates too; kube-apiserver does not run validating admission on them
        // today, and this keeps the probe's SelfSubjectAccessReviews working if it ever does.
        excludeResourceRules: [
          { apiGroups: ["authorization.k8s.io"], apiVersions: ["*"], resources: ["*"], operations: ["*"] },
        ],
      },
      matchConditions: [
        { name: "kubebid-only", expression: `request.userInfo.username == '${KUBEBID_USER}'` },
      ],
      validations: [
        {
          expression: `request.resource.resource == 'namespaces' ? request.name.startsWith('${LEASE_NAMESPACE_PREFIX}') : request.namespace.startsWith('${LEASE_NAMESPACE_PREFIX}')`,
          message: `KubeBid may only write lease namespaces (${LEASE_NAMESPACE_PREFIX}*) and what is inside them`,
        },
        {
          expression: `request.resource.resource != 'namespaces' || request.operation == 'DELETE' || (${kubebidLabels("object")})`,
          message: "KubeBid's lease namespaces must carry its labels",
        },
        {
          expression: `request.resource.resource != 'namespaces' || request.operation != 'DELETE' || (${kubebidLabels("oldObject")})`,
          message: "KubeBid may only delete namespaces it created",
        },
        {
          expression: `request.resource.resource == 'namespaces' || (namespaceObject != null && ${kubebidLabels("namespaceObject")})`,
          message: "KubeBid may only write inside namespaces it created",
        },
        {
          expression: `request.resource.resource != 'namespaces' || request.operation == 'DELETE' || (has(object.metadata.labels) && ${ENFORCE} in object.metadata.labels && object.metadata.labels[${ENFORCE}] in ['baseline', 'restricted'])`,
          message:
            "KubeBid may not weaken Pod Security: a lease namespace must enforce baseline or restricted",
        },
        {
          // Pruning a lease's objects (apply-lease-workload.ts) deletes only what a lease build made;
          // a tenant's custom domain is an Ingress of its own (lib/lease/domains/domain-ingress.ts),
          // deleted when the tenant removes the domain. Nothing else in the namespace is KubeBid's to delete.
          expression: `request.operation != 'DELETE' || request.resource.resource == 'namespaces' || (has(oldObject.metadata.labels) && ${PART} in oldObject.metadata.labels && (oldObject.metadata.labels[${PART}] == '${WORKLOAD_PART}' || (request.resource.resource == 'ingresses' && oldObject.metadata.labels[${PART}] == 'custom-domain')))`,
          message:
            "KubeBid may delete only its lease namespaces, the workload objects it made in them and the Ingresses of custom domains",
        },
        {
          expression: `request.resource.resource != 'rolebindings' || request.operation == 'DELETE' || (object.roleRef.kind == 'ClusterRole' && object.roleRef.name == '${LEASE_WORKLOAD_ROLE}' && has(object.subjects) && object.subjects.all(s, s.kind == 'ServiceAccount' && s.name == '${RBAC_NAME}' && s.namespace == '${RBAC_NAMESPACE}'))`,
          message: `KubeBid may only bind ${LEASE_WORKLOAD_ROLE}, and only to itself`,
        },
      ],
    },
  };
}

export function generateRbacManifest(opts: RbacManifestOptions = {}): RbacManifest {
  const rules = toRules(permissionsIn("cluster"));
  const detectRules = toRules(permissionsIn("kube-system"));
  const leaseRules = toRules(permissionsIn("lease"));
  const labels = { [LABELS.managedBy]: "kubebid" };
  const rbac = "rbac.authorization.k8s.io";
  const self = [{ kind: "ServiceAccount", name: RBAC_NAME, namespace: RBAC_NAMESPACE }];
  const objects: RbacManifest["objects"] = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: RBAC_NAMESPACE, labels } },
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: RBAC_NAME, namespace: RBAC_NAMESPACE, labels },
    },
    { apiVersion: `${rbac}/v1`, kind: "ClusterRole", metadata: { name: RBAC_NAME, labels }, rules },
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: RBAC_NAME, labels },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: RBAC_NAME },
      subjects: self,
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "Role",
      metadata: { name: DETECT_ROLE, namespace: "kube-system", labels },
      rules: detectRules,
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "RoleBinding",
      metadata: { name: DETECT_ROLE, namespace: "kube-system", labels },
      roleRef: { apiGroup: rbac, kind: "Role", name: DETECT_ROLE },
      subjects: self,
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRole",
      metadata: { name: LEASE_WORKLOAD_ROLE, labels },
      rules: leaseRules,
    },
    { ...confinementPolicy(), metadata: { name: CONFINEMENT_POLICY, labels } },
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: CONFINEMENT_POLICY, labels },
      spec: { policyName: CONFINEMENT_POLICY, validationActions: ["Deny"] },
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
  const yaml = objects.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");

  const out = opts.output ?? "kubebid.kubeconfig";
  const secret = `kubectl -n ${RBAC_NAMESPACE} get secret ${RBAC_NAME}-token`;
  const server = opts.server
    ? `SERVER='${opts.server.replace(/'/g, "")}'`
    : `SERVER="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"  # must be reachable from the internet`;
  const commands = [
    "set -eu",
    "# Needs Kubernetes 1.30 or later (ValidatingAdmissionPolicy).",
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
  return { yaml, commands: `${commands}\n`, rules, leaseRules, objects };
}
