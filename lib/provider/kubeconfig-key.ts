import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { kubeconfigKeyFromHex } from "@/lib/k8s/kubeconfig-crypto";

/** The kubeconfig encryption key and the dev flags kubeconfigs are validated and dialled with. */
export function clusterSecrets(): { key: Buffer; allowPrivate: boolean; allowInsecure: boolean } {
  const c = getConfig();
  if (!c.KUBECONFIG_ENCRYPTION_KEY)
    throw new AppError("SERVICE_UNAVAILABLE", "Cluster onboarding is not configured on this server.");
  return {
    key: kubeconfigKeyFromHex(c.KUBECONFIG_ENCRYPTION_KEY),
    allowPrivate: c.ALLOW_PRIVATE_CLUSTER_ADDRESSES,
    allowInsecure: c.ALLOW_INSECURE_CLUSTERS,
  };
}
