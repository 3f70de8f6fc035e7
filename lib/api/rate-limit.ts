import "server-only";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { AppError } from "@/lib/errors";

// Rate limits on the routes anyone can call and the ones that cost us (RPC calls, signature checks,
// gas). Counters live in the database (rate-limiter-flexible's Drizzle store: one atomic
// INSERT … ON CONFLICT DO UPDATE per request), so every app process on one database shares them; an
// in-process store would give each process its own allowance. The store works on both our drizzle
// clients (PGlite and postgres-js), since it only uses the query builder.

export const rateLimitRules = {
  /** Nonces cost a row each; a browser needs one per sign-in. */
  authNonce: { points: 30, seconds: 60 },
  /** Each attempt may cost an RPC call (ERC-1271 wallets). */
  authVerify: { points: 20, seconds: 60 },
  /** Each upload costs a signature check against the chain and a stored manifest. */
  manifests: { points: 30, seconds: 60 },
  /** Each relay spends the relayer's gas (the per-tenant gas budget is in lib/market/relay-order.ts). */
  relay: { points: 10, seconds: 60 },
  /** The market's JSON (its page polls every 10 s; filters query the providers page). */
  market: { points: 120, seconds: 60 },
} as const satisfies Record<string, { points: number; seconds: number }>;

export type RateLimitName = keyof typeof rateLimitRules;

const limiters = new WeakMap<Db, Map<string, RateLimiterDrizzle>>();

function limiterFor(db: Db, name: RateLimitName, scale: number): RateLimiterDrizzle {
  let byName = limiters.get(db);
  if (!byName) {
    byName = new Map();
    limiters.set(db, byName);
  }
  const id = `${name}:${scale}`;
  let limiter = byName.get(id);
  if (!limiter) {
    const rule = rateLimitRules[name];
    const points = Math.max(1, Math.round(rule.points * scale));
    limiter = new RateLimiterDrizzle({
      storeClient: db,
      schema: rateLimits,
      keyPrefix: name,
      points,
      duration: rule.seconds,
      // A client the shared count has refused is then refused from memory until its window ends,
      // so a flood from one address costs no database write per request.
      inMemoryBlockOnConsumed: points + 1,
    });
    byName.set(id, limiter);
  }
  return limiter;
}

/**
 * Counts one request of `key` (a client address, a tenant) against the rule `name`; throws a
 * RATE_LIMITED AppError carrying `retryAfterSeconds` once the allowance of the window is spent.
 */
export async function enforceRateLimit(opts: {
  db: Db;
  name: RateLimitName;
  key: string;
  /** Multiplies the rule's allowance (config RATE_LIMIT_SCALE). */
  scale?: number;
}): Promise<void> {
  try {
    await limiterFor(opts.db, opts.name, opts.scale ?? 1).consume(opts.key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new AppError(
      "RATE_LIMITED",
      `Too many requests. Please wait ${retryAfterSeconds} s and try again.`,
      { details: { retryAfterSeconds } },
    );
  }
}
