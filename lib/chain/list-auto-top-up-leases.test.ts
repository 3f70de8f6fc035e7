import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { leases, orders } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { listAutoTopUpLeases } from "./list-auto-top-up-leases";

const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const provider = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  // id: [lease status, rule amount, cap, used]
  const cases: Record<string, ["active" | "closed", string, string, string]> = {
    "1": ["active", "5000000", "20000000", "0"], // fresh rule
    "2": ["active", "5000000", "20000000", "15000000"], // exactly one more fits
    "3": ["active", "5000000", "20000000", "15000001"], // cap reached
    "4": ["active", "0", "0", "5000000"], // rule cleared
    "5": ["closed", "5000000", "20000000", "0"], // lease over
    "10": ["active", "1", "100000000000000000000000", "0"], // numeric, not text, comparison
  };
  for (const [id, [status, amount, cap, used]] of Object.entries(cases)) {
    await handle.db.insert(orders).values({
      id,
      tenant,
      specHash: `0x${"1".repeat(64)}`,
      resources: {},
      maxPricePerHour: "1000000",
      durationSeconds: 86_400,
      deposit: "10000000",
      bidWindowEndsAt: new Date(),
      status: "leased",
      autoTopUpAmount: amount,
      autoTopUpCap: cap,
      autoTopUpMinRunwaySeconds: amount === "0" ? 0 : 3600,
      autoTopUpUsed: used,
      createdBlock: 1n,
      txHash: `0x${"2".repeat(64)}`,
    });
    await handle.db.insert(leases).values({
      id,
      orderId: id,
      tenant,
      provider,
      pricePerHour: "1000000",
      deposit: "10000000",
      startedAt: new Date(),
      status,
      createdBlock: 2n,
    });
  }
});
afterAll(async () => {
  await handle?.close();
});

describe("listAutoTopUpLeases", () => {
  it("lists active leases with a rule and room for one more top-up", async () => {
    expect((await listAutoTopUpLeases({ db: handle.db })).sort()).toEqual(["1", "10", "2"]);
  });
});
