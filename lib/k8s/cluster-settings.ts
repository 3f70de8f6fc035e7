import "server-only";
import { type Config, getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { kubeconfigKeyFromHex } from "./kubeconfig-crypto";

// The one place cluster settings are read: the kubeconfig encryption key and the dev flags, from
// lib/config.ts, handed as options to everything that validates a kubeconfig or dials a cluster
// (intake, the probe, the lease controller's and the metrics poller's clients, the inventory loop).

export interface ClusterSettings {
  /** 32-byte AES-256-GCM key for stored kubeconfigs. */
  key: Buffer;
  /** Accept and dial API servers on loopback/private addresses (ALLOW_PRIVATE_CLUSTER_ADDRESSES). */
  allowPrivate: boolean;
  /** Accept and honour insecure-skip-tls-verify (ALLOW_INSECURE_CLUSTERS). */
  allowInsecure: boolean;
  inventoryIntervalMs: number;
}

/** The part of the settings that decides which kubeconfigs are accepted and which servers dialled. */
export type ClusterDialSettings = Pick<ClusterSettings, "allowPrivate" | "allowInsecure">;

/** Options for validateKubeconfig and createClusterClient. */
export function dialOptions(settings: ClusterDialSettings): ClusterDialSettings {
  return { allowPrivate: settings.allowPrivate, allowInsecure: settings.allowInsecure };
}

export function getClusterSettings(config: Config = getConfig()): ClusterSettings {
  if (!config.KUBECONFIG_ENCRYPTION_KEY)
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "KUBECONFIG_ENCRYPTION_KEY is not configured on this server: clusters cannot be stored or read.",
    );
  return {
    key: kubeconfigKeyFromHex(config.KUBECONFIG_ENCRYPTION_KEY),
    allowPrivate: config.ALLOW_PRIVATE_CLUSTER_ADDRESSES,
    allowInsecure: config.ALLOW_INSECURE_CLUSTERS,
    inventoryIntervalMs: config.INVENTORY_INTERVAL_MS,
  };
}
