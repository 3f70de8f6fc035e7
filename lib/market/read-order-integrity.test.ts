import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { orders, sealedBids } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { readOrderIntegrity } from "./read-order-integrity";

// The order page's integrity terms and sealed-auction history, from the indexed order row and its
// sealed_bids rows: reveals with their prices in chain order, another order's never.

let handle: DbHandle;
let log = 0;
const BID_END = new Date("2026-11-30T19:00:00.000Z");

const order = (id: string, over: Partial<typeof orders.$inferInsert>) => ({
  id,
  tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
  specHash: `0x${"a".repeat(64)}`,
  resources: {},
  maxPricePerHour: "1000",
  durationSeconds: 3600,
  deposit: "1000",
  bidWindowEndsAt: BID_END,
  createdBlock: 1n,
  txHash: `0x${"c".repeat(64)}`,
  ...over,
});
const row = (
  orderId: string,
  provider: string,
  kind: "commit" | "reveal",
  price: string | null,
  sec: number,
) => ({
  orderId,
  provider,
  kind,
  price,
  bidder: provider,
  blockNumber: BigInt(++log),
  txHash: `0x${String(log).padStart(64, "0")}`,
  logIndex: 0,
  at: new Date(BID_END.getTime() + sec * 1000),
});
const read = async (id: string) => {
  const [o] = await handle.db.select().from(orders).where(eq(orders.id, id));
  return readOrderIntegrity({ db: handle.db, order: o ?? null });
};

beforeAll(async () => {
  handle = await createTestDb();
  await handle.db.insert(orders).values([
    order("7", {
      auctionFormat: "sealed",
      revealWindowSeconds: 90,
      startDeadlineSeconds: 300,
      minReputation: 60,
      commitCount: 3,
      revealCount: 2,
    }),
    order("9", { auctionFormat: "open", startDeadlineSeconds: 600 }),
  ]);
  await handle.db
    .insert(sealedBids)
    .values([
      row("7", "0xaa", "commit", null, -30),
      row("7", "0xBB", "reveal", "700", 10),
      row("7", "0xaa", "reveal", "900", 11),
      row("8", "0xdd", "reveal", "1", 12),
    ]);
});
afterAll(async () => {
  await handle?.close();
});

describe("readOrderIntegrity", () => {
  it("a sealed order: its terms, the reveal window's end, commits and reveals in chain order", async () => {
    expect(await read("7")).toEqual({
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
    expect(await read("9")).toMatchObject({
      format: "open",
      revealEndsAt: null,
      startDeadlineSeconds: 600,
      commits: 0,
      reveals: [],
    });
  });

  it("an order not indexed yet claims nothing but an open auction", async () => {
    expect(await read("404")).toMatchObject({ format: "open", startDeadlineSeconds: 0, reveals: [] });
  });
});
