import { and, eq } from "drizzle-orm";
import { zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { relayGasUsage } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import type { Order } from "@/lib/chain/order-types";
import { AppError } from "@/lib/errors";

// The relayer's gas budget per tenant per day, in the database (shared by every app process).

let db: DbHandle;
let relay: typeof import("./relay-order");
const BUDGET = 1_000_000n;

beforeAll(async () => {
  // A relayer whose RPC refuses connections: any relay that gets as far as the chain fails there.
  Object.assign(process.env, {
    RELAYER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
    MARKET_ADDRESS: `0x${"22".repeat(20)}`,
    RPC_URL: "http://127.0.0.1:9",
    RELAY_GAS_BUDGET_PER_DAY: String(BUDGET),
  });
  db = await createTestDb();
  relay = await import("./relay-order");
});
afterAll(async () => {
  await db.close();
});

const tenant = "0x00000000000000000000000000000000000000aa";
const order = (who: string): Order => ({
  tenant: who as `0x${string}`,
  specHash: zeroHash,
  cpuMillicores: 1000,
  memoryMiB: 512,
  storageMiB: 0,
  gpuCount: 0,
  gpuModel: zeroHash,
  requiredAttributes: [],
  maxPricePerHour: 1n,
  duration: 3600,
  deposit: 1n,
  bidWindow: 30,
  nonce: 1n,
  deadline: 1n,
  startDeadline: 600,
  auctionFormat: 0,
  revealWindow: 0,
  minReputation: 0,
});

async function used(who: string, day: string): Promise<bigint> {
  const [row] = await db.db
    .select()
    .from(relayGasUsage)
    .where(and(eq(relayGasUsage.tenant, who), eq(relayGasUsage.day, day)));
  return row?.gas ?? 0n;
}

async function reserve(who: string, now: Date) {
  try {
    await relay.reserveRelayGas({ db: db.db, tenant: who, gas: relay.RESERVE_GAS, budget: BUDGET, now });
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

describe("relay gas budget", () => {
  it("reserves until the day's budget is spent, then refuses with 429 until midnight UTC", async () => {
    const noon = new Date("2026-03-01T12:00:00Z");
    const fits = Number(BUDGET / relay.RESERVE_GAS);
    for (let i = 0; i < fits; i++) expect(await reserve(tenant, noon)).toBe("ok");
    const refused = await reserve(tenant, noon);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).message).toMatch(/gas budget/);
    expect((refused as AppError).details).toMatchObject({ retryAfterSeconds: 12 * 3600 });
    expect(await used(tenant, "2026-03-01")).toBe(relay.RESERVE_GAS * BigInt(fits));
    // Another tenant, and the same tenant the next day, have their own budgets.
    expect(await reserve("0x00000000000000000000000000000000000000bb", noon)).toBe("ok");
    expect(await reserve(tenant, new Date("2026-03-02T00:00:01Z"))).toBe("ok");
  });

  it("never lets concurrent relays overspend", async () => {
    const now = new Date("2026-04-01T08:00:00Z");
    const who = "0x00000000000000000000000000000000000000cc";
    const results = await Promise.all(Array.from({ length: 10 }, () => reserve(who, now)));
    expect(results.filter((r) => r === "ok")).toHaveLength(Number(BUDGET / relay.RESERVE_GAS));
    expect(await used(who, "2026-04-01")).toBeLessThanOrEqual(BUDGET);
  });

  it("gives the reservation back when nothing was sent, and refuses once the budget is spent", async () => {
    const who = "0x00000000000000000000000000000000000000dd";
    const today = new Date().toISOString().slice(0, 10);
    // The chain is unreachable: the relay fails before sending, and the day's usage is unchanged.
    await expect(relay.relayOrder({ db: db.db, order: order(who), signature: "0x00" })).rejects.toThrow(
      AppError,
    );
    expect(await used(who, today)).toBe(0n);
    // Spend the budget; the next relay is refused with 429 before anything reaches the chain.
    await db.db
      .update(relayGasUsage)
      .set({ gas: BUDGET })
      .where(and(eq(relayGasUsage.tenant, who), eq(relayGasUsage.day, today)));
    const refused = await relay
      .relayOrder({ db: db.db, order: order(who), signature: "0x00" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("RATE_LIMITED");
    expect(await used(who, today)).toBe(BUDGET);
  });
});
