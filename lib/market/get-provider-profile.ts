import "server-only";
import { desc, eq } from "drizzle-orm";
import { type Address, getAddress, isAddress } from "viem";
import type { Db } from "@/db/client";
import { clusters, inventorySnapshots, leases, providers } from "@/db/schema";
import { getLeaseUptime } from "@/lib/lease/get-lease-uptime";
import { leaseOutcome } from "@/lib/market/lease-outcome";
import { type ProviderBondView, readProviderBond } from "@/lib/market/read-provider-bond";
import { getProviderReputation } from "@/lib/market/reputation";
import { type ReputationView, toReputationView } from "@/lib/market/reputation-view";
import { listClusterUptime } from "@/lib/provider/list-cluster-uptime";

// Everything the public provider page (/providers/[address]) shows about one provider: who it is,
// its clusters and regions (never a kubeconfig or an API address), its bond (from the contract), its
// reputation with the parts it is made of, and its recent leases with how each started, ended and
// ran. null for an address that is not one, or that the market has never seen.

export interface ProviderProfileCluster {
  name: string;
  region: string | null;
  status: "unknown" | "up" | "down";
  lastSeenAt: string | null;
  gpuModels: string[];
  allocatable: { cpuMillis: number; memoryBytes: number; gpus: number } | null;
  leastPrivilege: boolean;
  networkIsolation: "enforced" | "not-verified";
  /** Share of inventory checks that reached it over the reputation window; null without checks. */
  uptimePercent: number | null;
}

export interface ProviderProfileLease {
  id: string;
  /** Settlement. */
  settledAt: string;
  endsAt: string | null;
  closedAt: string | null;
  status: "active" | "closed";
  pricePerHour: string;
  /** How the start went: attested before the deadline, after it (never: cancelled unstarted), or not due yet. */
  start: "on-time" | "late" | "never" | "waiting";
  /** Seconds from settlement to the attested start; null while not attested. */
  secondsToStart: number | null;
  endedEarly: boolean;
  /** Measured since the attested start (pods ready, cluster reachable); null before it. */
  uptimePercent: number | null;
  downtimeSeconds: number;
  /** SLA refunds paid to the tenant, token units. */
  refunded: string;
}

export interface ProviderProfile {
  address: string;
  name: string | null;
  website: string | null;
  region: string | null;
  registered: boolean;
  memberSince: string | null;
  regions: string[];
  gpuModels: string[];
  clusters: ProviderProfileCluster[];
  bond: ProviderBondView | null;
  reputation: ReputationView | null;
  activeLeases: number;
  leases: ProviderProfileLease[];
}

const RECENT_LEASES = 20;

const sum = (o: Record<string, number> | undefined) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);

export async function getProviderProfile(opts: {
  db: Db;
  address: string;
  now?: Date;
}): Promise<ProviderProfile | null> {
  if (!isAddress(opts.address, { strict: false })) return null;
  const { db } = opts;
  const address = opts.address.toLowerCase();
  const now = opts.now ?? new Date();
  const [[provider], clusterRows, leaseRows] = await Promise.all([
    db.select().from(providers).where(eq(providers.address, address)),
    db.select().from(clusters).where(eq(clusters.providerAddress, address)),
    db.select().from(leases).where(eq(leases.provider, address)).orderBy(desc(leases.startedAt)),
  ]);
  if (!provider && clusterRows.length === 0 && leaseRows.length === 0) return null;

  const recent = leaseRows.slice(0, RECENT_LEASES);
  const [bond, reputation, clusterUptime, uptimes] = await Promise.all([
    readProviderBond(getAddress(address) as Address),
    getProviderReputation(db, address, { now }),
    listClusterUptime({ db, clusterIds: clusterRows.map((c) => c.id), now }),
    Promise.all(recent.map((l) => getLeaseUptime(db, l.id, now))),
  ]);
  const latest = await Promise.all(
    clusterRows.map(async (c) => {
      const [snap] = await db
        .select({ allocatable: inventorySnapshots.allocatable })
        .from(inventorySnapshots)
        .where(eq(inventorySnapshots.clusterId, c.id))
        .orderBy(desc(inventorySnapshots.takenAt))
        .limit(1);
      return snap?.allocatable ?? null;
    }),
  );
  const clusterViews: ProviderProfileCluster[] = clusterRows
    .map((c, i) => {
      const alloc = latest[i] ?? null;
      return {
        name: c.name,
        region: c.region,
        status: c.status,
        lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
        gpuModels: Object.keys(alloc?.gpus ?? {}).filter((m) => m !== "unknown"),
        allocatable: alloc
          ? { cpuMillis: alloc.cpuMillis, memoryBytes: alloc.memoryBytes, gpus: sum(alloc.gpus) }
          : null,
        leastPrivilege: c.leastPrivilege,
        networkIsolation: c.networkPolicy,
        uptimePercent: clusterUptime.get(c.id)?.percent ?? null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  return {
    address,
    name: provider?.name ?? null,
    website: provider?.website ?? null,
    region: provider?.region ?? null,
    registered: provider?.registered ?? false,
    memberSince: (provider?.registeredAt ?? provider?.createdAt)?.toISOString() ?? null,
    regions: [...new Set(clusterViews.map((c) => c.region).filter((r): r is string => Boolean(r)))].sort(),
    gpuModels: [...new Set(clusterViews.flatMap((c) => c.gpuModels))].sort(),
    clusters: clusterViews,
    bond,
    reputation: toReputationView(reputation),
    activeLeases: leaseRows.filter((l) => l.status === "active").length,
    leases: recent.map((l, i) => {
      const uptime = uptimes[i];
      return {
        id: l.id,
        settledAt: (l.settledAt ?? l.startedAt).toISOString(),
        endsAt: l.endsAt?.toISOString() ?? null,
        closedAt: l.closedAt?.toISOString() ?? null,
        status: l.status,
        pricePerHour: l.pricePerHour,
        ...leaseOutcome(l, { operator: provider?.operator ?? null, now }),
        uptimePercent: uptime?.startedAt ? uptime.uptimePercent : null,
        downtimeSeconds: uptime?.downtimeSeconds ?? 0,
        refunded: l.slaRefunded,
      };
    }),
  };
}
