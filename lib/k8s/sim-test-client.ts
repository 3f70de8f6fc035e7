import "server-only";
import type { SimCluster } from "@/dev/k8s-sim/simulator";
import { type ClusterClient, createClusterClient } from "./cluster-client";
import { type ValidatedKubeconfig, validateKubeconfig } from "./validate-kubeconfig";

// Test-only: a ClusterClient for a simulator cluster, going through the real intake path
// (the simulator's kubeconfig YAML → validateKubeconfig → createClusterClient). The simulator listens
// on 127.0.0.1, hence allowPrivate.

export function simKubeconfig(cluster: SimCluster, token?: string): ValidatedKubeconfig {
  return validateKubeconfig(cluster.kubeconfig(token ? { token } : undefined), { allowPrivate: true });
}

export function simClient(
  cluster: SimCluster,
  opts: { token?: string; timeoutMs?: number } = {},
): ClusterClient {
  return createClusterClient(simKubeconfig(cluster, opts.token), {
    allowPrivate: true,
    timeoutMs: opts.timeoutMs ?? 5_000,
  });
}
