import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { leases } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { findLease } from "@/lib/lease/find-lease";

// One check decides whether a lease page waits or answers 404 (the chain side runs in the e2e, where
// a market contract is configured; here none is, so the chain knows no lease).

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  await handle.db.insert(leases).values({
    id: "12",
    orderId: "12",
    tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
    provider: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
    pricePerHour: "50000",
    deposit: "100000",
    startedAt: new Date(),
    endsAt: new Date(Date.now() + 3600_000),
    createdBlock: 2n,
  });
});
afterAll(async () => {
  await handle?.close();
});

describe("findLease", () => {
  it("finds an indexed lease", async () => {
    expect(await findLease({ db: handle.db, leaseId: "12" })).toBe("indexed");
  });

  it("calls an id neither indexed nor on chain unknown", async () => {
    expect(await findLease({ db: handle.db, leaseId: "99999" })).toBe("unknown");
  });
});
