import "server-only";
import { createHash } from "node:crypto";
import type { DbHandle } from "@/db/client";

// A background loop that runs in exactly one app process: it holds a PostgreSQL advisory lock named
// after the loop while it runs (PGlite: one process, always granted). Processes that don't get the
// lock retry now and then, so a standby takes over when the holder dies. Each tick's errors are
// logged and retried with exponential backoff; a tick never overlaps the previous one.

export interface SingletonLoopOptions {
  name: string;
  handle: DbHandle;
  intervalMs: number;
  tick: () => Promise<void>;
  /** Upper bound of the backoff after consecutive failures. */
  maxBackoffMs?: number;
  log?: (message: string) => void;
}

export function lockKey(name: string): number {
  return createHash("sha256").update(`kubebid:${name}`).digest().readInt32BE(0);
}

export function startSingletonLoop(opts: SingletonLoopOptions): () => Promise<void> {
  const log = opts.log ?? ((m: string) => console.log(`[${opts.name}] ${m}`));
  let stopped = false;
  let release: (() => Promise<void>) | null = null;
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
    if (!release) {
      release = await opts.handle.tryLock(lockKey(opts.name)).catch(() => null);
      if (!release) return schedule(Math.max(opts.intervalMs, 10_000));
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
    await release?.();
  };
}
