import "server-only";
import type { DbHandle } from "@/db/client";
import { getConfig } from "@/lib/config";
import { refreshAllClusters } from "@/lib/k8s/inventory-loop";
import { kubeconfigKeyFromHex } from "@/lib/k8s/kubeconfig-crypto";
import { startSingletonLoop } from "@/lib/server/singleton-loop";

// The inventory loop (lib/k8s/inventory-loop.ts) as a background job: every registered cluster is
// read each INVENTORY_INTERVAL_MS, a snapshot kept for the charts, its status set up or down. Run as
// a singleton loop so that several app processes do not read every cluster several times.

export async function startInventoryJob(handle: DbHandle): Promise<() => Promise<void>> {
  const config = getConfig();
  if (!config.KUBECONFIG_ENCRYPTION_KEY) {
    console.log("[inventory] not started: KUBECONFIG_ENCRYPTION_KEY is not set");
    return async () => {};
  }
  const key = kubeconfigKeyFromHex(config.KUBECONFIG_ENCRYPTION_KEY);
  return startSingletonLoop({
    name: "inventory",
    handle,
    intervalMs: config.INVENTORY_INTERVAL_MS,
    tick: async () => {
      await refreshAllClusters({ db: handle.db, key, allowPrivate: config.ALLOW_PRIVATE_CLUSTER_ADDRESSES });
    },
  });
}
