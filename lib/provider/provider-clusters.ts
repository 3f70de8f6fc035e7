import "server-only";
import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Cluster, clusters, type InventoryTotals, inventorySnapshots } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { getClusterSettings } from "@/lib/k8s/cluster-settings";
import { decryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import type { ValidatedKubeconfig } from "@/lib/k8s/validate-kubeconfig";
import type { ProbeResult } from "./onboarding-draft";
import { probeAccepted, probeFacts } from "./probe-facts";

// A provider's clusters as its console sees them (never the kubeconfig), and the ownership rule:
// a cluster is only ever read or changed by the address that listed it (FORBIDDEN otherwise).

export interface ClusterView {
  id: string;
  name: string;
  server: string;
  status: Cluster["status"];
  lastError: string | null;
  lastSeenAt: string | null;
  version: string | null;
  metricsApi: boolean;
  region: string | null;
  offerPercent: number;
  createdAt: string;
  /** What the last probe found about KubeBid's access and the cluster's network isolation. */
  leastPrivilege: boolean;
  riskAccepted: boolean;
  networkPolicy: Cluster["networkPolicy"];
  /** How leases are reached and the storage classes offered (null: nothing declared yet). */
  exposure: Cluster["exposure"];
  storageClasses: Cluster["storageClasses"];
  userNamespaces: boolean;
  /** A DCGM exporter was found: GPU utilisation is exposed. */
  gpuMetrics: boolean;
  latest: { takenAt: string; allocatable: InventoryTotals; free: InventoryTotals; nodes: number } | null;
  history: {
    t: string;
    cpuFree: number;
    cpuTotal: number;
    memFreeGib: number;
    memTotalGib: number;
    gpusFree: number;
  }[];
}

const GIB = 1024 ** 3;
const HISTORY_MS = 60 * 60 * 1000;
const HISTORY_POINTS = 60;

function sum(g: Record<string, number>): number {
  return Object.values(g).reduce((a, b) => a + b, 0);
}

export async function getOwnCluster(opts: { db: Db; id: string; address: string }): Promise<Cluster> {
  const [row] = await opts.db.select().from(clusters).where(eq(clusters.id, opts.id));
  if (!row) throw new AppError("NOT_FOUND", "No such cluster.");
  if (row.providerAddress !== opts.address.toLowerCase())
    throw new AppError("FORBIDDEN", "This cluster belongs to another provider.");
  return row;
}

export function clusterKubeconfig(row: Cluster): ValidatedKubeconfig {
  return decryptKubeconfig(row.kubeconfigEnc, getClusterSettings().key);
}

export async function listProviderClusters(opts: { db: Db; address: string }): Promise<ClusterView[]> {
  const rows = await opts.db
    .select()
    .from(clusters)
    .where(eq(clusters.providerAddress, opts.address.toLowerCase()))
    .orderBy(asc(clusters.createdAt));
  if (rows.length === 0) return [];
  const snaps = await opts.db
    .select({
      clusterId: inventorySnapshots.clusterId,
      takenAt: inventorySnapshots.takenAt,
      allocatable: inventorySnapshots.allocatable,
      free: inventorySnapshots.free,
      nodes: inventorySnapshots.nodes,
    })
    .from(inventorySnapshots)
    .where(
      and(
        inArray(
          inventorySnapshots.clusterId,
          rows.map((r) => r.id),
        ),
        gt(inventorySnapshots.takenAt, new Date(Date.now() - HISTORY_MS)),
      ),
    )
    .orderBy(desc(inventorySnapshots.takenAt))
    .limit(rows.length * 2000);
  return rows.map((r) => {
    const mine = snaps.filter((s) => s.clusterId === r.id).reverse();
    const every = Math.max(1, Math.ceil(mine.length / HISTORY_POINTS));
    const sampled = mine.filter((_, i) => i % every === 0 || i === mine.length - 1);
    const latest = mine.at(-1);
    return {
      id: r.id,
      name: r.name,
      server: r.server,
      status: r.status,
      lastError: r.lastError,
      lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
      version: r.version,
      metricsApi: r.metricsApi,
      region: r.region,
      offerPercent: r.offerPercent,
      createdAt: r.createdAt.toISOString(),
      leastPrivilege: r.leastPrivilege,
      riskAccepted: r.riskAccepted,
      networkPolicy: r.networkPolicy,
      exposure: r.exposure,
      storageClasses: r.storageClasses,
      userNamespaces: r.userNamespaces,
      gpuMetrics: r.gpuMetrics,
      latest: latest
        ? {
            takenAt: latest.takenAt.toISOString(),
            allocatable: latest.allocatable,
            free: latest.free,
            nodes: latest.nodes.length,
          }
        : null,
      history: sampled.map((s) => ({
        t: s.takenAt.toISOString(),
        cpuFree: Math.round(s.free.cpuMillis / 100) / 10,
        cpuTotal: Math.round(s.allocatable.cpuMillis / 100) / 10,
        memFreeGib: Math.round((s.free.memoryBytes / GIB) * 10) / 10,
        memTotalGib: Math.round((s.allocatable.memoryBytes / GIB) * 10) / 10,
        gpusFree: sum(s.free.gpus),
      })),
    };
  });
}

/** After a re-verification: the cluster's status and facts from the probe. */
export async function applyProbeResult(opts: { db: Db; id: string; result: ProbeResult }): Promise<void> {
  const r = opts.result;
  const [row] = await opts.db
    .select({ riskAccepted: clusters.riskAccepted })
    .from(clusters)
    .where(eq(clusters.id, opts.id));
  // Over-privileged credentials keep a cluster up only if its provider accepted that risk.
  const ok = probeAccepted(r, row?.riskAccepted ?? false);
  const failed = r.checks.find((c) => c.status === "fail" && (!ok || c.kind !== "excess"));
  await opts.db
    .update(clusters)
    .set({
      status: ok ? "up" : "down",
      lastError: failed ? `${failed.label}: ${failed.detail}` : null,
      ...(ok ? { lastSeenAt: new Date(r.at) } : {}),
      version: r.version ?? undefined,
      metricsApi: r.metricsApi,
      ...probeFacts(r),
      updatedAt: new Date(),
    })
    .where(eq(clusters.id, opts.id));
  if (r.inventory)
    await opts.db.insert(inventorySnapshots).values({
      clusterId: opts.id,
      takenAt: new Date(r.at),
      region: r.inventory.region,
      allocatable: r.inventory.allocatable,
      free: r.inventory.free,
      nodes: r.inventory.nodes,
    });
}
