import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers } from "./schema";
import { createTestDb, testDatabaseUrl } from "./test-db";

let handle: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

describe(`database (${testDatabaseUrl() ? "postgres" : "pglite"})`, () => {
  it("applies the migrations and round-trips a row with numeric and jsonb columns", async () => {
    const { db } = handle;
    await db.insert(providers).values({
      address: "0x00000000000000000000000000000000000000aa",
      name: "Acme",
      undercutStep: "123456789012345678901234567890",
      attributes: ["region:eu"],
    });
    const [row] = await db
      .select()
      .from(providers)
      .where(eq(providers.address, "0x00000000000000000000000000000000000000aa"));
    expect(row?.name).toBe("Acme");
    expect(row?.undercutStep).toBe("123456789012345678901234567890");
    expect(row?.attributes).toEqual(["region:eu"]);
  });

  it("enforces primary keys", async () => {
    const { db } = handle;
    const row = { address: "0x00000000000000000000000000000000000000bb" };
    await db.insert(providers).values(row);
    await expect(db.insert(providers).values(row)).rejects.toThrow();
  });

  it("hands out an advisory lock to one holder at a time", async () => {
    const lock = await handle.tryLock(42);
    expect(lock).not.toBeNull();
    expect(await lock?.check()).toBe(true);
    if (handle.kind === "postgres") {
      expect(await handle.tryLock(42)).toBeNull();
    }
    await lock?.release();
    const again = await handle.tryLock(42);
    expect(again).not.toBeNull();
    await again?.release();
  });

  it.skipIf(!testDatabaseUrl())(
    "a lock whose session is terminated is lost: check() says so and another session takes it",
    async () => {
      const lock = await handle.tryLock(4242);
      expect(await lock?.check()).toBe(true);
      const [holder] = (await handle.db.execute(
        sql`select pid from pg_locks where locktype = 'advisory' and objid = 4242 and granted`,
      )) as unknown as { pid: number }[]; // postgres-js: rows
      expect(holder?.pid).toBeTypeOf("number");
      await handle.db.execute(sql`select pg_terminate_backend(${holder?.pid})`);
      expect(await lock?.check()).toBe(false);
      // Lost stays lost, even though the client could reconnect to a new session.
      expect(await lock?.check()).toBe(false);
      const next = await handle.tryLock(4242);
      expect(next).not.toBeNull();
      expect(await next?.check()).toBe(true);
      await lock?.release();
      expect(await next?.check()).toBe(true);
      await next?.release();
    },
  );
});
