import { readdirSync } from "node:fs";
import path from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { setSimClusterRunning } from "../../dev/sim-control";
import type { StackInfo } from "../../dev/stack";

// Injecting downtime from a spec: the stack's simulated clusters are stopped and started through its
// control listener (dev/sim-control.ts; the simulator lives in the global setup's process). A stopped
// cluster refuses every API connection (the lease controller records "cluster-unreachable" for its
// leases); started again it answers on the same address with its pods Ready as before.

/** The simulated cluster (by name) that runs a lease's namespace, found with the admin kubeconfigs. */
export async function simClusterOfLease(stack: StackInfo, leaseId: string | bigint): Promise<string> {
  const namespace = `kb-lease-${leaseId}`;
  for (const file of readdirSync(stack.kubeconfigDir).filter((f) => f.endsWith(".admin.kubeconfig"))) {
    const kc = new KubeConfig();
    kc.loadFromFile(path.join(stack.kubeconfigDir, file));
    const found = await kc
      .makeApiClient(CoreV1Api)
      .readNamespace({ name: namespace })
      .then(
        () => true,
        () => false,
      );
    if (found) return file.replace(/\.admin\.kubeconfig$/, "");
  }
  throw new Error(`no simulated cluster has namespace ${namespace}`);
}

/** Takes the cluster off the network. */
export async function stopSimCluster(stack: StackInfo, name: string): Promise<void> {
  await setSimClusterRunning(stack.simControlUrl, name, false);
}

/** Brings it back on the same address. */
export async function startSimCluster(stack: StackInfo, name: string): Promise<void> {
  await setSimClusterRunning(stack.simControlUrl, name, true);
}

/** Stops the cluster, waits `ms`, starts it again (also when the wait is interrupted). */
export async function injectClusterDowntime(stack: StackInfo, name: string, ms: number): Promise<void> {
  await stopSimCluster(stack, name);
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    await startSimCluster(stack, name);
  }
}
