import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { leaseDelegates, sessions } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { insertLease, insertOrder } from "@/lib/testing/alert-test-data";
import { installTestDb } from "@/lib/testing/install-test-db";

// GET /api/leases/[id]/delegates as Next calls it, on a real database: the tenant sees the keys for this
// lease and for all its leases (latest event per grant wins); its provider, a stranger and nobody signed
// in get the route's errors, not the list.

const ORIGIN = "https://kubebid.example";
const tenant = "0x00000000000000000000000000000000000000a1";
const provider = "0x00000000000000000000000000000000000000aa";
const stranger = "0x00000000000000000000000000000000000000b2";
const keyA = "0x00000000000000000000000000000000000000c1";
const keyB = "0x00000000000000000000000000000000000000c2";
const keyC = "0x00000000000000000000000000000000000000c3";
let db: DbHandle;
const cookie: Record<string, string> = {};
let GET: (req: NextRequest, segment: { params: Promise<{ id: string }> }) => Promise<Response>;

beforeAll(async () => {
  Object.assign(process.env, { APP_URL: ORIGIN, RATE_LIMIT_SCALE: "100" });
  db = installTestDb(await createTestDb());
  for (const wallet of [tenant, provider, stranger]) {
    const id = randomBytes(16).toString("hex");
    await db.db
      .insert(sessions)
      .values({ id, address: wallet, chainId: 31337, expiresAt: new Date(Date.now() + 3600_000) });
    cookie[wallet] = id;
  }
  for (const id of ["5", "6"]) {
    await insertOrder(db.db, { id, tenant, bidWindowEndsAt: new Date() });
    await insertLease(db.db, { id, tenant, provider });
  }
  let log = 0;
  const grant = (delegate: string, leaseId: string, allowed: boolean) => ({
    tenant,
    delegate,
    leaseId,
    allowed,
    blockNumber: 100n,
    txHash: `0x${"1".repeat(64)}`,
    logIndex: log++,
    at: new Date("2026-11-30T12:00:00Z"),
  });
  await db.db.insert(leaseDelegates).values([
    grant(keyA, "5", true),
    grant(keyB, "0", true),
    grant(keyC, "5", true),
    grant(keyC, "5", false), // revoked later in the block
    grant(keyC, "6", true), // another lease of the same tenant
  ]);
  GET = (await import("@/app/api/leases/[id]/delegates/route")).GET;
});
afterAll(async () => {
  await db?.close();
});

async function get(wallet: string | null, id: string) {
  const headers: Record<string, string> = wallet ? { cookie: `kb_session=${cookie[wallet]}` } : {};
  const res = await GET(new NextRequest(`${ORIGIN}/api/leases/${id}/delegates`, { headers }), {
    params: Promise.resolve({ id }),
  });
  return { status: res.status, json: await res.json() };
}

describe("GET /api/leases/[id]/delegates", () => {
  it("gives the tenant the keys for this lease and for all its leases, revoked ones left out", async () => {
    expect(await get(tenant, "5")).toEqual({
      status: 200,
      json: {
        thisLease: [{ delegate: keyA, leaseId: "5", grantedAt: "2026-11-30T12:00:00.000Z" }],
        allLeases: [{ delegate: keyB, leaseId: "0", grantedAt: "2026-11-30T12:00:00.000Z" }],
      },
    });
    expect((await get(tenant, "6")).json.thisLease).toEqual([
      { delegate: keyC, leaseId: "6", grantedAt: "2026-11-30T12:00:00.000Z" },
    ]);
  });

  it.each([
    ["nobody signed in", null, 401, "UNAUTHORIZED"],
    ["the lease's provider", provider, 403, "FORBIDDEN"],
    ["a stranger", stranger, 403, "FORBIDDEN"],
  ])("refuses %s", async (_who, wallet, status, code) => {
    const res = await get(wallet, "5");
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(JSON.stringify(res.json)).not.toContain(keyA.slice(2));
  });

  it("answers 404 for a lease that is not indexed and for a malformed id (a path, not a body)", async () => {
    expect((await get(tenant, "99")).status).toBe(404);
    expect((await get(tenant, "x1")).status).toBe(404);
  });
});
