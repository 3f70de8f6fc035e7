import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Hex } from "viem";
import type { Db } from "@/db/client";
import {
  type BidDecision,
  bidDecisions,
  type Lease,
  leases,
  manifests,
  type Order,
  orders,
} from "@/db/schema";
import { fromBytes32Text } from "@/lib/chain/order-types";
import { orderWorkload, type Workload } from "@/lib/market/fit-order";

// Capacity a provider has promised and is not running yet: every open order (in its window or waiting
// to settle) it leads or has just bid on, and its leases whose workload is not deployed yet (running
// pods are already in the inventory). The bid engine fits new orders after these, and so does the
// deploy page's screening (lib/market/get-offers.ts), so both see the same free room.

export interface OrderTotals {
  cpuMillis: number;
  memoryMiB: number;
  storageMiB: number;
  gpuCount: number;
  gpuModel: string | null;
}

export interface PromisedCapacity {
  openOrders: Order[];
  /** The last bid decision per `${orderId}:${provider}`; the bid engine updates it as it decides. */
  last: Map<string, BidDecision>;
  pendingLeases: Lease[];
  leasedOrders: Map<string, Order>;
  /** Replica count per spec hash (lower case), from the stored manifests. */
  replicas: Map<string, number>;
}

/** The order's GPU model as text (the indexer may keep the bytes32 or the decoded text). */
function gpuModelOf(m: unknown): string | null {
  if (typeof m !== "string" || !m) return null;
  if (/^0x[0-9a-fA-F]{64}$/.test(m)) return fromBytes32Text(m as Hex) || null;
  return m;
}

/** Totals of an order, and its workload from its manifest's replica count (1 without manifest). */
export function workloadOfOrder(
  order: Pick<Order, "resources" | "specHash">,
  replicas: Map<string, number>,
): Workload & { totals: OrderTotals } {
  const r = order.resources as Record<string, unknown>;
  const totals = {
    cpuMillis: Number(r.cpuMillis ?? 0),
    memoryMiB: Number(r.memoryMiB ?? 0),
    storageMiB: Number(r.storageMiB ?? 0),
    gpuCount: Number(r.gpuCount ?? 0),
    gpuModel: gpuModelOf(r.gpuModel),
  };
  return { totals, ...orderWorkload(totals, replicas.get(order.specHash.toLowerCase()) ?? 1) };
}

async function replicasBySpec(db: Db, specHashes: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (specHashes.length === 0) return out;
  const rows = await db
    .select({ specHash: manifests.specHash, body: manifests.body })
    .from(manifests)
    .where(inArray(manifests.specHash, specHashes));
  for (const row of rows) {
    const replicas = (row.body as { replicas?: unknown } | null)?.replicas;
    out.set(row.specHash.toLowerCase(), typeof replicas === "number" && replicas > 0 ? replicas : 1);
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
  const specs = [...openOrders, ...leasedOrders.values()].map((o) => o.specHash.toLowerCase());
  return {
    openOrders,
    last: await lastDecisions(
      db,
      openOrders.map((o) => o.id),
    ),
    pendingLeases,
    leasedOrders,
    replicas: await replicasBySpec(db, [...new Set(specs)]),
  };
}

/** What `provider` (lower case) has promised on `clusterId`; a promise not tied to a cluster counts on each. */
export function promisedOn(
  c: PromisedCapacity,
  opts: { provider: string; clusterId: string; exceptOrder?: string },
): Workload[] {
  const out: Workload[] = [];
  for (const o of c.openOrders) {
    if (o.id === opts.exceptOrder) continue;
    const d = c.last.get(`${o.id}:${opts.provider}`);
    const leads =
      o.bestProvider?.toLowerCase() === opts.provider ||
      (d && (d.action === "bid" || d.action === "undercut"));
    if (!leads) continue;
    if (d?.clusterId && d.clusterId !== opts.clusterId) continue;
    const { replica, replicas } = workloadOfOrder(o, c.replicas);
    out.push({ replica, replicas });
  }
  for (const l of c.pendingLeases) {
    if (l.provider.toLowerCase() !== opts.provider) continue;
    if (l.clusterId && l.clusterId !== opts.clusterId) continue;
    const o = c.leasedOrders.get(l.orderId);
    if (!o) continue;
    const { replica, replicas } = workloadOfOrder(o, c.replicas);
    out.push({ replica, replicas });
  }
  return out;
}
