import "server-only";
import { and, desc, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type BidDecision,
  bidDecisions,
  bidSecrets,
  type Lease,
  leases,
  manifests,
  type Order,
  orders,
} from "@/db/schema";
import { manifestWorkload, type Workload } from "@/lib/market/fit-order";
import { type Manifest, manifestSchema } from "@/lib/market/manifest";

// Capacity a provider has promised and is not running yet: every open order (in its window or waiting
// to settle) it leads or has just bid on, every open sealed order it holds a commitment on (it may win
// until the order settles, revealed or not), and its leases whose workload is not deployed yet (running
// pods are already in the inventory). The bid engine fits new orders after these, and so does the
// deploy page's screening (lib/market/get-offers.ts), so both see the same free room. Each promise is
// sized from its stored manifest (v1 or v2) by manifestWorkload, as the order itself was screened.

export interface PromisedCapacity {
  openOrders: Order[];
  /** The last bid decision per `${orderId}:${provider}`; the bid engine updates it as it decides. */
  last: Map<string, BidDecision>;
  /**
   * The cluster (null: none named) per `${orderId}:${provider}` of each sealed commitment on an open
   * order, sent or about to be: not one that never landed (marked done without a reveal).
   */
  sealedCommits: Map<string, string | null>;
  pendingLeases: Lease[];
  leasedOrders: Map<string, Order>;
  /** The stored manifest per spec hash (lower case). */
  manifests: Map<string, Manifest>;
}

/** The order's manifest, or null when none is stored (or it no longer parses). */
export function manifestOfOrder(order: Pick<Order, "specHash">, c: Pick<PromisedCapacity, "manifests">) {
  return c.manifests.get(order.specHash.toLowerCase()) ?? null;
}

// Every promise is fitted again for each (order, provider, cluster) of a tick: size each manifest once.
const sized = new WeakMap<Manifest, Workload>();
function workloadOf(m: Manifest): Workload {
  const known = sized.get(m);
  if (known) return known;
  const w = manifestWorkload(m);
  sized.set(m, w);
  return w;
}

async function manifestsBySpec(db: Db, specHashes: string[]): Promise<Map<string, Manifest>> {
  const out = new Map<string, Manifest>();
  if (specHashes.length === 0) return out;
  const rows = await db
    .select({ specHash: manifests.specHash, body: manifests.body })
    .from(manifests)
    .where(inArray(manifests.specHash, specHashes));
  // Stored bodies were validated on the way in; one that no longer parses (a schema change) is skipped.
  for (const row of rows) {
    const parsed = manifestSchema.safeParse(row.body);
    if (parsed.success) out.set(row.specHash.toLowerCase(), parsed.data);
  }
  return out;
}

/** The last decision per (order, provider) for the given orders. */
async function lastDecisions(db: Db, orderIds: string[]): Promise<Map<string, BidDecision>> {
  const out = new Map<string, BidDecision>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .selectDistinctOn([bidDecisions.orderId, bidDecisions.provider])
    .from(bidDecisions)
    .where(inArray(bidDecisions.orderId, orderIds))
    .orderBy(bidDecisions.orderId, bidDecisions.provider, desc(bidDecisions.id));
  for (const row of rows) out.set(`${row.orderId}:${row.provider}`, row);
  return out;
}

export async function loadPromisedCapacity({ db }: { db: Db }): Promise<PromisedCapacity> {
  const openOrders = await db.select().from(orders).where(eq(orders.status, "open"));
  const pendingLeases = await db
    .select()
    .from(leases)
    .where(and(eq(leases.status, "active"), inArray(leases.deployState, ["pending", "deploying"])));
  const leasedOrders = new Map<string, Order>();
  if (pendingLeases.length > 0) {
    const ids = pendingLeases.map((l) => l.orderId);
    for (const o of await db.select().from(orders).where(inArray(orders.id, ids))) leasedOrders.set(o.id, o);
  }
  const sealedCommits = new Map<string, string | null>();
  const sealedIds = openOrders.filter((o) => o.auctionFormat === "sealed").map((o) => o.id);
  if (sealedIds.length > 0) {
    const secrets = await db
      .select({ orderId: bidSecrets.orderId, provider: bidSecrets.provider, clusterId: bidSecrets.clusterId })
      .from(bidSecrets)
      .where(
        and(
          inArray(bidSecrets.orderId, sealedIds),
          or(isNotNull(bidSecrets.committedAt), isNull(bidSecrets.revealedAt)),
        ),
      );
    for (const s of secrets) sealedCommits.set(`${s.orderId}:${s.provider.toLowerCase()}`, s.clusterId);
  }
  const specs = [...openOrders, ...leasedOrders.values()].map((o) => o.specHash.toLowerCase());
  return {
    openOrders,
    last: await lastDecisions(
      db,
      openOrders.map((o) => o.id),
    ),
    sealedCommits,
    pendingLeases,
    leasedOrders,
    manifests: await manifestsBySpec(db, [...new Set(specs)]),
  };
}

/**
 * What `provider` (lower case) has promised on `clusterId`; a promise not tied to a cluster counts on
 * each. An order without a stored manifest holds no room: the bid engine never bids on one, and no
 * lease can be deployed from it.
 */
export function promisedOn(
  c: PromisedCapacity,
  opts: { provider: string; clusterId: string; exceptOrder?: string },
): Workload[] {
  const out: Workload[] = [];
  for (const o of c.openOrders) {
    if (o.id === opts.exceptOrder) continue;
    const key = `${o.id}:${opts.provider}`;
    const sealedCluster = c.sealedCommits.get(key);
    if (sealedCluster !== undefined) {
      if (sealedCluster && sealedCluster !== opts.clusterId) continue;
      const m = manifestOfOrder(o, c);
      if (m) out.push(workloadOf(m));
      continue;
    }
    const d = c.last.get(key);
    const leads =
      o.bestProvider?.toLowerCase() === opts.provider ||
      (d && (d.action === "bid" || d.action === "undercut"));
    if (!leads) continue;
    if (d?.clusterId && d.clusterId !== opts.clusterId) continue;
    const m = manifestOfOrder(o, c);
    if (m) out.push(workloadOf(m));
  }
  for (const l of c.pendingLeases) {
    if (l.provider.toLowerCase() !== opts.provider) continue;
    if (l.clusterId && l.clusterId !== opts.clusterId) continue;
    const o = c.leasedOrders.get(l.orderId);
    if (!o) continue;
    const m = manifestOfOrder(o, c);
    if (m) out.push(workloadOf(m));
  }
  return out;
}
