import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

// The database client factory: PGlite (real Postgres compiled to WASM, files under DATA_DIR) when no
// DATABASE_URL is given, PostgreSQL otherwise. Same schema, same committed migrations.

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A database or an open transaction (drizzle's transaction object is a database too). */
export type DbOrTx = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

/** A session-level advisory lock held on a connection of its own. */
export interface AdvisoryLock {
  /**
   * Proves the lock is still held: asks the server whether this very session (its backend pid) holds
   * it. A dropped connection, a reconnect to a new session, an error or no answer within the timeout
   * all count as lost, and the connection is then closed so a lock it might still hold is freed.
   */
  check(): Promise<boolean>;
  release(): Promise<void>;
}

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** Takes a session-level advisory lock if free; returns the held lock, or null if taken. */
  tryLock(key: number): Promise<AdvisoryLock | null>;
  close(): Promise<void>;
}

/** How long a lock check may take before the lock counts as lost. */
const LOCK_CHECK_TIMEOUT_MS = 5_000;

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export interface OpenDbOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string;
  /** PGlite data directory; absent = in memory. */
  dataDir?: string;
  /** Apply migrations (default true). */
  migrate?: boolean;
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  const handle = opts.url ? await openPostgres(opts.url) : await openPglite(opts.dataDir);
  if (opts.migrate !== false) await migrateDb(handle);
  return handle;
}

async function openPglite(dataDir?: string): Promise<DbHandle> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    // PGlite is one process with one connection: whoever opened it is the singleton, for good.
    tryLock: async () => ({ check: async () => true, release: async () => {} }),
    close: () => client.close(),
  };
}

async function openPostgres(url: string): Promise<DbHandle> {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres(sql, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    tryLock: (key) => tryAdvisoryLock(url, key),
    close: () => sql.end({ timeout: 5 }),
  };
}

// Each lock gets a connection of its own, outside the pool, with no reconnection: a session-level
// advisory lock lives and dies with its session, so when that connection drops (backend terminated,
// server restarted, network reset) the lock is gone and a standby may hold it already. A pooled or
// reconnecting connection would hide that; this one makes every later check fail instead.
async function tryAdvisoryLock(url: string, key: number): Promise<AdvisoryLock | null> {
  const conn = postgres(url, { max: 1, onnotice: () => {}, idle_timeout: 0, max_lifetime: null });
  let lost = false;
  const drop = async () => {
    lost = true;
    await conn.end({ timeout: 0 }).catch(() => {});
  };
  try {
    const [row] = await conn<{ locked: boolean; pid: number }[]>`
      select pg_try_advisory_lock(${key}) as locked, pg_backend_pid() as pid`;
    if (!row?.locked) {
      await drop();
      return null;
    }
    const pid = row.pid;
    // pg_locks shows a bigint advisory key as its high and low 32 bits (classid, objid), objsubid 1.
    const k = BigInt.asUintN(64, BigInt(key));
    const classid = (k >> 32n).toString();
    const objid = (k & 0xffffffffn).toString();
    return {
      async check() {
        if (lost) return false;
        let timer: NodeJS.Timeout | undefined;
        try {
          const answer = conn<{ held: boolean }[]>`
            select pg_backend_pid() = ${pid} and exists (
              select 1 from pg_locks
              where locktype = 'advisory' and pid = ${pid} and granted
                and classid = ${classid}::bigint::oid and objid = ${objid}::bigint::oid and objsubid = 1
            ) as held`;
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("lock check timed out")), LOCK_CHECK_TIMEOUT_MS);
          });
          const [held] = await Promise.race([answer, timeout]);
          if (held?.held) return true;
        } catch {
          // a broken connection: the lock is not provably ours any more
        } finally {
          clearTimeout(timer);
        }
        await drop();
        return false;
      },
      async release() {
        if (!lost) await conn`select pg_advisory_unlock(${key})`.catch(() => {});
        await drop();
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

async function migrateDb(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder };
  if (handle.kind === "pglite") {
    await migratePglite(handle.db as never, config);
  } else {
    await migratePostgres(handle.db as never, config);
  }
}
