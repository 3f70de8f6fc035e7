import "server-only";
import { and, asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Hex } from "viem";
import type { Db } from "@/db/client";
import { type DeployerTx, deployerTxs, leaseDeploys, leaseSla, leases, orders } from "@/db/schema";
import { type DeployerTxPayload, deployerTxPayloadSchema } from "@/lib/lease/deployer-tx-payload";
import { listDowntimeToAttest } from "@/lib/lease/get-lease-uptime";

// One tick of the deployer: the marketplace's attestations on chain, through the deployer key.
// - attestStart(lease, specHash) for each active lease whose workload the lease controller has Running
//   with the spec it applied (the lease's current spec hash): from then on the lease accrues.
// - every `downtimeIntervalMs`, one batched attestDowntime(leases, seconds) of the whole downtime
//   seconds measured (lease_downtime) that the chain has not refunded yet.
// - every `reputationIntervalMs`, attestReputation(providers, scores) for the providers whose score
//   differs from the one on chain.
//
// No second refund, whatever crashes: every transaction is written to deployer_txs with its nonce
// before it is sent, and while one is unresolved nothing new is sent. A pending row is resolved from
// its receipt; without one, a nonce the chain has used means it was mined or replaced, else the same
// payload is sent again under the same nonce — so at most one transaction per nonce is ever mined.
// What the chain then holds (getLease: attestedAt, downtimeSeconds) is the truth every new batch is
// computed against: seconds = measured total − chain total, read just before the batch is recorded.

/** A pending transaction is re-sent (same nonce, same payload) once it is this old without a receipt. */
const RESEND_AFTER_MS = 60_000;
/** Leases per attestDowntime (gas: a storage write and a transfer or two each). */
const MAX_BATCH = 100;
/** An attestStart the chain refused is tried again after this long (the refusal may be temporary). */
const RETRY_START_AFTER_MS = 30_000;

/** Thrown by DeployerChain.send when the simulation reverts: nothing was sent under the nonce. */
export class DeployerRevertError extends Error {
  override name = "DeployerRevertError";
}

export interface DeployerLease {
  status: "none" | "open" | "cancelled" | "expired" | "active" | "closed";
  /** Seconds (chain time); 0 until the start is attested. */
  attestedAt: number;
  /** Absolute start deadline (chain time, seconds). */
  startDeadline: number;
  /** Downtime seconds attested so far. */
  downtimeSeconds: number;
}

export interface DeployerChain {
  deployer: string;
  /** The deployer's transaction count: mined (latest block) and with its pending ones. */
  nonces(): Promise<{ mined: number; pending: number }>;
  chainSeconds(): Promise<number>;
  getLease(id: bigint): Promise<DeployerLease>;
  /** The provider's reputation score on chain (0..100). */
  reputationOf(provider: string): Promise<number>;
  /**
   * Simulates the call on the pending block, then signs and sends it with this nonce. A revert in the
   * simulation throws DeployerRevertError (its message: the revert's name); any other error may or may
   * not have sent it.
   */
  send(payload: DeployerTxPayload, nonce: number): Promise<Hex>;
  /** The transaction's receipt once mined (waiting up to `timeoutMs`), or null. */
  receipt(hash: Hex, timeoutMs: number): Promise<{ status: "success" | "reverted" } | null>;
}

export interface ProviderScore {
  provider: string;
  score: number;
}

export interface DeployerTickResult {
  started: number;
  downtimeLeases: number;
  downtimeSeconds: number;
  reputations: number;
  failed: number;
}

export interface DeployerState {
  lastDowntimeAt: number;
  lastReputationAt: number;
}

