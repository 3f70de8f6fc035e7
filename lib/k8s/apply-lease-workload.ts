import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { AppError } from "@/lib/errors";
import { hashManifest } from "@/lib/market/manifest";
import {
  buildLeaseObjects,
  FIELD_MANAGER,
  type K8sObject,
  type LeaseWorkloadInput,
} from "./build-lease-objects";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";
import { nodeLocalDnsOf } from "./detect-cluster-network";
import { LEASE_ROLE_BINDING, LEASE_WORKLOAD_ROLE, RBAC_NAME, RBAC_NAMESPACE } from "./required-permissions";

// Applies a lease's objects with server-side apply (PATCH application/apply-patch+yaml, field manager
// "kubebid", force): creating what is missing, converging what drifted, and changing nothing
// (same resourceVersion) when everything already matches, so it is safe to run on every reconcile.
// KubeBid holds no workload rights outside lease namespaces (required-permissions.ts): right after
// the namespace it binds the workload ClusterRole there to itself, and only then applies the rest.

export interface AppliedObject {
  kind: string;
  name: string;
  resourceVersion: string;
}

export interface ApplyLeaseResult {
  namespace: string;
  objects: AppliedObject[];
}

const paths: Record<string, (ns: string, name: string) => string> = {
  Namespace: (_ns, name) => `/api/v1/namespaces/${name}`,
  ResourceQuota: (ns, name) => `/api/v1/namespaces/${ns}/resourcequotas/${name}`,
  LimitRange: (ns, name) => `/api/v1/namespaces/${ns}/limitranges/${name}`,
  Service: (ns, name) => `/api/v1/namespaces/${ns}/services/${name}`,
  NetworkPolicy: (ns, name) => `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${name}`,
  Deployment: (ns, name) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
};

/** The API path of one of a lease's objects. */
export function leaseObjectPath(object: Pick<K8sObject, "kind" | "metadata">): string {
  const path = paths[object.kind];
  if (!path) throw new Error(`no API path for kind ${object.kind}`);
  return path(object.metadata.namespace ?? "", object.metadata.name);
}

async function serverSideApply(client: ClusterClient, object: K8sObject): Promise<AppliedObject> {
  const { name, namespace = "" } = object.metadata;
  try {
    const applied = await client.requestJson<{ metadata?: { resourceVersion?: string } }>(
      leaseObjectPath(object),
      {
        method: "PATCH",
        query: { fieldManager: FIELD_MANAGER, force: true },
        // JSON is YAML: the apply content type takes either.
        body: object,
        contentType: "application/apply-patch+yaml",
      },
    );
    return { kind: object.kind, name, resourceVersion: applied.metadata?.resourceVersion ?? "" };
  } catch (error) {
    throw toClusterError(error, `apply ${object.kind} ${namespace ? `${namespace}/` : ""}${name}`);
  }
}

export async function applyLeaseWorkload(
  client: ClusterClient,
  input: LeaseWorkloadInput,
): Promise<ApplyLeaseResult> {
  // Only ever deploy what the tenant signed: the manifest must still hash to the lease's spec hash.
  if (hashManifest(input.manifest).toLowerCase() !== input.specHash.toLowerCase())
    throw new AppError(
      "CONFLICT",
      "The manifest does not match the lease's spec hash; nothing was deployed.",
    );
  const nodeLocalDns = input.nodeLocalDns !== undefined ? input.nodeLocalDns : await nodeLocalDnsOf(client);
  const { namespace, objects } = buildLeaseObjects({ ...input, nodeLocalDns });
  const [ns, ...rest] = objects;
  const applied: AppliedObject[] = [];
  // The namespace, then KubeBid's workload rights in it, then the quota, limits and policies before
  // the Deployment, so no pod ever starts unconstrained.
  if (ns) applied.push(await serverSideApply(client, ns));
  await bindWorkloadRole(client, namespace);
  const guards = rest.filter((o) => o.kind !== "Deployment" && o.kind !== "Service");
  // RBAC authorizers read bindings from a cache: a binding just created may take a moment to count.
  const [first, ...others] = guards;
  if (first) applied.push(await retryForbidden(() => serverSideApply(client, first)));
  applied.push(...(await Promise.all(others.map((o) => serverSideApply(client, o)))));
  for (const o of rest.filter((o) => o.kind === "Deployment" || o.kind === "Service"))
    applied.push(await serverSideApply(client, o));
  return { namespace, objects: applied };
}

/** The RoleBinding granting KubeBid the workload ClusterRole in one lease namespace (create only). */
export function leaseRoleBinding(namespace: string): K8sObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: LEASE_ROLE_BINDING, namespace, labels: { "app.kubernetes.io/managed-by": "kubebid" } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: LEASE_WORKLOAD_ROLE },
    subjects: [{ kind: "ServiceAccount", name: RBAC_NAME, namespace: RBAC_NAMESPACE }],
  };
}

async function bindWorkloadRole(client: ClusterClient, namespace: string): Promise<void> {
  try {
    await client.requestJson(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      method: "POST",
      query: { fieldManager: FIELD_MANAGER },
      body: leaseRoleBinding(namespace),
    });
  } catch (error) {
    // Already bound by an earlier apply: its content is fixed (the admission policy allows no other).
    if (error instanceof ApiException && error.code === 409) return;
    // Clusters set up with the manifest of before per-namespace binding hold workload rights
    // cluster-wide and may not bind: go on, the next writes say clearly if rights are missing.
    if (
      error instanceof ApiException &&
      error.code === 403 &&
      !/ValidatingAdmissionPolicy/.test(JSON.stringify(error.body))
    )
      return;
    throw toClusterError(error, `bind ${LEASE_WORKLOAD_ROLE} in ${namespace}`);
  }
}

async function retryForbidden<T>(fn: () => Promise<T>, attempts = 10, delayMs = 200): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      // An admission policy's refusal is final; only RBAC's may be a binding not yet seen.
      const forbidden =
        (error as { details?: { reason?: string } }).details?.reason === "forbidden" &&
        !/ValidatingAdmissionPolicy/.test((error as Error).message);
      if (!forbidden || i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
