import type { ClusterClient } from "@/lib/k8s/cluster-client";
import type { LeaseStatusView, PodUsage } from "@/lib/lease/types";
import type { Manifest } from "@/lib/market/manifest";

// What the lease controller and the metrics poller need from a cluster, as one small port: the real
// implementation (lib/lease/k8s-workload.ts) adapts lib/k8s; tests pass fakes.

export interface LeaseWorkload {
  apply(
    client: ClusterClient,
    lease: { leaseId: string; tenant: string; specHash: string; manifest: Manifest },
  ): Promise<{ namespace: string }>;
  teardown(client: ClusterClient, lease: { leaseId: string }): Promise<void>;
  status(client: ClusterClient, lease: { leaseId: string }): Promise<LeaseStatusView>;
  metrics(
    client: ClusterClient,
    lease: { leaseId: string },
  ): Promise<{ available: boolean; usage: PodUsage[] }>;
}
