import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { createTestDb, testDatabaseUrl } from "@/db/test-db";
import { lockKey, startSingletonLoop } from "./singleton-loop";

// The singleton loop's lock and fencing on the real engines: PGlite (one process, always the holder)
// and, with TEST_DATABASE_URL, two PostgreSQL sessions standing for two app processes.

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let base: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  base = await createTestDb();
});
afterAll(async () => {
  await base?.close();
});

describe("startSingletonLoop", () => {
  it("runs its ticks on PGlite, where the one process always holds the lock", async () => {
    const handle = await openDb({});
    let ticks = 0;
    const stop = startSingletonLoop({
      name: "pglite-loop",
      handle,
      intervalMs: 10,
      log: () => {},
      tick: async () => {
        ticks++;
      },
    });
    await until("three ticks", () => ticks >= 3);
    await stop();
    await handle.close();
  });

  it.skipIf(!testDatabaseUrl())(
    "stops the holder as soon as its session is gone and lets the standby take over",
    async () => {
      const url = base.url as string;
      const a = await openDb({ url, migrate: false });
      const b = await openDb({ url, migrate: false });
      const ran: ("a" | "b")[] = [];
      const holding = { a: false, b: false };
      const loop = (name: "a" | "b", handle: typeof a) =>
        startSingletonLoop({
          name: "fenced-loop",
          handle,
          intervalMs: 20,
          acquireIntervalMs: 100,
          log: () => {},
          onHolding: (h) => {
            holding[name] = h;
          },
          tick: async () => {
            ran.push(name);
          },
        });
      const stopA = loop("a", a);
      await until("a holding", () => holding.a);
      const stopB = loop("b", b);
      await new Promise((r) => setTimeout(r, 500));
      expect(ran).not.toContain("b");

      // Terminate a's lock session, the way an operator, a failover or a network reset would.
      const key = BigInt.asUintN(64, BigInt(lockKey("fenced-loop")));
      const [row] = (await base.db.execute(
        sql`select pid from pg_locks where locktype = 'advisory' and granted
            and objid = ${(key & 0xffffffffn).toString()}::bigint::oid`,
      )) as unknown as { pid: number }[]; // postgres-js: rows
      await base.db.execute(sql`select pg_terminate_backend(${row?.pid})`);

      await until("a to stop and b to take over", () => !holding.a && holding.b);
      // From the moment b holds the lock, a never ticks again while b does.
      const mark = ran.length;
      await until("b to tick a few times", () => ran.slice(mark).filter((n) => n === "b").length >= 5);
      expect(ran.slice(mark)).not.toContain("a");

      await stopB();
      // a is a standby now: it takes the lock back once b lets go.
      await until("a to hold again", () => holding.a);
      await stopA();
      await a.close();
      await b.close();
    },
  );
});
