import "server-only";
import { randomBytes } from "node:crypto";
import { ApiException } from "@kubernetes/client-node";
import { leaseRoleBinding } from "./apply-lease-workload";
import { LABELS, LEASE_NAMESPACE_PREFIX } from "./build-lease-objects";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";
import type { ProbeCheck } from "./probe-cluster";
import { LEASE_WORKLOAD_ROLE, permissionsIn, RBAC_NAMESPACE } from "./required-permissions";

// Both directions of least privilege, for the onboarding probe.
// - What KubeBid needs inside a lease namespace cannot be asked of a namespace that does not exist
//   (the rights come from a RoleBinding KubeBid creates there), so the probe does what a lease does:
//   it creates a trial lease namespace, binds the workload role in it, asks SelfSubjectAccessReviews
//   there, and deletes it again.
// - What KubeBid must NOT be able to do: SelfSubjectAccessReviews for rights RBAC alone must withhold
//   (workloads outside lease namespaces, Secrets, cluster RBAC, escalate/bind/impersonate, writes to
//   the IngressClasses and StorageClasses it reads), and
//   server-side dry runs for what only the admission policy stops (weakening a lease namespace's Pod
//   Security, touching other namespaces): a dry run goes through admission but changes nothing.
// Checks of the second kind have kind "excess"; over-privileged credentials fail them.

const HINT_EXCESS =
  "KubeBid's credentials can do more than it needs, and a leak of them would reach further. Apply the RBAC manifest KubeBid shows you (Kubernetes 1.30 or later for its admission policy) and upload the kubeconfig its commands write, or accept the risk below.";

export const EXCESS_CHECKS = [
  "deny:workloads-outside",
  "deny:secrets",
  "deny:cluster-rbac",
  "deny:escalate",
  "deny:cluster-config",
  "deny:pod-security",
  "deny:other-namespaces",
] as const;

interface Attrs {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

async function can(client: ClusterClient, a: Attrs): Promise<boolean> {
  const review = await client.authorization.createSelfSubjectAccessReview({
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: { resourceAttributes: a },
    },
  });
  return review.status?.allowed === true;
}

const describeAttrs = (a: Attrs) =>
  `${a.verb} ${a.group ? `${a.group}/` : ""}${a.subresource ? `${a.resource}/${a.subresource}` : a.resource}${a.name ? ` "${a.name}"` : ""}${a.namespace ? ` in ${a.namespace}` : " cluster-wide"}`;

export interface LeaseTrial {
  checks: ProbeCheck[];
  namespace: string;
  namespaceCreated: boolean;
  cleanup(): Promise<void>;
}

