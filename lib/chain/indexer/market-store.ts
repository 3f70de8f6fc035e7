// Reads and writes the chain-derived rows for the indexer, inside the caller's transaction: the state of
// the entities a batch touches (orders, leases, providers' on-chain part), the per-event rows (bids,
// payments, chain_events) and the cursor. Upserts only ever set chain-derived columns, so what other parts
// of the app keep in the same rows (a provider's profile, the lease controller's deploy state) survives.
import "server-only";
import { and, asc, desc, eq, getTableColumns, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import {
  bids,
  bondEvents,
  chainEvents,
  downtimeRefunds,
  indexedBlocks,
  indexerCursor,
  leaseDelegates,
  leaseSpecRevisions,
  leases,
  orders,
  payments,
  providerBondSnapshots,
  providers,
  reputationAttestations,
  sealedBids,
} from "@/db/schema";
import type { ChainLease, ChainOrder, ChainProvider, EventRows, MarketState } from "./apply-market-event";
import { emptyProvider } from "./apply-market-event";
import type { MarketEvent } from "./decode-market-log";

export type { DbOrTx };

// Rows per INSERT: stays far below PostgreSQL's 65,535 bind parameters for every table here.
const CHUNK = 1_000;
/** How many recent block hashes are kept per indexer for finding the common ancestor after a reorg. */
const KEPT_BLOCK_HASHES = 2_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** `SET col = excluded.col` for the given property names of a table (an upsert writing only those). */
function excluded<T extends PgTable>(table: T, keys: readonly (keyof T["_"]["columns"] & string)[]) {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const set: Record<string, SQL> = {};
  for (const key of keys) {
    const column = columns[key];
    if (!column) throw new Error(`unknown column ${key}`);
    set[key] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

/** Current rows of the given orders/leases and providers; absent ones are recorded as not existing. */
export async function loadMarketState(
  db: DbOrTx,
  keys: { orderIds: Iterable<string>; providers: Iterable<string> },
): Promise<MarketState> {
  const orderIds = [...new Set(keys.orderIds)];
  const addresses = [...new Set(keys.providers)];
  const state: MarketState = { orders: new Map(), leases: new Map(), providers: new Map() };
  for (const id of orderIds) {
    state.orders.set(id, null);
    state.leases.set(id, null);
  }
  for (const address of addresses) state.providers.set(address, emptyProvider(address));
  for (const ids of chunks(orderIds)) {
    const { createdAt: _c, updatedAt: _u, ...orderColumns } = getTableColumns(orders);
    for (const row of await db.select(orderColumns).from(orders).where(inArray(orders.id, ids))) {
      state.orders.set(row.id, row);
    }
    for (const row of await db.select(leaseColumns()).from(leases).where(inArray(leases.id, ids))) {
      state.leases.set(row.id, row);
    }
  }
  for (const list of chunks(addresses)) {
    const rows = await db
      .select({
        address: providers.address,
        registered: providers.registered,
        operator: providers.operator,
        attributes: providers.attributes,
        registeredAt: providers.registeredAt,
        reputation: providers.reputation,
        reputationAttestedAt: providers.reputationAttestedAt,
      })
      .from(providers)
      .where(inArray(providers.address, list));
    for (const row of rows) state.providers.set(row.address, row);
  }
  return state;
}

function leaseColumns() {
  return {
    id: leases.id,
    orderId: leases.orderId,
    tenant: leases.tenant,
    provider: leases.provider,
    pricePerHour: leases.pricePerHour,
    deposit: leases.deposit,
    withdrawn: leases.withdrawn,
    feeBps: leases.feeBps,
    startedAt: leases.startedAt,
    endsAt: leases.endsAt,
    closedAt: leases.closedAt,
    closeReason: leases.closeReason,
    status: leases.status,
    specHash: leases.specHash,
    specRevision: leases.specRevision,
    closedBy: leases.closedBy,
    settledAt: leases.settledAt,
    attestedAt: leases.attestedAt,
    startDeadline: leases.startDeadline,
    attestedSpecHash: leases.attestedSpecHash,
    downtimeSeconds: leases.downtimeSeconds,
    slaRefunded: leases.slaRefunded,
    unstartedRefund: leases.unstartedRefund,
    unstartedSlash: leases.unstartedSlash,
    createdBlock: leases.createdBlock,
  };
}

const orderKeys = [
  "tenant",
  "specHash",
  "resources",
  "requiredAttributes",
  "maxPricePerHour",
  "durationSeconds",
  "deposit",
  "bidWindowEndsAt",
  "status",
  "bestPrice",
  "bestProvider",
  "bidCount",
  "autoTopUpAmount",
  "autoTopUpCap",
  "autoTopUpMinRunwaySeconds",
  "autoTopUpUsed",
  "startDeadlineSeconds",
  "auctionFormat",
  "revealWindowSeconds",
  "minReputation",
  "commitCount",
  "revealCount",
  "secondPrice",
  "createdBlock",
  "txHash",
  "updatedAt",
] as const;
const leaseKeys = [
  "orderId",
  "tenant",
  "provider",
  "pricePerHour",
  "deposit",
  "withdrawn",
  "feeBps",
  "startedAt",
  "endsAt",
  "closedAt",
  "closeReason",
  "status",
  "specHash",
  "specRevision",
  "closedBy",
  "settledAt",
  "attestedAt",
  "startDeadline",
  "attestedSpecHash",
  "downtimeSeconds",
  "slaRefunded",
  "unstartedRefund",
  "unstartedSlash",
  "createdBlock",
  "updatedAt",
] as const;
const providerKeys = [
  "registered",
  "operator",
  "attributes",
  "registeredAt",
  "reputation",
  "reputationAttestedAt",
  "updatedAt",
] as const;

/** Write the state back: upsert what exists, delete orders/leases that (after a rollback) no longer do. */
export async function saveMarketState(db: DbOrTx, state: MarketState): Promise<void> {
  const now = new Date();
  const liveOrders: (ChainOrder & { updatedAt: Date })[] = [];
  const goneOrders: string[] = [];
  for (const [id, row] of state.orders)
    row ? liveOrders.push({ ...row, updatedAt: now }) : goneOrders.push(id);
  const liveLeases: (ChainLease & { updatedAt: Date })[] = [];
  const goneLeases: string[] = [];
  for (const [id, row] of state.leases)
    row ? liveLeases.push({ ...row, updatedAt: now }) : goneLeases.push(id);
  const liveProviders: (ChainProvider & { updatedAt: Date })[] = [...state.providers.values()].map((p) => ({
    ...p,
    updatedAt: now,
  }));

  for (const rows of chunks(liveOrders)) {
    await db
      .insert(orders)
      .values(rows)
      .onConflictDoUpdate({ target: orders.id, set: excluded(orders, orderKeys) });
  }
  for (const ids of chunks(goneOrders)) await db.delete(orders).where(inArray(orders.id, ids));
  for (const rows of chunks(liveLeases)) {
    await db
      .insert(leases)
      .values(rows)
      .onConflictDoUpdate({ target: leases.id, set: excluded(leases, leaseKeys) });
  }
  for (const ids of chunks(goneLeases)) await db.delete(leases).where(inArray(leases.id, ids));
  for (const rows of chunks(liveProviders)) {
    await db
      .insert(providers)
      .values(rows)
      .onConflictDoUpdate({ target: providers.address, set: excluded(providers, providerKeys) });
  }
}

/**
 * Store events in chain_events; returns the keys (`block:logIndex`) of those not stored before, which are
 * the only ones to apply: that makes re-indexing a range a no-op.
 */
export async function insertChainEvents(
  db: DbOrTx,
  events: readonly (MarketEvent & { at: Date; orderId: string | null; provider: string | null })[],
): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (const list of chunks(events)) {
    const inserted = await db
      .insert(chainEvents)
      .values(
        list.map((e) => ({
          blockNumber: e.blockNumber,
          logIndex: e.logIndex,
          blockHash: e.blockHash,
          txHash: e.txHash,
          name: e.name,
          orderId: e.orderId,
          provider: e.provider,
          args: toJson(e.args) as Record<string, unknown>,
          at: e.at,
        })),
      )
      .onConflictDoNothing()
      .returning({ blockNumber: chainEvents.blockNumber, logIndex: chainEvents.logIndex });
    for (const row of inserted) fresh.add(eventKey(row));
  }
  return fresh;
}

export function eventKey(e: { blockNumber: bigint; logIndex: number }): string {
  return `${e.blockNumber}:${e.logIndex}`;
}

/** JSON-safe copy with bigints as decimal strings. */
function toJson(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

export async function insertEventRows(db: DbOrTx, rows: EventRows): Promise<void> {
  for (const list of chunks(rows.bids)) await db.insert(bids).values(list).onConflictDoNothing();
  for (const list of chunks(rows.payments)) await db.insert(payments).values(list).onConflictDoNothing();
  for (const list of chunks(rows.specRevisions)) {
    await db.insert(leaseSpecRevisions).values(list).onConflictDoNothing();
  }
  for (const list of chunks(rows.delegates)) {
    await db.insert(leaseDelegates).values(list).onConflictDoNothing();
  }
  for (const list of chunks(rows.bondEvents)) await db.insert(bondEvents).values(list).onConflictDoNothing();
  for (const list of chunks(rows.downtimeRefunds)) {
    await db.insert(downtimeRefunds).values(list).onConflictDoNothing();
  }
  for (const list of chunks(rows.reputationAttestations)) {
    await db.insert(reputationAttestations).values(list).onConflictDoNothing();
  }
  for (const list of chunks(rows.sealedBids)) await db.insert(sealedBids).values(list).onConflictDoNothing();
}

/** A provider's bond as `getBond` returned it at `blockNumber` (block time `at`). */
export interface BondSnapshot {
  provider: string;
  blockNumber: bigint;
  total: bigint;
  locked: bigint;
  unbonding: bigint;
  /** Seconds; 0: nothing unbonding. */
  unbondAt: number;
  at: Date;
}

/** Store bond readings (re-reading the same block overwrites: the chain answered for that block). */
export async function insertBondSnapshots(db: DbOrTx, snapshots: readonly BondSnapshot[]): Promise<void> {
  for (const list of chunks(snapshots)) {
    await db
      .insert(providerBondSnapshots)
      .values(
        list.map((b) => ({
          provider: b.provider,
          blockNumber: b.blockNumber,
          total: b.total.toString(),
          locked: b.locked.toString(),
          unbonding: b.unbonding.toString(),
          unbondAt: b.unbondAt > 0 ? new Date(b.unbondAt * 1000) : null,
          at: b.at,
        })),
      )
      .onConflictDoUpdate({
        target: [providerBondSnapshots.provider, providerBondSnapshots.blockNumber],
        set: excluded(providerBondSnapshots, ["total", "locked", "unbonding", "unbondAt", "at"]),
      });
  }
}

/** Stored events of the given orders and providers below `beforeBlock`, in chain order. */
export async function storedEvents(
  db: DbOrTx,
  keys: { orderIds: string[]; providers: string[]; beforeBlock: bigint },
) {
  const conditions: SQL[] = [];
  for (const ids of chunks(keys.orderIds)) conditions.push(inArray(chainEvents.orderId, ids));
  for (const list of chunks(keys.providers)) conditions.push(inArray(chainEvents.provider, list));
  if (conditions.length === 0) return [];
  return db
    .select()
    .from(chainEvents)
    .where(and(lt(chainEvents.blockNumber, keys.beforeBlock), or(...conditions)))
    .orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex));
}

/** Delete every chain-derived per-event row at or above `block`; returns the entities they concerned. */
export async function deleteEventsFrom(db: DbOrTx, name: string, block: bigint) {
  const gone = await db
    .delete(chainEvents)
    .where(gte(chainEvents.blockNumber, block))
    .returning({ orderId: chainEvents.orderId, provider: chainEvents.provider });
  await db.delete(bids).where(gte(bids.blockNumber, block));
  await db.delete(payments).where(gte(payments.blockNumber, block));
  await db.delete(leaseSpecRevisions).where(gte(leaseSpecRevisions.blockNumber, block));
  await db.delete(leaseDelegates).where(gte(leaseDelegates.blockNumber, block));
  await db.delete(bondEvents).where(gte(bondEvents.blockNumber, block));
  await db.delete(downtimeRefunds).where(gte(downtimeRefunds.blockNumber, block));
  await db.delete(reputationAttestations).where(gte(reputationAttestations.blockNumber, block));
  await db.delete(sealedBids).where(gte(sealedBids.blockNumber, block));
  // Bond readings are per block: the latest surviving one per provider is its bond at the ancestor.
  await db.delete(providerBondSnapshots).where(gte(providerBondSnapshots.blockNumber, block));
  await db.delete(indexedBlocks).where(and(eq(indexedBlocks.name, name), gte(indexedBlocks.number, block)));
  return {
    orderIds: [...new Set(gone.flatMap((g) => (g.orderId === null ? [] : [g.orderId])))],
    providers: [...new Set(gone.flatMap((g) => (g.provider === null ? [] : [g.provider])))],
  };
}

export async function readCursor(db: DbOrTx, name: string) {
  const [row] = await db.select().from(indexerCursor).where(eq(indexerCursor.name, name));
  return row ?? null;
}

/** Move the cursor forward to `block` (never backwards: re-indexing an old range keeps it where it is). */
export async function advanceCursor(db: DbOrTx, name: string, block: { number: bigint; hash: string }) {
  await db
    .insert(indexerCursor)
    .values({ name, blockNumber: block.number, blockHash: block.hash })
    .onConflictDoUpdate({
      target: indexerCursor.name,
      set: { blockNumber: block.number, blockHash: block.hash, updatedAt: new Date() },
      setWhere: lt(indexerCursor.blockNumber, block.number),
    });
}

/** Put the cursor at `block` (a rollback), or remove it when nothing below the fork was indexed. */
export async function resetCursor(db: DbOrTx, name: string, block: { number: bigint; hash: string } | null) {
  if (!block) {
    await db.delete(indexerCursor).where(eq(indexerCursor.name, name));
    return;
  }
  await db
    .insert(indexerCursor)
    .values({ name, blockNumber: block.number, blockHash: block.hash })
    .onConflictDoUpdate({
      target: indexerCursor.name,
      set: { blockNumber: block.number, blockHash: block.hash, updatedAt: new Date() },
    });
}

/** Remember block hashes (for reorg detection) and forget those older than the kept window. */
export async function rememberBlocks(
  db: DbOrTx,
  name: string,
  blocks: readonly { number: bigint; hash: string }[],
  upTo: bigint,
): Promise<void> {
  for (const list of chunks(blocks)) {
    await db
      .insert(indexedBlocks)
      .values(list.map((b) => ({ name, number: b.number, hash: b.hash })))
      .onConflictDoUpdate({
        target: [indexedBlocks.name, indexedBlocks.number],
        set: { hash: sql.raw(`excluded."hash"`) },
      });
  }
  await db
    .delete(indexedBlocks)
    .where(and(eq(indexedBlocks.name, name), lt(indexedBlocks.number, upTo - BigInt(KEPT_BLOCK_HASHES))));
}

/** Remembered block hashes, newest first. */
export async function rememberedBlocks(db: DbOrTx, name: string) {
  return db
    .select({ number: indexedBlocks.number, hash: indexedBlocks.hash })
    .from(indexedBlocks)
    .where(eq(indexedBlocks.name, name))
    .orderBy(desc(indexedBlocks.number));
}
