import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DbHandle, openDb } from "./client";

// Test databases: an in-memory PGlite by default; with TEST_DATABASE_URL (or DATABASE_URL) set, a
// fresh database created in that PostgreSQL server and dropped on close. Each test file makes its own.
// (Tests read the environment directly: they choose the engine, they are not the app.)

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export async function createTestDb(): Promise<DbHandle & { engine: "pglite" | "postgres"; url?: string }> {
  const baseUrl = testDatabaseUrl();
  if (!baseUrl) return { ...(await openDb({})), engine: "pglite" };

  const name = `kubebid_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString() });
  return {
    ...handle,
    engine: "postgres",
    url: url.toString(),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
