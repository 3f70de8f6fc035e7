import type { LeaseWorkloadInput } from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import type { LeaseStatusView, PodUsage } from "@/lib/lease/types";

// What the lease controller and the metrics poller need from a cluster, as one small port: the real
// implementation (lib/lease/k8s-workload.ts) adapts lib/k8s; tests pass fakes.

export interface LeaseWorkload {
  /** Everything a lease build takes but NodeLocal DNS (the real apply detects it on the cluster). */
  apply(
    client: ClusterClient,
    lease: Omit<LeaseWorkloadInput, "nodeLocalDns">,
  ): Promise<{ namespace: string }>;
  teardown(client: ClusterClient, lease: { leaseId: string }): Promise<void>;
  status(client: ClusterClient, lease: { leaseId: string }): Promise<LeaseStatusView>;
  metrics(
    client: ClusterClient,
    lease: { leaseId: string },
  ): Promise<{ available: boolean; usage: PodUsage[] }>;
}
