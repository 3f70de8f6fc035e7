import "server-only";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bidClaims } from "@/db/schema";

// The database's guarantee that a bid goes out once per (order, provider, price), even when two app
// processes both believe they run the bid engine (a holder whose lock was lost and has not noticed
// yet): the process that inserts the row sends the bid, any other skips it. A failed bid gives its
// claim back so the next tick can retry; a claim whose sender died before knowing the outcome may
// be taken over once stale, and by then the chain shows whether the bid landed (bestBid), so the
// engine holds instead of bidding again.

/** Longer than a bid's simulate + send + receipt wait (30 s in chain-bidder.ts). */
const BID_CLAIM_STALE_MS = 60_000;

export interface BidKey {
  orderId: string;
  provider: string;
  price: string;
}

const where = (k: BidKey) =>
  and(eq(bidClaims.orderId, k.orderId), eq(bidClaims.provider, k.provider), eq(bidClaims.price, k.price));

/** True when this process may send the bid. */
export async function claimBid(opts: { db: Db; staleMs?: number } & BidKey): Promise<boolean> {
  const { db, orderId, provider, price } = opts;
  const inserted = await db
    .insert(bidClaims)
    .values({ orderId, provider, price })
    .onConflictDoNothing()
    .returning({ orderId: bidClaims.orderId });
  if (inserted.length > 0) return true;
  const stale = sql`now() - make_interval(secs => ${(opts.staleMs ?? BID_CLAIM_STALE_MS) / 1000})`;
  const takenOver = await db
    .update(bidClaims)
    .set({ claimedAt: sql`now()` })
    .where(and(where(opts), isNull(bidClaims.txHash), lt(bidClaims.claimedAt, stale)))
    .returning({ orderId: bidClaims.orderId });
  return takenOver.length > 0;
}

export async function markBidSent(opts: { db: Db; txHash: string } & BidKey): Promise<void> {
  await opts.db.update(bidClaims).set({ txHash: opts.txHash }).where(where(opts));
}

export async function releaseBid(opts: { db: Db } & BidKey): Promise<void> {
  await opts.db.delete(bidClaims).where(and(where(opts), isNull(bidClaims.txHash)));
}
