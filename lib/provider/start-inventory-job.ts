import "server-only";
import type { DbHandle } from "@/db/client";
import { getConfig } from "@/lib/config";
import { type ClusterSettings, dialOptions, getClusterSettings } from "@/lib/k8s/cluster-settings";
import { refreshAllClusters } from "@/lib/k8s/inventory-loop";
import { startSingletonLoop } from "@/lib/server/singleton-loop";

// The inventory loop (lib/k8s/inventory-loop.ts) as a background job: every registered cluster is
// read each INVENTORY_INTERVAL_MS, a snapshot kept for the charts, its status set up or down. Run as
// a singleton loop so that several app processes do not read every cluster several times.

export async function startInventoryJob(
  handle: DbHandle,
  /** Default: read from the config (lib/k8s/cluster-settings.ts). */
  given?: ClusterSettings,
): Promise<() => Promise<void>> {
  if (!given && !getConfig().KUBECONFIG_ENCRYPTION_KEY) {
    console.log("[inventory] not started: KUBECONFIG_ENCRYPTION_KEY is not set");
    return async () => {};
  }
  const settings = given ?? getClusterSettings();
  return startSingletonLoop({
    name: "inventory",
    handle,
    intervalMs: settings.inventoryIntervalMs,
    tick: async () => {
      await refreshAllClusters({ db: handle.db, key: settings.key, ...dialOptions(settings) });
    },
  });
}
