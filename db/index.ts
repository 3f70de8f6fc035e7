import "server-only";
import path from "node:path";
import { getConfig } from "@/lib/config";
import { type Db, type DbHandle, openDb } from "./client";

// The app's one database handle, opened and migrated on first use and cached on globalThis so that
// Next's dev reloads (and several route modules) share it: PGlite allows one opener per directory.

const globalForDb = globalThis as unknown as { kubebidDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  globalForDb.kubebidDb ??= (async () => {
    const config = getConfig();
    return openDb({
      url: config.DATABASE_URL,
      dataDir: config.DATABASE_URL ? undefined : path.resolve(config.DATA_DIR, "pglite"),
    });
  })().catch((error) => {
    globalForDb.kubebidDb = undefined;
    throw error;
  });
  return globalForDb.kubebidDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export type { Db };
