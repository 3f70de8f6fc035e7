import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { chainEvents } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { readOrderIntegrity } from "./read-order-integrity";

// The order page's integrity terms and sealed-auction history come from the indexed events of the
// order, as the indexer stores them (bigints as decimal strings), in chain order.

let handle: DbHandle;
let log = 0;
const event = (orderId: string, name: string, args: Record<string, unknown>, block: number) => ({
  blockNumber: BigInt(block),
  logIndex: log++,
  blockHash: `0x${"b".repeat(64)}`,
  txHash: `0x${String(log).padStart(64, "0")}`,
  name,
  orderId,
  provider: typeof args.provider === "string" ? args.provider : null,
  args,
  at: new Date(Date.UTC(2026, 10, 30, 19, 0, block)),
});
const order = (fields: Record<string, string>) => ({
  orderId: "1",
  tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
  order: { maxPricePerHour: "1000", duration: "3600", ...fields },
});

beforeAll(async () => {
  handle = await createTestDb();
  await handle.db.insert(chainEvents).values([
    event(
      "7",
      "OrderCreated",
      order({ auctionFormat: "1", revealWindow: "90", startDeadline: "300", minReputation: "60" }),
      1,
    ),
    event("7", "BidCommitted", { orderId: "7", provider: "0xaa", bidder: "0xaa" }, 2),
    event("7", "BidCommitted", { orderId: "7", provider: "0xbb", bidder: "0xop" }, 3),
    event("7", "BidCommitted", { orderId: "7", provider: "0xcc", bidder: "0xcc" }, 4),
    event("7", "BidRevealed", { orderId: "7", provider: "0xBB", price: "700" }, 10),
    event("7", "BidRevealed", { orderId: "7", provider: "0xaa", price: "900" }, 11),
    // Another order's events never leak in.
    event("8", "BidRevealed", { orderId: "8", provider: "0xdd", price: "1" }, 12),
    event(
      "9",
      "OrderCreated",
      order({ auctionFormat: "0", revealWindow: "0", startDeadline: "600", minReputation: "0" }),
      13,
    ),
  ]);
});
afterAll(async () => {
  await handle?.close();
});

describe("readOrderIntegrity", () => {
  it("a sealed order: its terms, the reveal window's end, commits counted and reveals in chain order", async () => {
    const r = await readOrderIntegrity({
      db: handle.db,
      orderId: "7",
      bidEndsAt: "2026-11-30T19:00:00.000Z",
    });
    expect(r).toEqual({
      format: "sealed",
      revealWindowSeconds: 90,
      revealEndsAt: "2026-11-30T19:01:30.000Z",
      startDeadlineSeconds: 300,
      minReputation: 60,
      commits: 3,
      reveals: [
        { provider: "0xbb", price: "700", at: "2026-11-30T19:00:10.000Z" },
        { provider: "0xaa", price: "900", at: "2026-11-30T19:00:11.000Z" },
      ],
    });
  });

  it("an open order has no reveal window end, commits or reveals", async () => {
    const r = await readOrderIntegrity({
      db: handle.db,
      orderId: "9",
      bidEndsAt: "2026-11-30T19:00:00.000Z",
    });
    expect(r).toMatchObject({
      format: "open",
      revealEndsAt: null,
      startDeadlineSeconds: 600,
      commits: 0,
      reveals: [],
    });
  });
});
