import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { InventoryTotals, ProviderPricing } from "@/db/schema";
import type { ClusterExposure, StorageClassOffer } from "@/lib/k8s/cluster-exposure";
import {
  defaultProviderQuery,
  type ProviderPage,
  type ProviderQuery,
  providerFacets,
  queryProviders,
} from "@/lib/market/query-providers";
import type { ReputationView } from "@/lib/market/reputation-view";
import { listReputationViews } from "@/lib/market/reputation-views";
import { rowsOf } from "@/lib/market/rows";

// What the market offers right now and how it moved: totals and per-region capacity from the latest
// inventory snapshot of each cluster that is up, one row per provider for the table, capacity and
// winning prices over time. Served from the database only (never a fan-out to clusters), and memoised
// for a couple of seconds per process: the inventory loop refreshes snapshots every ~15 s anyway.

/** What one listed cluster offers a lease beyond compute: how its ports are reached, its volumes. */
export interface ClusterOffer {
  name: string;
  /** HTTP ports get public hosts (an IngressClass and a wildcard base domain are declared). */
  http: boolean;
  /** Where lease hosts' certificates come from; null: plain HTTP. */
  tls: "secret" | "cert-manager" | null;
  ports: ClusterExposure["ports"];
  storageClasses: StorageClassOffer[];
}

export interface MarketProviderRow {
  address: string;
  name: string | null;
  region: string | null;
  regions: string[];
  gpuModels: string[];
  clusters: number;
  free: { cpuMillis: number; memoryBytes: number; gpus: number };
  allocatable: { cpuMillis: number; memoryBytes: number; gpus: number };
  pricing: ProviderPricing | null;
  activeLeases: number;
  onlineSince: string | null;
  lastSeenAt: string | null;
  /** Every listed cluster gives KubeBid least-privilege credentials (the probe's "excess" checks passed). */
  leastPrivilege: boolean;
  /** Every listed cluster enforces NetworkPolicy (an enforcing CNI found); else "not-verified". */
  networkIsolation: "enforced" | "not-verified";
  /** One entry per listed cluster (up, with an inventory), by cluster name. */
  clusterOffers: ClusterOffer[];
  /** Score and parts (lib/market/reputation.ts); null before the first computation. */
  reputation: ReputationView | null;
}

export interface MarketOverview {
  generatedAt: string;
  totals: {
    providers: number;
    clusters: number;
    cpuMillis: number;
    memoryBytes: number;
    gpus: Record<string, number>;
    allocatableCpuMillis: number;
    allocatableMemoryBytes: number;
  };
  regions: {
    region: string;
    providers: number;
    cpuMillis: number;
    memoryBytes: number;
    gpus: Record<string, number>;
  }[];
  /** The first page of the providers table (see /api/market/providers for other pages and filters). */
  providers: ProviderPage;
  capacityHistory: { at: string; cpuMillis: number; memoryBytes: number; gpus: number }[];
  winningPrices: {
    at: string;
    leaseId: string;
    pricePerHour: string;
    cpuMillis: number;
    memoryMiB: number;
    gpuCount: number;
  }[];
}

const FRESH_MS = 3_000;
const HISTORY_HOURS = 6;
interface MarketSnapshot {
  overview: MarketOverview;
  allProviders: MarketProviderRow[];
  json: string;
}
interface Cached {
  at: number;
  value: Promise<MarketSnapshot>;
}
let cache: Cached | undefined;
let refreshing: Cached | undefined;

// Stale-while-revalidate: a request never waits for a refresh once a first value exists, and the
// JSON is serialised once per refresh, not per request (the data route serves the string).
function load(db: Db, fresh?: boolean): Promise<MarketSnapshot> {
  const now = Date.now();
  if (!fresh && cache && now - cache.at < FRESH_MS) return cache.value;
  const start = (): Cached => {
    const value = loadMarketOverview(db).then(({ overview, allProviders }) => ({
      overview,
      allProviders,
      json: JSON.stringify(overview),
    }));
    const entry = { at: now, value };
    value.then(
      () => {
        cache = entry;
        if (refreshing === entry) refreshing = undefined;
      },
      () => {
        if (refreshing === entry) refreshing = undefined;
      },
    );
    return entry;
  };
  if (!fresh && cache) {
    if (!refreshing) refreshing = start();
    return cache.value;
  }
  const entry = start();
  return entry.value;
}

/** The overview, at most a few seconds old (pass fresh: true to bypass, e.g. in tests). */
export async function getMarketOverview({ db, fresh }: { db: Db; fresh?: boolean }): Promise<MarketOverview> {
  return (await load(db, fresh)).overview;
}

