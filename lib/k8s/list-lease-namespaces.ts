import "server-only";
import { LABELS, LEASE_NAMESPACE_PREFIX } from "./build-lease-objects";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";

// The lease namespaces that exist on a cluster, read back from their labels and annotations, so the
// lease controller can reconcile after a restart: re-apply active leases, tear down namespaces whose
// lease has closed, notice a spec hash that is not the signed one.

export interface LeaseNamespace {
  namespace: string;
  leaseId: string;
  tenant: string | null;
  /** Full 0x-prefixed spec hash from the annotation. */
  specHash: string | null;
  /** Being deleted (Terminating). */
  terminating: boolean;
}

export async function listLeaseNamespaces(client: ClusterClient): Promise<LeaseNamespace[]> {
  try {
    const list = await client.requestJson<{
      items?: Array<{
        metadata?: {
          name?: string;
          labels?: Record<string, string>;
          annotations?: Record<string, string>;
          deletionTimestamp?: string;
        };
        status?: { phase?: string };
      }>;
    }>("/api/v1/namespaces", { query: { labelSelector: `${LABELS.managedBy}=kubebid,${LABELS.lease}` } });
    return (list.items ?? [])
      .filter((ns) => ns.metadata?.name?.startsWith(LEASE_NAMESPACE_PREFIX))
      .map((ns) => {
        const name = ns.metadata?.name ?? "";
        return {
          namespace: name,
          leaseId: name.slice(LEASE_NAMESPACE_PREFIX.length),
          tenant: ns.metadata?.annotations?.[LABELS.tenant] ?? ns.metadata?.labels?.[LABELS.tenant] ?? null,
          specHash: ns.metadata?.annotations?.[LABELS.specHash] ?? null,
          terminating: Boolean(ns.metadata?.deletionTimestamp) || ns.status?.phase === "Terminating",
        };
      })
      .sort((a, b) => a.namespace.localeCompare(b.namespace));
  } catch (error) {
    throw toClusterError(error, "list lease namespaces");
  }
}