export async function runDeployerTick(opts: {
  db: Db;
  chain: DeployerChain;
  /** Memory of the loop between ticks (when downtime and reputation were last attested). */
  state: DeployerState;
  downtimeIntervalMs: number;
  reputationIntervalMs?: number;
  /** The providers' current scores (lib/market/reputation.ts); absent: no reputation attestations. */
  reputations?: () => Promise<ProviderScore[]>;
  now?: Date;
  /** How long to wait for a receipt (default 30 s). */
  receiptTimeoutMs?: number;
  log?: (message: string) => void;
}): Promise<DeployerTickResult> {
  const { db, chain, state } = opts;
  const now = opts.now ?? new Date();
  const log = opts.log ?? ((m: string) => console.log(`[deployer] ${m}`));
  const receiptTimeoutMs = opts.receiptTimeoutMs ?? 30_000;
  const result: DeployerTickResult = {
    started: 0,
    downtimeLeases: 0,
    downtimeSeconds: 0,
    reputations: 0,
    failed: 0,
  };
  const sender = chain.deployer.toLowerCase();

  /** Records what the chain says of these leases: attested start and downtime refunded. */
  async function reconcileLeases(ids: string[]) {
    for (const id of ids) await reconcileLease(id, await chain.getLease(BigInt(id)));
  }

  async function reconcileLease(id: string, l: DeployerLease) {
    await db
      .insert(leaseSla)
      .values({
        leaseId: id,
        attestedAt: l.attestedAt > 0 ? now : null,
        attestedDowntimeSeconds: l.downtimeSeconds,
      })
      .onConflictDoUpdate({
        target: leaseSla.leaseId,
        set: {
          // The server clock of the first time it was seen attested (downtime is measured on it).
          attestedAt:
            l.attestedAt > 0
              ? sql`coalesce(${leaseSla.attestedAt}, ${now.toISOString()}::timestamptz)`
              : null,
          attestedDowntimeSeconds: l.downtimeSeconds,
          updatedAt: now,
        },
      });
  }

  const leasesOf = (p: DeployerTxPayload): string[] =>
    p.call === "attestStart" ? [p.leaseId] : p.call === "attestDowntime" ? p.leaseIds : [];

  async function settle(row: DeployerTx, outcome: "mined" | "reverted" | "replaced", detail: string) {
    await db
      .update(deployerTxs)
      .set({ state: outcome, detail, updatedAt: now })
      .where(and(eq(deployerTxs.id, row.id), eq(deployerTxs.state, "pending")));
    const payload = deployerTxPayloadSchema.parse(row.payload);
    if (payload.call === "attestStart" && outcome === "mined")
      await db
        .insert(leaseSla)
        .values({ leaseId: payload.leaseId, attestedAt: now, specHash: payload.specHash })
        .onConflictDoUpdate({
          target: leaseSla.leaseId,
          set: {
            attestedAt: sql`coalesce(${leaseSla.attestedAt}, ${now.toISOString()}::timestamptz)`,
            specHash: payload.specHash,
          },
        });
    // Whatever happened, the chain's figures are the ones to count from.
    await reconcileLeases(leasesOf(payload));
  }

  /** Sends a recorded transaction and waits for its receipt; "pending" while its fate is unknown. */
  async function sendAndWait(row: DeployerTx): Promise<"mined" | "reverted" | "pending"> {
    const payload = deployerTxPayloadSchema.parse(row.payload);
    let hash: Hex;
    try {
      hash = await chain.send(payload, row.nonce);
    } catch (error) {
      const message = (error as Error).message.split("\n")[0] ?? "unknown error";
      // The simulation refused it: nothing was sent under this nonce, so the row is closed as reverted.
      if (error instanceof DeployerRevertError) {
        log(`${row.kind} refused: ${message}`);
        await settle(row, "reverted", message);
        return "reverted";
      }
      // Otherwise (node unreachable, a timeout after it was accepted, nonce taken) it may be out there:
      // the row stays pending and is resolved by its nonce.
      log(`${row.kind} (nonce ${row.nonce}) not confirmed sent: ${message}`);
      return "pending";
    }
    await db.update(deployerTxs).set({ txHash: hash, updatedAt: now }).where(eq(deployerTxs.id, row.id));
    const receipt = await chain.receipt(hash, receiptTimeoutMs).catch(() => null);
    if (!receipt) return "pending";
    const outcome = receipt.status === "success" ? "mined" : "reverted";
    await settle(row, outcome, receipt.status === "success" ? "mined" : `transaction ${hash} reverted`);
    return outcome;
  }

  /** Records a new transaction under the next nonce, then sends it. */
  async function submit(payload: DeployerTxPayload): Promise<"mined" | "reverted" | "pending"> {
    const { pending } = await chain.nonces();
    const kind =
      payload.call === "attestStart"
        ? "attest-start"
        : payload.call === "attestDowntime"
          ? "attest-downtime"
          : "attest-reputation";
    const [row] = await db
      .insert(deployerTxs)
      .values({ sender, nonce: pending, kind, payload, state: "pending", createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    // Another sender recorded this nonce first (two processes believing they hold the loop).
    if (!row) return "pending";
    return sendAndWait(row);
  }

  // 1. Transactions left unresolved by a crash or a slow chain.
  const unresolved = await db
    .select()
    .from(deployerTxs)
    .where(and(eq(deployerTxs.sender, sender), eq(deployerTxs.state, "pending")))
    .orderBy(asc(deployerTxs.nonce));
  if (unresolved.length > 0) {
    const { mined } = await chain.nonces();
    for (const row of unresolved) {
      const receipt = row.txHash ? await chain.receipt(row.txHash as Hex, 1_000).catch(() => null) : null;
      if (receipt)
        await settle(
          row,
          receipt.status === "success" ? "mined" : "reverted",
          `${receipt.status} (found later)`,
        );
      else if (mined > row.nonce)
        await settle(row, "replaced", `nonce ${row.nonce} used by another transaction`);
      else if (now.getTime() - row.updatedAt.getTime() >= RESEND_AFTER_MS) {
        log(`${row.kind} (nonce ${row.nonce}) unconfirmed: sending it again under the same nonce`);
        await db.update(deployerTxs).set({ updatedAt: now }).where(eq(deployerTxs.id, row.id));
        const outcome = await sendAndWait(row);
        if (outcome === "pending") return result;
      } else return result; // in flight: nothing new until it resolves
    }
  }

  // 2. Starts: Running with the spec the controller applied, not attested yet (by our records).
  const startable = await db
    .select({ id: leases.id, specHash: sql<string>`lower(coalesce(${leases.specHash}, ${orders.specHash}))` })
    .from(leases)
    .innerJoin(orders, eq(orders.id, leases.orderId))
    .innerJoin(
      leaseDeploys,
      and(
        eq(leaseDeploys.leaseId, leases.id),
        eq(leaseDeploys.specHash, sql`lower(coalesce(${leases.specHash}, ${orders.specHash}))`),
        isNotNull(leaseDeploys.appliedAt),
      ),
    )
    .leftJoin(leaseSla, eq(leaseSla.leaseId, leases.id))
    .where(and(eq(leases.status, "active"), eq(leases.deployState, "running"), isNull(leaseSla.attestedAt)))
    .orderBy(asc(leases.startedAt));
  if (startable.length > 0) {
    const chainNow = await chain.chainSeconds();
    const refused = new Set(
      (
        await db
          .select({ payload: deployerTxs.payload })
          .from(deployerTxs)
          .where(
            and(
              eq(deployerTxs.kind, "attest-start"),
              eq(deployerTxs.state, "reverted"),
              sql`${deployerTxs.updatedAt} > ${new Date(now.getTime() - RETRY_START_AFTER_MS).toISOString()}::timestamptz`,
            ),
          )
      ).map((r) => (r.payload.call === "attestStart" ? r.payload.leaseId : "")),
    );
    for (const lease of startable) {
      if (refused.has(lease.id)) continue;
      const onChain = await chain.getLease(BigInt(lease.id));
      if (onChain.status !== "active" || onChain.attestedAt > 0) {
        await reconcileLease(lease.id, onChain);
        continue;
      }
      // Past the deadline only cancelUnstarted is left (the keeper's); attestStart would revert.
      if (chainNow >= onChain.startDeadline) continue;
      const outcome = await submit({ call: "attestStart", leaseId: lease.id, specHash: lease.specHash });
      if (outcome === "mined") result.started++;
      if (outcome === "reverted") result.failed++;
      if (outcome === "pending") return result;
    }
  }

  // 3. Downtime, batched: every interval; and every tick for a lease about to end, whose last seconds
  // could no longer be refunded once it is closed.
  const intervalDue = now.getTime() - state.lastDowntimeAt >= opts.downtimeIntervalMs;
  const ending = (d: { endsAt: Date | null }) =>
    d.endsAt !== null && d.endsAt.getTime() - now.getTime() < 2 * opts.downtimeIntervalMs;
  const measured = (await listDowntimeToAttest(db, now)).filter((d) => intervalDue || ending(d));
  if (measured.length > 0 || intervalDue) {
    const batch: { leaseId: string; seconds: number; total: number }[] = [];
    for (const d of measured) {
      if (batch.length >= MAX_BATCH) break;
      // The chain's total is the one to add to (a batch mined but not recorded here counts).
      const onChain = await chain.getLease(BigInt(d.leaseId));
      await reconcileLease(d.leaseId, onChain);
      if (onChain.status !== "active") continue;
      const seconds = d.total - onChain.downtimeSeconds;
      if (seconds > 0) batch.push({ leaseId: d.leaseId, seconds, total: d.total });
    }
    if (batch.length > 0) {
      const outcome = await submit({
        call: "attestDowntime",
        leaseIds: batch.map((b) => b.leaseId),
        seconds: batch.map((b) => b.seconds),
        totals: batch.map((b) => b.total),
      });
      if (outcome === "pending") return result;
      if (outcome === "mined") {
        result.downtimeLeases = batch.length;
        result.downtimeSeconds = batch.reduce((s, b) => s + b.seconds, 0);
      } else result.failed++;
    }
    if (intervalDue) state.lastDowntimeAt = now.getTime();
  }

  // 4. Reputation: the providers whose score on chain differs.
  if (opts.reputations && now.getTime() - state.lastReputationAt >= (opts.reputationIntervalMs ?? 300_000)) {
    const changed: ProviderScore[] = [];
    for (const r of await opts.reputations()) {
      const score = Math.max(0, Math.min(100, Math.round(r.score)));
      if ((await chain.reputationOf(r.provider)) !== score)
        changed.push({ provider: r.provider.toLowerCase(), score });
    }
    if (changed.length > 0) {
      const outcome = await submit({
        call: "attestReputation",
        providers: changed.map((c) => c.provider),
        scores: changed.map((c) => c.score),
      });
      if (outcome === "pending") return result;
      if (outcome === "mined") result.reputations = changed.length;
      else result.failed++;
    }
    state.lastReputationAt = now.getTime();
  }
  return result;
}

/** The deployer's recorded transactions of these leases (for diagnostics and tests). */
export async function listDeployerTxs(db: Db, kinds?: DeployerTx["kind"][]): Promise<DeployerTx[]> {
  const q = db.select().from(deployerTxs);
  return (kinds ? q.where(inArray(deployerTxs.kind, kinds)) : q).orderBy(
    asc(deployerTxs.nonce),
    asc(deployerTxs.id),
  );
}
