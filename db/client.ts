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

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** Runs `fn` holding a session-level advisory lock if free; returns a release function, or null if taken. */
  tryLock(key: number): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

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
    // PGlite is one process with one connection: whoever opened it is the singleton.
    tryLock: async () => async () => {},
    close: () => client.close(),
  };
}

async function openPostgres(url: string): Promise<DbHandle> {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres(sql, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    async tryLock(key) {
      // Session-level advisory locks belong to one connection: reserve it for as long as the lock is held.
      const conn = await sql.reserve();
      const [row] = await conn<{ locked: boolean }[]>`select pg_try_advisory_lock(${key}) as locked`;
      if (!row?.locked) {
        conn.release();
        return null;
      }
      return async () => {
        await conn`select pg_advisory_unlock(${key})`;
        conn.release();
      };
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

export async function migrateDb(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder };
  if (handle.kind === "pglite") {
    await migratePglite(handle.db as never, config);
  } else {
    await migratePostgres(handle.db as never, config);
  }
}
