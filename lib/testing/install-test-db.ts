import type { DbHandle } from "@/db/client";
import { createTestDb } from "@/db/test-db";

// Route-handler tests call the handlers as Next would, and those open the app's database through
// db/index.ts; this puts a fresh test database where that module caches its handle.

export async function installTestDb(): Promise<DbHandle> {
  const handle = await createTestDb();
  (globalThis as unknown as { kubebidDb?: Promise<DbHandle> }).kubebidDb = Promise.resolve(handle);
  return handle;
}
