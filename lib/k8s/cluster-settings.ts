import "server-only";
import { type Config, getConfig } from "@/lib/config";
import { kubeconfigKeyFromHex } from "./kubeconfig-crypto";

// The edge where lib/k8s meets the environment: the encryption key and the dev flags, read once from
// lib/config.ts and handed to validateKubeconfig / createClusterClient / the inventory loop as options.

export interface ClusterSettings {
  /** 32-byte AES-256-GCM key for stored kubeconfigs. */
  key: Buffer;
  allowPrivate: boolean;
  allowInsecure: boolean;
  inventoryIntervalMs: number;
}

export function getClusterSettings(config: Config = getConfig()): ClusterSettings {
  if (!config.KUBECONFIG_ENCRYPTION_KEY)
    throw new Error("KUBECONFIG_ENCRYPTION_KEY is not set: clusters cannot be stored or read.");
  return {
    key: kubeconfigKeyFromHex(config.KUBECONFIG_ENCRYPTION_KEY),
    allowPrivate: config.ALLOW_PRIVATE_CLUSTER_ADDRESSES,
    allowInsecure: config.ALLOW_INSECURE_CLUSTERS,
    inventoryIntervalMs: config.INVENTORY_INTERVAL_MS,
  };
}