/** The same overview as a JSON string, for the data route. */
export async function getMarketOverviewJson({ db }: { db: Db }): Promise<string> {
  return (await load(db)).json;
}

/** One page of the providers table for the given filters and sort, from the same memoised data. */
export async function getMarketProviders({
  db,
  query,
}: {
  db: Db;
  query: ProviderQuery;
}): Promise<ProviderPage> {
  const snapshot = await load(db);
  return queryProviders(snapshot.allProviders, query, snapshot.overview.providers.facets);
}

interface LatestRow {
  cluster_id: string;
  provider_address: string;
  region: string | null;
  free: InventoryTotals;
  allocatable: InventoryTotals;
  last_seen_at: Date | string | null;
  created_at: Date | string;
  least_privilege: boolean;
  network_policy: string;
  cluster_name: string;
  exposure: ClusterExposure | null;
  storage_classes: StorageClassOffer[];
}

async function loadMarketOverview(
  db: Db,
): Promise<{ overview: MarketOverview; allProviders: MarketProviderRow[] }> {
  const [latestRes, providerRes, leaseRes, historyRes, pricesRes, reputations] = await Promise.all([
    db.execute(sql`
      select distinct on (s.cluster_id) s.cluster_id, c.provider_address, coalesce(s.region, c.region) as region,
        s.free, s.allocatable, c.last_seen_at, c.created_at, c.least_privilege, c.network_policy,
        c.name as cluster_name, c.exposure, c.storage_classes
      from inventory_snapshots s join clusters c on c.id = s.cluster_id
      where c.status = 'up'
      order by s.cluster_id, s.taken_at desc`),
    db.execute(sql`select address, name, region, pricing, registered_at, created_at from providers`),
    db.execute(
      sql`select provider, count(*)::int as n from leases where status = 'active' group by provider`,
    ),
    db.execute(sql`
      select bucket, sum((free->>'cpuMillis')::bigint)::float8 as cpu, sum((free->>'memoryBytes')::bigint)::float8 as mem,
        sum(gpus)::float8 as gpus
      from (
        select distinct on (s.cluster_id, date_bin('5 minutes', s.taken_at, timestamptz '2000-01-01'))
          date_bin('5 minutes', s.taken_at, timestamptz '2000-01-01') as bucket, s.free,
          (select coalesce(sum(value::bigint), 0) from jsonb_each_text(s.free->'gpus')) as gpus
        from inventory_snapshots s
        where s.taken_at > now() - make_interval(hours => ${HISTORY_HOURS})
        order by s.cluster_id, date_bin('5 minutes', s.taken_at, timestamptz '2000-01-01'), s.taken_at desc
      ) b group by bucket order by bucket`),
    db.execute(sql`
      select l.id, l.started_at, l.price_per_hour, o.resources
      from leases l left join orders o on o.id = l.order_id
      order by l.started_at desc limit 200`),
    listReputationViews({ db }),
  ]);

  const latest = rowsOf<LatestRow>(latestRes);
  const providerInfo = new Map(
    rowsOf<{
      address: string;
      name: string | null;
      region: string | null;
      pricing: ProviderPricing | null;
      registered_at: Date | string | null;
      created_at: Date | string;
    }>(providerRes).map((p) => [p.address, p]),
  );
  const activeLeases = new Map(
    rowsOf<{ provider: string; n: number }>(leaseRes).map((r) => [r.provider, r.n]),
  );

  const totals: MarketOverview["totals"] = {
    providers: 0,
    clusters: latest.length,
    cpuMillis: 0,
    memoryBytes: 0,
    gpus: {},
    allocatableCpuMillis: 0,
    allocatableMemoryBytes: 0,
  };
  const regions = new Map<string, MarketOverview["regions"][number] & { set: Set<string> }>();
  const byProvider = new Map<string, MarketProviderRow>();

  for (const row of latest) {
    const free = row.free;
    const alloc = row.allocatable;
    const gpuFree = sumValues(free.gpus);
    totals.cpuMillis += free.cpuMillis;
    totals.memoryBytes += free.memoryBytes;
    totals.allocatableCpuMillis += alloc.cpuMillis;
    totals.allocatableMemoryBytes += alloc.memoryBytes;
    addGpus(totals.gpus, free.gpus);

    const regionName = row.region ?? "unknown";
    let region = regions.get(regionName);
    if (!region) {
      region = { region: regionName, providers: 0, cpuMillis: 0, memoryBytes: 0, gpus: {}, set: new Set() };
      regions.set(regionName, region);
    }
    region.set.add(row.provider_address);
    region.cpuMillis += free.cpuMillis;
    region.memoryBytes += free.memoryBytes;
    addGpus(region.gpus, free.gpus);

    const info = providerInfo.get(row.provider_address);
    let p = byProvider.get(row.provider_address);
    if (!p) {
      p = {
        address: row.provider_address,
        name: info?.name ?? null,
        region: info?.region ?? row.region,
        regions: [],
        gpuModels: [],
        clusters: 0,
        free: { cpuMillis: 0, memoryBytes: 0, gpus: 0 },
        allocatable: { cpuMillis: 0, memoryBytes: 0, gpus: 0 },
        pricing: info?.pricing ?? null,
        activeLeases: activeLeases.get(row.provider_address) ?? 0,
        onlineSince: iso(info?.registered_at ?? info?.created_at ?? row.created_at),
        lastSeenAt: null,
        leastPrivilege: true,
        networkIsolation: "enforced",
        clusterOffers: [],
        reputation: reputations.get(row.provider_address) ?? null,
      };
      byProvider.set(row.provider_address, p);
    }
    p.clusters++;
    p.clusterOffers.push(clusterOffer(row));
    if (!row.least_privilege) p.leastPrivilege = false;
    if (row.network_policy !== "enforced") p.networkIsolation = "not-verified";
    if (row.region && !p.regions.includes(row.region)) p.regions.push(row.region);
    for (const model of Object.keys(alloc.gpus ?? {}))
      if (!p.gpuModels.includes(model)) p.gpuModels.push(model);
    p.free.cpuMillis += free.cpuMillis;
    p.free.memoryBytes += free.memoryBytes;
    p.free.gpus += gpuFree;
    p.allocatable.cpuMillis += alloc.cpuMillis;
    p.allocatable.memoryBytes += alloc.memoryBytes;
    p.allocatable.gpus += sumValues(alloc.gpus);
    const seen = iso(row.last_seen_at);
    if (seen && (!p.lastSeenAt || seen > p.lastSeenAt)) p.lastSeenAt = seen;
  }
  totals.providers = byProvider.size;
  const allProviders = [...byProvider.values()];
  for (const p of allProviders) p.clusterOffers.sort((a, b) => a.name.localeCompare(b.name));

  const overview: MarketOverview = {
    generatedAt: new Date().toISOString(),
    totals,
    regions: [...regions.values()]
      .map(({ set, ...r }) => ({ ...r, providers: set.size }))
      .sort((a, b) => b.cpuMillis - a.cpuMillis),
    providers: queryProviders(allProviders, defaultProviderQuery, providerFacets(allProviders)),
    capacityHistory: rowsOf<{ bucket: Date | string; cpu: number; mem: number; gpus: number }>(
      historyRes,
    ).map((r) => ({
      at: iso(r.bucket) ?? "",
      cpuMillis: Number(r.cpu),
      memoryBytes: Number(r.mem),
      gpus: Number(r.gpus),
    })),
    winningPrices: rowsOf<{
      id: string;
      started_at: Date | string;
      price_per_hour: string;
      resources: { cpuMillis?: number; memoryMiB?: number; gpuCount?: number } | null;
    }>(pricesRes)
      .reverse()
      .map((r) => ({
        at: iso(r.started_at) ?? "",
        leaseId: String(r.id),
        pricePerHour: String(r.price_per_hour),
        cpuMillis: Number(r.resources?.cpuMillis ?? 0),
        memoryMiB: Number(r.resources?.memoryMiB ?? 0),
        gpuCount: Number(r.resources?.gpuCount ?? 0),
      })),
  };
  return { overview, allProviders };
}

function clusterOffer(row: LatestRow): ClusterOffer {
  const e = row.exposure;
  const http = Boolean(e?.ingressClass && e.baseDomain);
  return {
    name: row.cluster_name,
    http,
    tls: http ? (e?.tls?.kind ?? null) : null,
    ports: e?.ports ?? "none",
    storageClasses: row.storage_classes ?? [],
  };
}

function sumValues(record: Record<string, number> | undefined): number {
  let n = 0;
  for (const v of Object.values(record ?? {})) n += v;
  return n;
}

function addGpus(into: Record<string, number>, from: Record<string, number> | undefined) {
  for (const [model, count] of Object.entries(from ?? {})) into[model] = (into[model] ?? 0) + count;
}

function iso(value: Date | string | null | undefined): string | null {
  if (!value) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
