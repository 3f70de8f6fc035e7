import "server-only";
import { and, eq, isNull, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters, leases } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { createClusterClient } from "@/lib/k8s/cluster-client";
import { dialOptions, getClusterSettings } from "@/lib/k8s/cluster-settings";
import type { TlsCheck } from "@/lib/k8s/check-exposure-tls";
import { type ProbeCheck, runProbe } from "@/lib/k8s/probe-cluster";
import type { ExposureSettings } from "./exposure-settings";
import { probeAccepted } from "./probe-facts";
import { applyProbeResult, clusterKubeconfig, getOwnCluster } from "./provider-clusters";
import { intakeKubeconfig, isDuplicateClusterError } from "./submit-kubeconfig";
import { type ClusterClasses, readClusterClasses, verifyExposure } from "./verify-exposure";

// What a provider can do to one of its clusters from the console: change the offered share, change
// how leases are exposed and which storage classes are offered (checked against the cluster now),
// replace the kubeconfig (checked end to end before it replaces the old one), remove it.

export async function updateCluster(opts: { db: Db; id: string; address: string; offerPercent: number }) {
  await getOwnCluster(opts);
  await opts.db
    .update(clusters)
    .set({ offerPercent: opts.offerPercent, updatedAt: new Date() })
    .where(eq(clusters.id, opts.id));
}

/** The cluster's exposure and storage offers, and the classes it has now (for the console's editor). */
export async function readClusterExposure(opts: { db: Db; id: string; address: string }): Promise<{
  settings: ExposureSettings | null;
  classes: ClusterClasses;
}> {
  const cluster = await getOwnCluster(opts);
  const client = createClusterClient(clusterKubeconfig(cluster), {
    ...dialOptions(getClusterSettings()),
    timeoutMs: 8_000,
  });
  try {
    return {
      settings: cluster.exposure
        ? { exposure: cluster.exposure, storageClasses: cluster.storageClasses }
        : null,
      classes: await readClusterClasses(client),
    };
  } finally {
    await client.close().catch(() => {});
  }
}

/** Checked against the cluster's classes as they are now, and its TLS as far as KubeBid may. */
export async function updateClusterExposure(opts: {
  db: Db;
  id: string;
  address: string;
  settings: ExposureSettings;
}): Promise<{ tls: TlsCheck }> {
  const cluster = await getOwnCluster(opts);
  const { tls } = await verifyExposure({ kubeconfig: clusterKubeconfig(cluster), settings: opts.settings });
  await opts.db
    .update(clusters)
    .set({
      exposure: opts.settings.exposure,
      storageClasses: opts.settings.storageClasses,
      updatedAt: new Date(),
    })
    .where(eq(clusters.id, opts.id));
  return { tls };
}

export async function removeCluster(opts: { db: Db; id: string; address: string }) {
  await getOwnCluster(opts);
  // Active leases running here, and the provider's active leases not yet placed on a cluster: the
  // lease controller may be about to deploy them here (a bid is sized for one cluster).
  const busy = await opts.db
    .select({ id: leases.id })
    .from(leases)
    .where(
      and(
        eq(leases.status, "active"),
        or(
          eq(leases.clusterId, opts.id),
          and(isNull(leases.clusterId), eq(leases.provider, opts.address.toLowerCase())),
        ),
      ),
    );
  if (busy.length > 0)
    throw new AppError(
      "CONFLICT",
      `This cluster runs (or is about to run) ${busy.length} active lease(s); it can be removed once they are closed.`,
    );
  await opts.db.delete(clusters).where(eq(clusters.id, opts.id));
}

/** Validates and probes the new kubeconfig; only one that passes every check replaces the old one. */
export async function replaceKubeconfig(opts: {
  db: Db;
  id: string;
  address: string;
  yaml: string;
}): Promise<{ ok: boolean; checks: ProbeCheck[] }> {
  const cluster = await getOwnCluster(opts);
  const { validated, enc, identity } = await intakeKubeconfig({
    db: opts.db,
    address: opts.address,
    yaml: opts.yaml,
    replacing: opts.id,
  });
  const client = createClusterClient(validated, {
    ...dialOptions(getClusterSettings()),
    timeoutMs: 8_000,
  });
  try {
    const summary = await runProbe(client);
    // Over-privileged credentials replace the old ones only where the provider accepted that risk.
    if (!probeAccepted(summary, cluster.riskAccepted)) return { ok: false, checks: summary.checks };
    await opts.db
      .update(clusters)
      .set({
        kubeconfigEnc: enc,
        server: validated.server,
        apiAddress: identity.apiAddress,
        caFingerprint: identity.caFingerprint,
        updatedAt: new Date(),
      })
      .where(eq(clusters.id, opts.id))
      .catch((error: unknown) => {
        if (isDuplicateClusterError(error))
          throw new AppError("CONFLICT", "This cluster is already listed by another provider.");
        throw error;
      });
    await applyProbeResult({
      db: opts.db,
      id: opts.id,
      result: { ...summary, at: new Date().toISOString() },
    });
    return { ok: true, checks: summary.checks };
  } finally {
    await client.close().catch(() => {});
  }
}
