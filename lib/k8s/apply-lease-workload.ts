import "server-only";
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

// Applies a lease's objects with server-side apply (PATCH application/apply-patch+yaml, field manager
// "kubebid", force): creating what is missing, converging what drifted, and changing nothing
// (same resourceVersion) when everything already matches, so it is safe to run on every reconcile.

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
  const { namespace, objects } = buildLeaseObjects(input);
  const [ns, ...rest] = objects;
  const applied: AppliedObject[] = [];
  // The namespace first; then the quota, limits and policies before the Deployment, so no pod ever
  // starts unconstrained.
  if (ns) applied.push(await serverSideApply(client, ns));
  const guards = rest.filter((o) => o.kind !== "Deployment" && o.kind !== "Service");
  applied.push(...(await Promise.all(guards.map((o) => serverSideApply(client, o)))));
  for (const o of rest.filter((o) => o.kind === "Deployment" || o.kind === "Service"))
    applied.push(await serverSideApply(client, o));
  return { namespace, objects: applied };
}
