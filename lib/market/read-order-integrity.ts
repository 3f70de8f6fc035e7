import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { chainEvents } from "@/db/schema";
import { type AuctionFormat, auctionFormatOf } from "@/lib/market/integrity-terms";

// An order's integrity terms and, for a sealed-bid auction, its commits and reveals, for the order
// page. The signed order's fields come from its indexed OrderCreated event; commits and reveals from
// the indexed BidCommitted and BidRevealed events (chain_events, written by the indexer for every
// market event, keyed by order). The contract's settled second price is read live by the caller.

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

const decimal = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);
const orderArgs = z.object({
  order: z.object({
    auctionFormat: decimal.optional(),
    revealWindow: decimal.optional(),
    startDeadline: decimal.optional(),
    minReputation: decimal.optional(),
  }),
});
const revealArgs = z.object({
  provider: z.string(),
  price: z.string().regex(/^\d+$/),
});

export async function readOrderIntegrity(opts: {
  db: Db;
  orderId: string;
  /** The bid window's end, ISO. */
  bidEndsAt: string | null;
}): Promise<OrderIntegrity> {
  const rows = await opts.db
    .select({ name: chainEvents.name, args: chainEvents.args, at: chainEvents.at })
    .from(chainEvents)
    .where(
      and(
        eq(chainEvents.orderId, opts.orderId),
        inArray(chainEvents.name, ["OrderCreated", "BidCommitted", "BidRevealed"]),
      ),
    )
    .orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex));
  const created = rows.find((r) => r.name === "OrderCreated");
  const order = created ? orderArgs.safeParse(created.args) : null;
  const terms = order?.success ? order.data.order : {};
  const format = auctionFormatOf(terms.auctionFormat ?? 0);
  const revealWindowSeconds = terms.revealWindow ?? 0;
  const reveals = rows.flatMap((r) => {
    if (r.name !== "BidRevealed") return [];
    const args = revealArgs.safeParse(r.args);
    return args.success
      ? [{ provider: args.data.provider.toLowerCase(), price: args.data.price, at: r.at.toISOString() }]
      : [];
  });
  return {
    format,
    revealWindowSeconds,
    revealEndsAt:
      format === "sealed" && opts.bidEndsAt
        ? new Date(Date.parse(opts.bidEndsAt) + revealWindowSeconds * 1000).toISOString()
        : null,
    startDeadlineSeconds: terms.startDeadline ?? 0,
    minReputation: terms.minReputation ?? 0,
    commits: rows.filter((r) => r.name === "BidCommitted").length,
    reveals,
  };
}
