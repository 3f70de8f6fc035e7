import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters } from "@/db/schema";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { type ClusterClient, createClusterClient } from "@/lib/k8s/cluster-client";
import { decryptKubeconfig, kubeconfigKeyFromHex } from "@/lib/k8s/kubeconfig-crypto";

// One client (one connection pool) per provider cluster for the lease controller, the metrics poller
// and the log streams, built from the decrypted kubeconfig and rebuilt when the kubeconfig changes.

const globalForClients = globalThis as unknown as {
  kubebidLeaseClients?: Map<string, { fingerprint: string; client: ClusterClient }>;
};

export async function clusterClientFor({
  db,
  clusterId,
}: {
  db: Db;
  clusterId: string;
}): Promise<ClusterClient> {
  const [row] = await db
    .select({ id: clusters.id, kubeconfigEnc: clusters.kubeconfigEnc })
    .from(clusters)
    .where(eq(clusters.id, clusterId));
  if (!row) throw new AppError("NOT_FOUND", "The lease's cluster is no longer registered.");
  const cache = globalForClients.kubebidLeaseClients ?? new Map();
  globalForClients.kubebidLeaseClients = cache;
  const fingerprint = createHash("sha256").update(row.kubeconfigEnc).digest("hex");
  const cached = cache.get(clusterId);
  if (cached?.fingerprint === fingerprint) return cached.client;
  if (cached) void cached.client.close().catch(() => {});
  const config = getConfig();
  if (!config.KUBECONFIG_ENCRYPTION_KEY)
    throw new AppError("SERVICE_UNAVAILABLE", "KUBECONFIG_ENCRYPTION_KEY is not configured.");
  const kubeconfig = decryptKubeconfig(
    row.kubeconfigEnc,
    kubeconfigKeyFromHex(config.KUBECONFIG_ENCRYPTION_KEY),
  );
  const client = createClusterClient(kubeconfig, { allowPrivate: config.ALLOW_PRIVATE_CLUSTER_ADDRESSES });
  cache.set(clusterId, { fingerprint, client });
  return client;
}