/** The lease-namespace rights, checked in a trial lease namespace KubeBid creates and binds. */
export async function checkLeaseRights(client: ClusterClient): Promise<LeaseTrial> {
  const leaseId = `probe-${randomBytes(4).toString("hex")}`;
  const namespace = `${LEASE_NAMESPACE_PREFIX}${leaseId}`;
  const perms = permissionsIn("lease");
  const trial: LeaseTrial = { checks: [], namespace, namespaceCreated: false, cleanup: async () => {} };
  let setupError: string | null = null;
  try {
    await client.core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: {
            [LABELS.managedBy]: "kubebid",
            [LABELS.lease]: leaseId,
            "pod-security.kubernetes.io/enforce": "restricted",
          },
        },
      },
    });
    trial.namespaceCreated = true;
    trial.cleanup = async () => {
      await client.core.deleteNamespace({ name: namespace }).catch(() => {});
    };
    await client.requestJson(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      method: "POST",
      body: leaseRoleBinding(namespace),
    });
  } catch (error) {
    setupError = toClusterError(
      error,
      trial.namespaceCreated ? `bind ${LEASE_WORKLOAD_ROLE}` : "create a lease namespace",
    ).message;
  }
  // RBAC authorizers read bindings from a cache: give a fresh binding a moment (all checks at once).
  let missing = new Map<string, string[]>();
  if (!setupError)
    for (let attempt = 0; attempt < 10; attempt++) {
      const results = await Promise.all(
        perms.flatMap((p) =>
          p.verbs.map(async (verb) => ({
            id: p.id,
            verb,
            ok: await can(client, {
              verb,
              group: p.group,
              resource: p.resource,
              subresource: p.subresource,
              namespace,
            }),
          })),
        ),
      );
      missing = new Map();
      for (const r of results) if (!r.ok) missing.set(r.id, [...(missing.get(r.id) ?? []), r.verb]);
      if (missing.size === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  for (const p of perms) {
    const id = `perm:${p.id}`;
    const resource = `${p.group ? `${p.group}/` : ""}${p.subresource ? `${p.resource}/${p.subresource}` : p.resource}`;
    const label = `${p.label} (${p.verbs.join(", ")} ${resource} in lease namespaces)`;
    const lacking = missing.get(p.id) ?? [];
    if (setupError)
      trial.checks.push({
        id,
        label,
        status: p.optional ? "warn" : "fail",
        detail: `Not checked: ${setupError}`,
        hint: `KubeBid must be able to create kb-lease-* namespaces and bind ${LEASE_WORKLOAD_ROLE} in them. Apply the RBAC manifest KubeBid shows you and upload the kubeconfig its commands write.`,
      });
    else if (lacking.length === 0)
      trial.checks.push({
        id,
        label,
        status: "pass",
        detail: `Allowed in a lease namespace ${p.why}.`,
        hint: null,
      });
    else
      trial.checks.push({
        id,
        label,
        status: p.optional ? "warn" : "fail",
        detail: `Missing in a lease namespace: ${lacking.join(", ")} on ${resource} (needed ${p.why}).`,
        hint: `The ClusterRole ${LEASE_WORKLOAD_ROLE} must grant ${lacking.join(", ")} on ${resource}. Apply the RBAC manifest KubeBid shows you.`,
      });
  }
  return trial;
}

/** A server-side dry run that must be refused (403): undefined when it was, else what happened. */
async function dryRunAllowed(
  client: ClusterClient,
  path: string,
  method: "POST" | "PATCH" | "DELETE",
  body?: unknown,
  contentType?: string,
): Promise<{ allowed: boolean; message: string } | "absent"> {
  try {
    await client.requestJson(path, { method, query: { dryRun: "All" }, body, contentType });
    return { allowed: true, message: "" };
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return "absent";
    if (error instanceof ApiException && error.code === 403) {
      const body = error.body as { message?: string } | undefined;
      return { allowed: false, message: body?.message ?? "forbidden" };
    }
    throw error;
  }
}

function excessCheck(
  id: string,
  label: string,
  allowed: string[],
  okDetail: string,
  what: string,
): ProbeCheck {
  return allowed.length === 0
    ? { id, label, status: "pass", detail: okDetail, hint: null, kind: "excess" }
    : {
        id,
        label,
        status: "fail",
        detail: `${what}: ${allowed.join("; ")}.`,
        hint: HINT_EXCESS,
        kind: "excess",
      };
}

/** What KubeBid must not be able to do; `leaseNamespace` is the trial namespace if one was made. */
export async function checkConfinement(
  client: ClusterClient,
  leaseNamespace: string | null,
): Promise<ProbeCheck[]> {
  const denied = async (label: string, id: string, attrs: Attrs[], okDetail: string, what: string) => {
    try {
      const results = await Promise.all(
        attrs.map(async (a) => ((await can(client, a)) ? describeAttrs(a) : null)),
      );
      return excessCheck(
        id,
        label,
        results.filter((r): r is string => r !== null),
        okDetail,
        what,
      );
    } catch (error) {
      return {
        id,
        label,
        status: "fail" as const,
        detail: toClusterError(error, "check what KubeBid may not do").message,
        hint: HINT_EXCESS,
        kind: "excess" as const,
      };
    }
  };
  const checks = await Promise.all([
    denied(
      "No workloads outside lease namespaces",
      "deny:workloads-outside",
      [
        { verb: "create", group: "apps", resource: "deployments", namespace: "kube-system" },
        { verb: "create", group: "apps", resource: "deployments", namespace: "default" },
        { verb: "create", resource: "pods", namespace: "kube-system" },
        { verb: "create", group: "apps", resource: "daemonsets", namespace: "kube-system" },
      ],
      "Cannot create Deployments, DaemonSets or Pods in kube-system or default.",
      "Can create workloads outside lease namespaces",
    ),
    denied(
      "No Secrets outside lease namespaces",
      "deny:secrets",
      [
        { verb: "list", resource: "secrets" },
        { verb: "get", resource: "secrets", namespace: "kube-system" },
        { verb: "list", resource: "secrets", namespace: "default" },
        { verb: "get", resource: "secrets", namespace: RBAC_NAMESPACE },
      ],
      "Cannot read Secrets.",
      "Can read Secrets",
    ),
    denied(
      "No cluster RBAC changes",
      "deny:cluster-rbac",
      [
        { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings" },
        { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterroles" },
        {
          verb: "update",
          group: "rbac.authorization.k8s.io",
          resource: "clusterroles",
          name: LEASE_WORKLOAD_ROLE,
        },
        {
          verb: "create",
          group: "admissionregistration.k8s.io",
          resource: "validatingadmissionpolicybindings",
        },
        { verb: "delete", group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies" },
      ],
      "Cannot create ClusterRoles or ClusterRoleBindings, nor change its own role or admission policy.",
      "Can change cluster-wide access",
    ),
    denied(
      "No escalation",
      "deny:escalate",
      [
        { verb: "escalate", group: "rbac.authorization.k8s.io", resource: "clusterroles" },
        { verb: "escalate", group: "rbac.authorization.k8s.io", resource: "roles", namespace: "default" },
        { verb: "bind", group: "rbac.authorization.k8s.io", resource: "clusterroles", name: "cluster-admin" },
        { verb: "bind", group: "rbac.authorization.k8s.io", resource: "clusterroles", name: "admin" },
        { verb: "impersonate", resource: "users" },
        { verb: "impersonate", resource: "serviceaccounts" },
        { verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "kube-system" },
      ],
      `Cannot escalate, impersonate, mint tokens, or bind any role but ${LEASE_WORKLOAD_ROLE}.`,
      "Can escalate",
    ),
    denied(
      "No changes to ingress or storage classes",
      "deny:cluster-config",
      [
        { verb: "create", group: "networking.k8s.io", resource: "ingressclasses" },
        { verb: "update", group: "networking.k8s.io", resource: "ingressclasses" },
        { verb: "create", group: "storage.k8s.io", resource: "storageclasses" },
        { verb: "update", group: "storage.k8s.io", resource: "storageclasses" },
        { verb: "delete", group: "storage.k8s.io", resource: "storageclasses" },
      ],
      "Can read IngressClasses and StorageClasses, not create, change or delete them.",
      "Can change the cluster's ingress or storage classes",
    ),
  ]);

  // Pod Security of a lease namespace: only the admission policy stops a namespace patch.
  const podSecurity = await (async (): Promise<ProbeCheck> => {
    const id = "deny:pod-security";
    const label = "Cannot weaken a lease namespace's Pod Security";
    const weaken = { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } };
    try {
      const r = leaseNamespace
        ? await dryRunAllowed(
            client,
            `/api/v1/namespaces/${leaseNamespace}`,
            "PATCH",
            weaken,
            "application/merge-patch+json",
          )
        : await dryRunAllowed(client, "/api/v1/namespaces", "POST", {
            metadata: {
              name: `${LEASE_NAMESPACE_PREFIX}probe-psa`,
              labels: {
                [LABELS.managedBy]: "kubebid",
                [LABELS.lease]: "probe-psa",
                "pod-security.kubernetes.io/enforce": "privileged",
              },
            },
          });
      if (r === "absent" || !r.allowed)
        return {
          id,
          label,
          status: "pass",
          detail: r === "absent" ? "Not applicable." : `Refused: ${r.message}`,
          hint: null,
          kind: "excess",
        };
      return {
        id,
        label,
        status: "fail",
        detail:
          "A dry run setting pod-security.kubernetes.io/enforce=privileged on a lease namespace was accepted: nothing stops KubeBid's credentials from running privileged pods there. The admission policy kubebid-lease-confinement is missing or not enforced.",
        hint: HINT_EXCESS,
        kind: "excess",
      };
    } catch (error) {
      return {
        id,
        label,
        status: "fail",
        detail: toClusterError(error, "dry-run a namespace patch").message,
        hint: HINT_EXCESS,
        kind: "excess",
      };
    }
  })();

  // Other namespaces: delete KubeBid's own namespace, bind in kube-system (dry runs).
  const others = await (async (): Promise<ProbeCheck> => {
    const id = "deny:other-namespaces";
    const label = "Cannot change or delete other namespaces";
    try {
      const accepted: string[] = [];
      const del = await dryRunAllowed(client, `/api/v1/namespaces/${RBAC_NAMESPACE}`, "DELETE");
      if (del !== "absent" && del.allowed) accepted.push(`delete namespace ${RBAC_NAMESPACE}`);
      const outside = await dryRunAllowed(client, "/api/v1/namespaces", "POST", {
        metadata: {
          name: "kubebid-probe-outside",
          labels: { [LABELS.managedBy]: "kubebid", [LABELS.lease]: "probe" },
        },
      });
      if (outside !== "absent" && outside.allowed) accepted.push("create namespace kubebid-probe-outside");
      const bind = await dryRunAllowed(
        client,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings",
        "POST",
        { ...leaseRoleBinding("kube-system"), metadata: { name: "kubebid-probe" } },
      );
      if (bind !== "absent" && bind.allowed) accepted.push(`bind ${LEASE_WORKLOAD_ROLE} in kube-system`);
      return excessCheck(
        id,
        label,
        accepted,
        "Dry runs deleting its own namespace, creating a namespace outside kb-lease-* and binding its workload role in kube-system were all refused.",
        "Dry runs were accepted",
      );
    } catch (error) {
      return {
        id,
        label,
        status: "fail",
        detail: toClusterError(error, "dry-run writes outside lease namespaces").message,
        hint: HINT_EXCESS,
        kind: "excess",
      };
    }
  })();
  return [...checks, podSecurity, others];
}
