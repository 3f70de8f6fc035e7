import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, type DbHandle, openDb } from "@/db/client";
import * as schema from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { AppError } from "@/lib/errors";
import { enforceRateLimit, rateLimitRules } from "./rate-limit";

// Two app processes share one database, so they must share one count. Each "process" here has its
// own database client and its own limiter instances (the limiters are cached per client); on
// PostgreSQL (TEST_DATABASE_URL) they are separate connection pools.

let handle: DbHandle & { url?: string };
let second: { db: Db; close(): Promise<void> };

beforeAll(async () => {
  handle = await createTestDb();
  if (handle.url) {
    const other = await openDb({ url: handle.url, migrate: false });
    second = { db: other.db, close: () => other.close() };
  } else {
    // PGlite is one in-process engine: a second drizzle client over it is the nearest to a second process.
    const client = (handle.db as unknown as { $client: PGlite }).$client;
    second = { db: drizzlePglite(client, { schema }) as unknown as Db, close: async () => {} };
  }
});
afterAll(async () => {
  await second.close();
  await handle.close();
});

async function outcome(db: Db, key: string, name: "relay" | "market" = "relay"): Promise<"ok" | number> {
  try {
    await enforceRateLimit({ db, name, key });
    return "ok";
  } catch (error) {
    if (error instanceof AppError && error.code === "RATE_LIMITED")
      return (error.details as { retryAfterSeconds: number }).retryAfterSeconds;
    throw error;
  }
}

describe("enforceRateLimit", () => {
  it("counts requests from two processes against one allowance", async () => {
    const allowance = rateLimitRules.relay.points;
    const results: ("ok" | number)[] = [];
    // Alternate between the two processes: each alone stays under the allowance.
    for (let i = 0; i < allowance; i++)
      results.push(await outcome(i % 2 ? second.db : handle.db, "198.51.100.1"));
    expect(results.every((r) => r === "ok")).toBe(true);
    const fromFirst = await outcome(handle.db, "198.51.100.1");
    const fromSecond = await outcome(second.db, "198.51.100.1");
    expect(typeof fromFirst).toBe("number");
    expect(typeof fromSecond).toBe("number");
    expect(fromSecond as number).toBeGreaterThan(0);
    expect(fromSecond as number).toBeLessThanOrEqual(rateLimitRules.relay.seconds);
    // Other keys are untouched.
    expect(await outcome(second.db, "198.51.100.2")).toBe("ok");
  });

  it("charges the market's count in batches, and still never lets more through than the allowance", async () => {
    const { points, batch } = rateLimitRules.market;
    // One process: exactly the allowance (it is a whole number of batches), then refusals.
    const one: ("ok" | number)[] = [];
    for (let i = 0; i <= points; i++) one.push(await outcome(handle.db, "203.0.113.7", "market"));
    expect(one.slice(0, points).every((r) => r === "ok")).toBe(true);
    expect(typeof one[points]).toBe("number");
    // Two processes alternating: together never more than the allowance; at most a batch short each.
    let allowed = 0;
    for (let i = 0; i < points * 2; i++)
      if ((await outcome(i % 2 ? second.db : handle.db, "203.0.113.8", "market")) === "ok") allowed++;
    expect(allowed).toBeLessThanOrEqual(points);
    expect(allowed).toBeGreaterThanOrEqual(points - 2 * (batch - 1));
  });

  it("scales the allowance", async () => {
    const scaled = async () => {
      try {
        await enforceRateLimit({ db: handle.db, name: "authVerify", key: "scaled", scale: 0.1 });
        return true;
      } catch {
        return false;
      }
    };
    const allowed = Math.round(rateLimitRules.authVerify.points * 0.1);
    for (let i = 0; i < allowed; i++) expect(await scaled()).toBe(true);
    expect(await scaled()).toBe(false);
  });
});
