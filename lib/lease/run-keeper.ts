import "server-only";
import { and, eq, inArray, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";
import type { Address } from "viem";
import type { Db } from "@/db/client";
import { keeperActions, leases, orders } from "@/db/schema";
import { listAutoTopUpLeases } from "@/lib/chain/list-auto-top-up-leases";
import { listUnrevealedCommits } from "@/lib/market/market-integrity";
import type { KeeperChain } from "./keeper-chain";
import { leaseMoneyAt } from "./lease-money-at";

// One tick of the keeper: settle every order whose bid window has ended (with a bid: the lease starts;
// without one: ComputeMarket.settle expires it and refunds the deposit) and close every lease that is
// over (duration ended or escrow used up: closeLease lets anyone close it then), and top up every lease
// whose auto top-up rule says its runway is low. Nobody has to come back and click.
//
// Candidates come from the database (the indexer's view, possibly a block behind); the chain decides:
// an order or lease the chain no longer shows open/active is left alone, and each call is simulated
// before it is sent. Each action is claimed in keeper_actions before its transaction goes out (the row
// is the claim, like bid_claims for bids), so two processes that both run a keeper never send it twice;
// a claim whose sender died is taken over once stale, and by then the chain shows whether it landed.
// A lease may be topped up many times: each top-up is keyed by its episode, the lease's on-chain
// `autoTopUpUsed` before it, which each top-up raises, so one low-runway episode gets one transaction.
//
// Market integrity: a sealed order settles only after its reveal window (bid window + revealWindow); a
// lease never attested by its start deadline is cancelled (cancelUnstarted: the tenant gets the escrow
// back plus a slice of the provider's bond), and an unattested lease is never "over" (nothing accrues
// before the attestation); after a reveal window, every commitment not revealed is forfeited
// (forfeitCommit), one action per (order, provider): its episode is the provider's address as an integer.

/** A failed settle or close is retried after this long (a revert that persists costs one simulate per retry). */
const RETRY_AFTER_MS = 30_000;
/** Longer than simulate + send + the 30 s receipt wait (keeper-chain.ts). */
const STALE_CLAIM_MS = 90_000;

/** Reverts that mean "not yet" (chain time still before the window's end or the lease's end): try again next tick. */
const NOT_YET = new Set([
  "BiddingOpen",
  "NotAuthorizedToClose",
  "RevealOpen",
  "NotRevealPhase",
  "StartDeadlineNotPassed",
]);

/** Reverts that mean a top-up is no longer due (someone topped up, the tenant changed the rule): skipped. */
const TOP_UP_NOT_DUE = new Set(["RunwayNotLow", "AutoTopUpCapReached", "NoAutoTopUpRule", "NotActive"]);

export interface KeeperTickResult {
  settled: number;
  closed: number;
  toppedUp: number;
  /** Leases cancelled for a start never attested in time; unrevealed sealed commits forfeited. */
  cancelledUnstarted: number;
  forfeited: number;
  failed: number;
}

type Kind = "settle" | "close" | "top-up" | "cancel-unstarted" | "forfeit-commit";

const key = (kind: Kind, targetId: string, episode = "0") =>
  and(eq(keeperActions.kind, kind), eq(keeperActions.targetId, targetId), eq(keeperActions.episode, episode));
const ago = (ms: number) => sql`now() - make_interval(secs => ${ms / 1000})`;

/** True when this process may send the action: a new claim, a failed one due for a retry, or a stale pending one. */
async function claim(db: Db, kind: Kind, targetId: string, episode = "0"): Promise<boolean> {
  const inserted = await db
    .insert(keeperActions)
    .values({ kind, targetId, episode, result: "pending" })
    .onConflictDoNothing()
    .returning({ kind: keeperActions.kind });
  if (inserted.length > 0) return true;
  const retaken = await db
    .update(keeperActions)
    .set({ result: "pending", attempts: sql`${keeperActions.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        key(kind, targetId, episode),
        or(
          and(eq(keeperActions.result, "failed"), lt(keeperActions.updatedAt, ago(RETRY_AFTER_MS))),
          // A top-up found not due when sent (e.g. the tenant raised the threshold meanwhile) may come due
          // again in the same episode; it is only claimed again when the chain says so.
          and(
            eq(keeperActions.kind, "top-up"),
            eq(keeperActions.result, "skipped"),
            lt(keeperActions.updatedAt, ago(RETRY_AFTER_MS)),
          ),
          and(eq(keeperActions.result, "pending"), lt(keeperActions.updatedAt, ago(STALE_CLAIM_MS))),
        ),
      ),
    )
    .returning({ kind: keeperActions.kind });
  return retaken.length > 0;
}

async function finish(
  db: Db,
  kind: Kind,
  targetId: string,
  outcome: { result: "done" | "failed" | "skipped"; detail: string; txHash?: string },
  episode = "0",
) {
  await db
    .update(keeperActions)
    .set({ ...outcome, updatedAt: sql`now()` })
    .where(key(kind, targetId, episode));
}

/** The chain shows the order or lease handled by someone else: a claim of ours still open says so. */
async function markHandledElsewhere(db: Db, kind: Kind, targetId: string, detail: string, episode = "0") {
  await db
    .update(keeperActions)
    .set({ result: "skipped", detail, updatedAt: sql`now()` })
    .where(
      and(
        key(kind, targetId, episode),
        or(
          eq(keeperActions.result, "failed"),
          and(eq(keeperActions.result, "pending"), lt(keeperActions.updatedAt, ago(STALE_CLAIM_MS))),
        ),
      ),
    );
}

/** Sends one claimed action and records its outcome: done, failed, not yet due on-chain, or done by someone else. */
async function act(
  db: Db,
  kind: Kind,
  targetId: string,
  send: () => Promise<{ txHash: string; detail: string }>,
  stillDue: () => Promise<boolean>,
  episode = "0",
): Promise<"done" | "failed" | "not-yet" | "skipped"> {
  try {
    const { txHash, detail } = await send();
    await finish(db, kind, targetId, { result: "done", detail, txHash }, episode);
    return "done";
  } catch (error) {
    const message = (error as Error).message.split("\n")[0] ?? "unknown error";
    if (NOT_YET.has(message)) {
      // The chain's clock is behind the one we selected with: give the claim back, no record.
      await db
        .delete(keeperActions)
        .where(and(key(kind, targetId, episode), eq(keeperActions.result, "pending")));
      return "not-yet";
    }
    // A race lost to another sender (UnexpectedStatus) is not a failure: the work is done.
    if (!(await stillDue().catch(() => true))) {
      await finish(
        db,
        kind,
        targetId,
        { result: "skipped", detail: `already handled on-chain (${message})` },
        episode,
      );
      return "skipped";
    }
    await finish(db, kind, targetId, { result: "failed", detail: message }, episode);
    return "failed";
  }
}

export async function runKeeperTick(opts: {
  db: Db;
  chain: KeeperChain;
  now?: Date;
}): Promise<KeeperTickResult> {
  const { db, chain } = opts;
  const result: KeeperTickResult = {
    settled: 0,
    closed: 0,
    toppedUp: 0,
    cancelledUnstarted: 0,
    forfeited: 0,
    failed: 0,
  };
  // Chain time may run ahead of the wall clock (a dev chain moved forward) or lag it by a block: the
  // later of the two selects candidates, and the contract's own check (simulated first) has the last word.
  const chainSeconds = await chain.chainSeconds();
  const nowMs = Math.max((opts.now ?? new Date()).getTime(), chainSeconds * 1000);
  const now = new Date(nowMs);
  const finished = (kind: Kind, id: typeof orders.id | typeof leases.id) =>
    notExists(
      db
        .select({ one: sql`1` })
        .from(keeperActions)
        .where(
          and(
            eq(keeperActions.kind, kind),
            eq(keeperActions.targetId, id),
            inArray(keeperActions.result, ["done", "skipped"]),
          ),
        ),
    );

  // A sealed order settles after its reveal window (revealWindowSeconds is 0 for open auctions).
  const due = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.status, "open"),
        sql`${orders.bidWindowEndsAt} + make_interval(secs => ${orders.revealWindowSeconds}) <= ${now.toISOString()}::timestamptz`,
        finished("settle", orders.id),
      ),
    )
    .orderBy(orders.bidWindowEndsAt);
  for (const { id } of due) {
    const order = await chain.getOrder(BigInt(id));
    if (order.status !== "open") {
      await markHandledElsewhere(db, "settle", id, `already ${order.status} on-chain`);
      continue;
    }
    if (!(await claim(db, "settle", id))) continue;
    const outcome = await act(
      db,
      "settle",
      id,
      () => chain.settle(BigInt(id)),
      async () => (await chain.getOrder(BigInt(id))).status === "open",
    );
    if (outcome === "done") result.settled++;
    if (outcome === "failed") result.failed++;
  }

  const active = await db
    .select()
    .from(leases)
    .where(and(eq(leases.status, "active"), finished("close", leases.id)));
  for (const lease of active) {
    // Unattested: nothing accrues, so it is never over; past its start deadline it is cancelled below.
    if (!lease.attestedAt) continue;
    const startedAt = Math.floor(lease.attestedAt.getTime() / 1000);
    const endsAt = lease.endsAt ? Math.floor(lease.endsAt.getTime() / 1000) : Number.POSITIVE_INFINITY;
    const money = leaseMoneyAt(
      {
        status: "active",
        pricePerHour: lease.pricePerHour,
        startedAt,
        endsAt,
        escrow: lease.deposit,
        paidOut: lease.withdrawn,
      },
      nowMs / 1000,
    );
    if (money.runwaySeconds > 0) continue;
    const onChain = await chain.getLease(BigInt(lease.id));
    if (onChain.status !== "active") {
      await markHandledElsewhere(db, "close", lease.id, `already ${onChain.status} on-chain`);
      continue;
    }
    if (!(await claim(db, "close", lease.id))) continue;
    // The contract's reason label: which of its two "over" conditions held.
    const reason = nowMs / 1000 >= onChain.endsAt ? "duration ended" : "escrow exhausted";
    const outcome = await act(
      db,
      "close",
      lease.id,
      () => chain.closeLease(BigInt(lease.id), reason),
      async () => (await chain.getLease(BigInt(lease.id))).status === "active",
    );
    if (outcome === "done") result.closed++;
    if (outcome === "failed") result.failed++;
  }

  const unstarted = await db
    .select({ id: leases.id })
    .from(leases)
    .where(
      and(
        eq(leases.status, "active"),
        isNull(leases.attestedAt),
        lte(leases.startDeadline, now),
        finished("cancel-unstarted", leases.id),
      ),
    );
  for (const { id } of unstarted) {
    const onChain = await chain.getLease(BigInt(id));
    if (onChain.status !== "active" || onChain.attestedAt > 0) {
      const what = onChain.status !== "active" ? `already ${onChain.status}` : "attested";
      await markHandledElsewhere(db, "cancel-unstarted", id, `${what} on-chain`);
      continue;
    }
    if (!(await claim(db, "cancel-unstarted", id))) continue;
    const outcome = await act(
      db,
      "cancel-unstarted",
      id,
      () => chain.cancelUnstarted(BigInt(id)),
      async () => {
        const l = await chain.getLease(BigInt(id));
        return l.status === "active" && l.attestedAt === 0;
      },
    );
    if (outcome === "done") result.cancelledUnstarted++;
    if (outcome === "failed") result.failed++;
  }

  for (const { orderId, provider } of await listUnrevealedCommits(db, now)) {
    const episode = BigInt(provider).toString();
    const [done] = await db
      .select({ result: keeperActions.result })
      .from(keeperActions)
      .where(
        and(key("forfeit-commit", orderId, episode), inArray(keeperActions.result, ["done", "skipped"])),
      );
    if (done) continue;
    const commit = await chain.getCommit(BigInt(orderId), provider as Address);
    if (commit.revealed || commit.closed) {
      await markHandledElsewhere(
        db,
        "forfeit-commit",
        orderId,
        "already revealed or settled on-chain",
        episode,
      );
      continue;
    }
    if (!(await claim(db, "forfeit-commit", orderId, episode))) continue;
    const outcome = await act(
      db,
      "forfeit-commit",
      orderId,
      () => chain.forfeitCommit(BigInt(orderId), provider as Address),
      async () => {
        const c = await chain.getCommit(BigInt(orderId), provider as Address);
        return !c.revealed && !c.closed;
      },
      episode,
    );
    if (outcome === "done") result.forfeited++;
    if (outcome === "failed") result.failed++;
  }

  for (const id of await listAutoTopUpLeases({ db })) {
    const outcome = await autoTopUpLease(db, chain, id);
    if (outcome === "done") result.toppedUp++;
    if (outcome === "failed") result.failed++;
  }
  return result;
}

/**
 * One candidate of auto top-up: decided on the chain's latest block (the indexed rule only selects), claimed
 * for its episode, then sent; a revert saying it is no longer due is recorded as skipped, not failed.
 */
async function autoTopUpLease(
  db: Db,
  chain: KeeperChain,
  id: string,
): Promise<"done" | "failed" | "skipped" | "not-due"> {
  const { decision, used } = await chain.autoTopUpDue(BigInt(id));
  if (!decision.due) return "not-due";
  const episode = used.toString();
  if (!(await claim(db, "top-up", id, episode))) return "not-due";
  try {
    const run = await chain.autoTopUp(BigInt(id));
    if (!run.sent) {
      // runAutoTopUp only holds back a top-up its own re-check found not due.
      const reason = run.decision.due ? "due" : run.decision.reason;
      const detail = `not due when sent (${reason})`;
      await finish(db, "top-up", id, { result: "skipped", detail }, episode);
      return "skipped";
    }
    const detail = `topped up by ${run.amount} base units`;
    await finish(db, "top-up", id, { result: "done", detail, txHash: run.txHash }, episode);
    return "done";
  } catch (error) {
    const message = (error as Error).message.split("\n")[0] ?? "unknown error";
    const result = TOP_UP_NOT_DUE.has(message) ? "skipped" : "failed";
    await finish(db, "top-up", id, { result, detail: message }, episode);
    return result;
  }
}
