import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Order, sealedBids } from "@/db/schema";
import type { AuctionFormat } from "@/lib/market/integrity-terms";

// An order's integrity terms and, for a sealed-bid auction, its commits and reveals, for the order
// page: the signed order's fields and the commit count as the indexer stored them on the order row,
// the reveals (BidRevealed, with their prices) from sealed_bids in chain order. The contract's
// settled second price is read live by the caller.

export interface OrderIntegrity {
  format: AuctionFormat;
  revealWindowSeconds: number;
  /** bidEnd + revealWindow, ISO; null for an open auction. */
  revealEndsAt: string | null;
  /** Seconds after settlement within which the start must be attested. */
  startDeadlineSeconds: number;
  minReputation: number;
  commits: number;
  reveals: { provider: string; price: string; at: string }[];
}

export async function readOrderIntegrity(opts: {
  db: Db;
  /** The indexed order; null while not indexed yet (then nothing is claimed beyond an open auction). */
  order: Order | null;
}): Promise<OrderIntegrity> {
  const { order } = opts;
  if (!order)
    return {
      format: "open",
      revealWindowSeconds: 0,
      revealEndsAt: null,
      startDeadlineSeconds: 0,
      minReputation: 0,
      commits: 0,
      reveals: [],
    };
  const sealed = order.auctionFormat === "sealed";
  const reveals = sealed
    ? await opts.db
        .select({ provider: sealedBids.provider, price: sealedBids.price, at: sealedBids.at })
        .from(sealedBids)
        .where(and(eq(sealedBids.orderId, order.id), eq(sealedBids.kind, "reveal")))
        .orderBy(asc(sealedBids.blockNumber), asc(sealedBids.logIndex))
    : [];
  return {
    format: order.auctionFormat,
    revealWindowSeconds: order.revealWindowSeconds,
    revealEndsAt: sealed
      ? new Date(order.bidWindowEndsAt.getTime() + order.revealWindowSeconds * 1000).toISOString()
      : null,
    startDeadlineSeconds: order.startDeadlineSeconds,
    minReputation: order.minReputation,
    commits: order.commitCount,
    reveals: reveals.flatMap((r) =>
      r.price ? [{ provider: r.provider.toLowerCase(), price: r.price, at: r.at.toISOString() }] : [],
    ),
  };
}
