import "server-only";
import { createHash } from "node:crypto";
import type { AdvisoryLock, DbHandle } from "@/db/client";

// A background loop that runs in exactly one app process: it holds a PostgreSQL advisory lock named
// after the loop while it runs (PGlite: one process, always granted). Processes that don't get the
// lock retry now and then, so a standby takes over when the holder dies. Each tick's errors are
// logged and retried with exponential backoff; a tick never overlaps the previous one.
//
// Fencing: before every tick the holder proves it still holds the lock, on the lock's own
// connection (lib/db/client.ts). When its connection dropped (backend terminated, server restart,
// network reset) a standby may already hold the lock, so the loop stops at once and goes back to
// trying to acquire it like any standby. What a tick already started is covered by the claim rows
// that make deploys and bids idempotent in the database (lease_deploys, bid_claims).

export interface SingletonLoopOptions {
  name: string;
  handle: DbHandle;
  intervalMs: number;
  tick: () => Promise<void>;
  /** Upper bound of the backoff after consecutive failures. */
  maxBackoffMs?: number;
  /** How often a process without the lock tries to take it (default max(intervalMs, 10 s)). */
  acquireIntervalMs?: number;
  /** Called when this process starts or stops holding the lock (e.g. to stop serving its in-memory state). */
  onHolding?: (holding: boolean) => void;
  log?: (message: string) => void;
}

export function lockKey(name: string): number {
  return createHash("sha256").update(`kubebid:${name}`).digest().readInt32BE(0);
}

export function startSingletonLoop(opts: SingletonLoopOptions): () => Promise<void> {
  const log = opts.log ?? ((m: string) => console.log(`[${opts.name}] ${m}`));
  const acquireMs = opts.acquireIntervalMs ?? Math.max(opts.intervalMs, 10_000);
  let stopped = false;
  let lock: AdvisoryLock | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let failures = 0;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = step();
    }, ms);
  };

  const step = async () => {
    if (stopped) return;
    if (!lock) {
      lock = await opts.handle.tryLock(lockKey(opts.name)).catch(() => null);
      if (!lock) return schedule(acquireMs);
      log("holding the lock: running here");
      opts.onHolding?.(true);
    } else if (!(await lock.check())) {
      log("lost the lock (database session gone): stopped here until it is taken again");
      await lock.release().catch(() => {});
      lock = null;
      failures = 0;
      opts.onHolding?.(false);
      return schedule(acquireMs);
    }
    try {
      await opts.tick();
      if (failures > 0) log(`recovered after ${failures} failed attempt(s)`);
      failures = 0;
      schedule(opts.intervalMs);
    } catch (error) {
      failures++;
      const backoff = Math.min(opts.intervalMs * 2 ** failures, opts.maxBackoffMs ?? 60_000);
      log(
        `tick failed (${failures}x), retrying in ${backoff} ms: ${(error as Error).message?.split("\n")[0]}`,
      );
      schedule(backoff);
    }
  };

  schedule(0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    if (lock) {
      await lock.release();
      opts.onHolding?.(false);
    }
  };
}
