import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { AppError } from "@/lib/errors";
import { hashManifest } from "@/lib/market/manifest";
import {
  buildLeaseObjects,
  FIELD_MANAGER,
  INITIAL_REPLICAS_MANAGER,
  type K8sObject,
  LABELS,
  LEASE_SECRET_NAME,
  type LeaseWorkloadInput,
  WORKLOAD_PART,
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
// Order: namespace, binding, quota, limits and network policies (so no pod ever starts unconstrained
// or unisolated), then the pruning of what the build no longer has, then secret, volumes, services,
// deployments, autoscalers and ingresses (so a pod finds its Secret and claims, and an Ingress its Service).
// Pruning deletes only objects labelled kubebid.io/part=workload (the confinement policy refuses any
// other delete) that the build lacks: a service taken out of the manifest, its volumes, its exposure.
// It runs before the new objects are applied, as the new quota counts the old ones until they are
// gone. A claim still in the build is never deleted or recreated: its data survives every update.

export interface AppliedObject {
  kind: string;
  name: string;
  resourceVersion: string;
}

export interface ApplyLeaseResult {
  namespace: string;
  objects: AppliedObject[];
  /** Objects of an earlier build deleted because this build no longer has them ("Kind/name"). */
  pruned: string[];
}

const KINDS: Record<string, { base: string; plural: string }> = {
  Namespace: { base: "/api/v1", plural: "namespaces" },
  ResourceQuota: { base: "/api/v1", plural: "resourcequotas" },
  LimitRange: { base: "/api/v1", plural: "limitranges" },
  Secret: { base: "/api/v1", plural: "secrets" },
  PersistentVolumeClaim: { base: "/api/v1", plural: "persistentvolumeclaims" },
  Service: { base: "/api/v1", plural: "services" },
  NetworkPolicy: { base: "/apis/networking.k8s.io/v1", plural: "networkpolicies" },
  Deployment: { base: "/apis/apps/v1", plural: "deployments" },
  Ingress: { base: "/apis/networking.k8s.io/v1", plural: "ingresses" },
  HorizontalPodAutoscaler: { base: "/apis/autoscaling/v2", plural: "horizontalpodautoscalers" },
};

/** The kinds a re-apply prunes by listing, in deletion order (pods go before the claims they mount). */
const LISTED_FOR_PRUNE = [
  "HorizontalPodAutoscaler",
  "Deployment",
  "Ingress",
  "Service",
  "NetworkPolicy",
  "PersistentVolumeClaim",
] as const;

function kindOf(kind: string) {
  const k = KINDS[kind];
  if (!k) throw new Error(`no API path for kind ${kind}`);
  return k;
}

/** The API path of one of a lease's objects. */
export function leaseObjectPath(object: Pick<K8sObject, "kind" | "metadata">): string {
  const { base, plural } = kindOf(object.kind);
  const { name, namespace } = object.metadata;
  return object.kind === "Namespace"
    ? `${base}/${plural}/${name}`
    : `${base}/namespaces/${namespace}/${plural}/${name}`;
}

/** The collection path of one kind in a lease namespace. */
function leaseCollectionPath(kind: string, namespace: string): string {
  const { base, plural } = kindOf(kind);
  return `${base}/namespaces/${namespace}/${plural}`;
}

async function serverSideApply(client: ClusterClient, object: K8sObject): Promise<AppliedObject> {
  const { name, namespace = "" } = object.metadata;
  await dropRollingUpdate(client, object);
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

const isNotFound = (error: unknown) => error instanceof ApiException && error.code === 404;

/**
 * A Deployment going back from RollingUpdate to Recreate (a spec update that leaves no room for a surge
 * pod) must lose its rollingUpdate first: kube-apiserver refuses rollingUpdate beside type Recreate, and
 * whether an apply that omits it removes it depends on who owns those fields. A merge patch setting it
 * to null removes it whoever does; a Deployment that has none, or is not there yet, is left alone.
 */
async function dropRollingUpdate(client: ClusterClient, object: K8sObject) {
  if (object.kind !== "Deployment") return;
  if ((object.spec as { strategy?: { type?: string } } | undefined)?.strategy?.type !== "Recreate") return;
  const { name, namespace = "" } = object.metadata;
  try {
    const current = await client.requestJson<{ spec?: { strategy?: { rollingUpdate?: unknown } } }>(
      leaseObjectPath(object),
    );
    if (current.spec?.strategy?.rollingUpdate === undefined) return;
    await client.requestJson(leaseObjectPath(object), {
      method: "PATCH",
      query: { fieldManager: FIELD_MANAGER },
      body: { spec: { strategy: { type: "Recreate", rollingUpdate: null } } },
      contentType: "application/merge-patch+json",
    });
  } catch (error) {
    if (isNotFound(error)) return;
    throw toClusterError(error, `switch Deployment ${namespace}/${name} to Recreate`);
  }
}

async function deleteObject(client: ClusterClient, object: Pick<K8sObject, "kind" | "metadata">) {
  try {
    await client.requestJson(leaseObjectPath(object), { method: "DELETE" });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw toClusterError(error, `delete ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`);
  }
}

/** Deletes the workload objects of an earlier build that `objects` no longer has. */
async function pruneLeaseObjects(client: ClusterClient, namespace: string, objects: K8sObject[]) {
  const keep = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  const pruned: string[] = [];
  for (const kind of LISTED_FOR_PRUNE) {
    let items: Array<{ metadata?: { name?: string } }>;
    try {
      ({ items } = await client.requestJson<{ items: Array<{ metadata?: { name?: string } }> }>(
        leaseCollectionPath(kind, namespace),
        { query: { labelSelector: `${LABELS.part}=${WORKLOAD_PART}` } },
      ));
    } catch (error) {
      throw toClusterError(error, `list ${kind} in ${namespace}`);
    }
    const stale = items.flatMap((i) => {
      const name = i.metadata?.name;
      return name && !keep.has(`${kind}/${name}`) ? [name] : [];
    });
    for (const name of stale)
      if (await deleteObject(client, { kind, metadata: { name, namespace } })) pruned.push(`${kind}/${name}`);
  }
  // The Secret has a fixed name, and KubeBid may not list Secrets (it never reads one back).
  if (!keep.has(`Secret/${LEASE_SECRET_NAME}`)) {
    const secret = { kind: "Secret", metadata: { name: LEASE_SECRET_NAME, namespace } };
    if (await deleteObject(client, secret)) pruned.push(`Secret/${LEASE_SECRET_NAME}`);
  }
  return pruned;
}

/** Guards first (in parallel once KubeBid's binding counts), then each later kind in turn. */
const GUARDS = new Set(["ResourceQuota", "LimitRange", "NetworkPolicy"]);
const AFTER_PRUNE = [
  "Secret",
  "PersistentVolumeClaim",
  "Service",
  "Deployment",
  "HorizontalPodAutoscaler",
  "Ingress",
];

/**
 * Applies an autoscaled Deployment (built without spec.replicas) and, when this apply created it, sets
 * its initial replicas as INITIAL_REPLICAS_MANAGER: KubeBid's own manager never owns the field, so a
 * re-apply neither resets nor removes it, and the HPA's writes take it over (build-lease-objects.ts).
 */
async function applyAutoscaledDeployment(
  client: ClusterClient,
  object: K8sObject,
  replicas: number,
): Promise<AppliedObject> {
  let exists = true;
  try {
    await client.requestJson(leaseObjectPath(object));
  } catch (error) {
    if (!isNotFound(error)) throw toClusterError(error, `read Deployment ${object.metadata.name}`);
    exists = false;
  }
  const applied = await serverSideApply(client, object);
  if (exists) return applied;
  const { name, namespace } = object.metadata;
  try {
    const scaled = await client.requestJson<{ metadata?: { resourceVersion?: string } }>(
      leaseObjectPath(object),
      {
        method: "PATCH",
        query: { fieldManager: INITIAL_REPLICAS_MANAGER },
        body: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name, namespace },
          spec: { replicas },
        },
        contentType: "application/apply-patch+yaml",
      },
    );
    return { ...applied, resourceVersion: scaled.metadata?.resourceVersion ?? applied.resourceVersion };
  } catch (error) {
    throw toClusterError(error, `set the initial replicas of Deployment ${namespace}/${name}`);
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
  const { namespace, objects, initialReplicas } = buildLeaseObjects({ ...input, nodeLocalDns });
  const apply = (o: K8sObject) => {
    const initial = o.kind === "Deployment" ? initialReplicas[o.metadata.name] : undefined;
    return initial === undefined ? serverSideApply(client, o) : applyAutoscaledDeployment(client, o, initial);
  };
  const [ns, ...rest] = objects;
  const applied: AppliedObject[] = [];
  if (ns) applied.push(await serverSideApply(client, ns));
  await bindWorkloadRole(client, namespace);
  // RBAC authorizers read bindings from a cache: a binding just created may take a moment to count.
  const [first, ...others] = rest.filter((o) => GUARDS.has(o.kind));
  if (first) applied.push(await retryForbidden(() => serverSideApply(client, first)));
  applied.push(...(await Promise.all(others.map((o) => serverSideApply(client, o)))));
  const pruned = await pruneLeaseObjects(client, namespace, objects);
  for (const kind of AFTER_PRUNE)
    applied.push(...(await Promise.all(rest.filter((o) => o.kind === kind).map(apply))));
  return { namespace, objects: applied, pruned };
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
