import type { DbHandle } from "@/db/client";

// Route-handler tests call the handlers as Next would, and those open the app's database through
// db/index.ts; this puts a test database (from createTestDb) where that module caches its handle.

export function installTestDb<H extends DbHandle>(handle: H): H {
  (globalThis as unknown as { kubebidDb?: Promise<DbHandle> }).kubebidDb = Promise.resolve(handle);
  return handle;
}
