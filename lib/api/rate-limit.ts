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
  /**
   * The market's JSON (its page polls every 10 s; filters query the providers page). The hottest
   * public read: charged to the database in batches of 10 (see BatchedLimiter).
   */
  market: { points: 120, seconds: 60, batch: 10 },
  /** Each check is an outbound request from the server (a lease page checks each URL every 15 s). */
  reachability: { points: 120, seconds: 60 },
  /** Adding a custom domain costs a DNS lookup. */
  domains: { points: 20, seconds: 60 },
  /** Opening a lease shell costs a pod read and an exec connection on the provider's cluster. */
  shell: { points: 20, seconds: 60 },
  /** Each sends an email to an address the caller typed (verification codes): few, per wallet too. */
  alertEmail: { points: 5, seconds: 600 },
  /** Guesses at an email verification code (each code also allows only 5). */
  alertEmailVerify: { points: 20, seconds: 600 },
  /** Each sends a request to the caller's webhook. */
  alertWebhookTest: { points: 10, seconds: 60 },
} as const satisfies Record<string, { points: number; seconds: number; batch?: number }>;

export type RateLimitName = keyof typeof rateLimitRules;

interface Limiter {
  consume(key: string): Promise<unknown>;
}

/**
 * Charges the shared (database) count a batch of points at the first request of every batch, and
 * lets the batch's other requests through from memory. A database write per request cost the
 * market route more than its own query (bench:market p95 35 → 87 ms); this writes once per `batch`
 * requests. It never lets more through than the shared allowance: every request is paid for in the
 * database before it is served, so across processes the limit holds as strictly as before, and a
 * client may be refused up to `batch - 1` requests early per process (stricter, never looser).
 */
class BatchedLimiter implements Limiter {
  private readonly local = new Map<string, { used: number; paid: number; windowEnd: number }>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly shared: RateLimiterDrizzle,
    private readonly batch: number,
    private readonly windowMs: number,
  ) {}

  async consume(key: string): Promise<void> {
    const now = Date.now();
    const blocked = this.blockedUntil.get(key);
    if (blocked !== undefined && blocked > now) throw refusal(blocked - now);
    if (this.local.size > 10_000) this.sweep(now);
    let entry = this.local.get(key);
    if (!entry || entry.windowEnd <= now) {
      entry = { used: 0, paid: 0, windowEnd: now + this.windowMs };
      this.local.set(key, entry);
    }
    if (entry.used >= entry.paid) {
      try {
        await this.shared.consume(key, this.batch);
      } catch (error) {
        if (error instanceof RateLimiterRes) this.blockedUntil.set(key, now + error.msBeforeNext);
        throw error;
      }
      entry.paid += this.batch;
    }
    entry.used += 1;
  }

  private sweep(now: number): void {
    for (const [k, e] of this.local) if (e.windowEnd <= now) this.local.delete(k);
    for (const [k, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(k);
  }
}

function refusal(msBeforeNext: number): RateLimiterRes {
  return new RateLimiterRes(0, msBeforeNext);
}

const limiters = new WeakMap<Db, Map<string, Limiter>>();

function limiterFor(db: Db, name: RateLimitName, scale: number): Limiter {
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
    const shared = new RateLimiterDrizzle({
      storeClient: db,
      schema: rateLimits,
      keyPrefix: name,
      points,
      duration: rule.seconds,
      // A client the shared count has refused is then refused from memory until its window ends,
      // so a flood from one address costs no database write per request.
      inMemoryBlockOnConsumed: points + 1,
    });
    const batch = "batch" in rule ? Math.min(rule.batch, points) : 1;
    limiter = batch > 1 ? new BatchedLimiter(shared, batch, rule.seconds * 1000) : shared;
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
