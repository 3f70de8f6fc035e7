import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { leaseDelegates } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { listDelegateGrants } from "./list-delegate-grants";

const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const other = "0x976ea74026e726554db657fa54763abd0c3a0aa9";
const keyA = "0x00000000000000000000000000000000000000aa";
const keyB = "0x00000000000000000000000000000000000000bb";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  const row = (
    block: bigint,
    logIndex: number,
    t: string,
    delegate: string,
    leaseId: string,
    allowed: boolean,
  ) => ({
    tenant: t,
    delegate,
    leaseId,
    allowed,
    blockNumber: block,
    txHash: `0x${block.toString(16).padStart(64, "0")}`,
    logIndex,
    at: new Date(Number(block) * 1000),
  });
  await handle.db.insert(leaseDelegates).values([
    row(1n, 0, tenant, keyA, "7", true),
    row(2n, 0, tenant, keyA, "0", true),
    row(2n, 1, tenant, keyA, "0", false), // revoked in the same block, later log
    row(3n, 0, tenant, keyB, "0", false),
    row(4n, 0, tenant, keyB, "0", true), // re-granted
    row(5n, 0, other, keyA, "9", true), // another tenant's grant
  ]);
});
afterAll(async () => {
  await handle?.close();
});

describe("listDelegateGrants", () => {
  it("keeps the latest event per key and lease, and only grants in force", async () => {
    const grants = await listDelegateGrants({
      db: handle.db,
      tenant: tenant.toUpperCase().replace("0X", "0x"),
    });
    expect(grants.map((g) => [g.delegate, g.leaseId, g.grantedAt.getTime() / 1000])).toEqual([
      [keyA, "7", 1],
      [keyB, "0", 4],
    ]);
  });

  it("knows nothing for a tenant without grants", async () => {
    expect(await listDelegateGrants({ db: handle.db, tenant: keyA })).toEqual([]);
  });
});
