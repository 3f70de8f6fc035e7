import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { leaseNamespace } from "./build-lease-objects";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";

// Tears a lease down by deleting its namespace: Kubernetes deletes everything in it. Idempotent (an
// absent namespace is success). With `waitMs` it polls until the namespace is gone, so a caller can
// record "torn down" only when the provider's capacity is really free again. The lease's volume claims
// go with the namespace; their volumes, and the tenant's data on them, are deleted with them when the
// StorageClass's reclaimPolicy is Delete (the default for dynamically provisioned volumes).

export interface TeardownOptions {
  /** Wait up to this long for the namespace to disappear (default 0: do not wait). */
  waitMs?: number;
  pollMs?: number;
}

export interface TeardownResult {
  namespace: string;
  /** false when the namespace did not exist. */
  deleted: boolean;
  /** true once the namespace is confirmed gone (only checked when waiting). */
  gone: boolean;
}

const isNotFound = (e: unknown) => e instanceof ApiException && e.code === 404;

export async function teardownLeaseWorkload(
  client: ClusterClient,
  leaseId: string,
  opts: TeardownOptions = {},
): Promise<TeardownResult> {
  const namespace = leaseNamespace(leaseId);
  let deleted = true;
  try {
    await client.core.deleteNamespace({ name: namespace, propagationPolicy: "Background" });
  } catch (error) {
    if (!isNotFound(error)) throw toClusterError(error, `delete namespace ${namespace}`);
    deleted = false;
  }
  if (!deleted) return { namespace, deleted, gone: true };
  const waitMs = opts.waitMs ?? 0;
  const until = Date.now() + waitMs;
  while (waitMs > 0 && Date.now() < until) {
    try {
      await client.core.readNamespace({ name: namespace });
    } catch (error) {
      if (isNotFound(error)) return { namespace, deleted, gone: true };
      throw toClusterError(error, `read namespace ${namespace}`);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
  return { namespace, deleted, gone: false };
}
