import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { type ClusterClient, createClusterClient } from "@/lib/k8s/cluster-client";
import { type ClusterSettings, dialOptions, getClusterSettings } from "@/lib/k8s/cluster-settings";
import { decryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";

// One client (one connection pool) per provider cluster for the lease controller, the metrics poller
// and the log streams, built from the decrypted kubeconfig with the cluster settings, and rebuilt when
// the kubeconfig (or the settings) change.

const globalForClients = globalThis as unknown as {
  kubebidLeaseClients?: Map<string, { fingerprint: string; client: ClusterClient }>;
};

export async function clusterClientFor({
  db,
  clusterId,
  settings,
}: {
  db: Db;
  clusterId: string;
  /** Default: read from the config (lib/k8s/cluster-settings.ts). */
  settings?: ClusterSettings;
}): Promise<ClusterClient> {
  const [row] = await db
    .select({ id: clusters.id, kubeconfigEnc: clusters.kubeconfigEnc })
    .from(clusters)
    .where(eq(clusters.id, clusterId));
  if (!row) throw new AppError("NOT_FOUND", "The lease's cluster is no longer registered.");
  const s = settings ?? getClusterSettings();
  const cache = globalForClients.kubebidLeaseClients ?? new Map();
  globalForClients.kubebidLeaseClients = cache;
  const fingerprint = createHash("sha256")
    .update(row.kubeconfigEnc)
    .update(`\n${s.allowPrivate}:${s.allowInsecure}`)
    .digest("hex");
  const cached = cache.get(clusterId);
  if (cached?.fingerprint === fingerprint) return cached.client;
  if (cached) void cached.client.close().catch(() => {});
  const client = createClusterClient(decryptKubeconfig(row.kubeconfigEnc, s.key), dialOptions(s));
  cache.set(clusterId, { fingerprint, client });
  return client;
}
