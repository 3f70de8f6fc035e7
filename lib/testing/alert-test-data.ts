import type { Db } from "@/db/client";
import { leases, orders } from "@/db/schema";
import type { LeaseTerms } from "@/lib/lease/lease-money-at";

// Rows the alert tests start from, as the indexer would have written them (each test makes its own).

let block = 1n;

export async function insertLease(
  db: Db,
  row: Partial<typeof leases.$inferInsert> & { id: string; tenant: string },
): Promise<void> {
  await db.insert(leases).values({
    orderId: row.id,
    provider: "0x00000000000000000000000000000000000000aa",
    pricePerHour: "1000000",
    deposit: "10000000",
    startedAt: new Date(),
    createdBlock: block++,
    ...row,
  });
}

export async function insertOrder(
  db: Db,
  row: Partial<typeof orders.$inferInsert> & { id: string; tenant: string; bidWindowEndsAt: Date },
): Promise<void> {
  await db.insert(orders).values({
    specHash: `0x${"ab".repeat(32)}`,
    resources: { cpuMillis: 500, memoryMiB: 512, storageMiB: 0, gpuCount: 0, gpuModel: "" },
    maxPricePerHour: "1000000",
    durationSeconds: 86_400,
    deposit: "24000000",
    createdBlock: block++,
    txHash: `0x${block.toString(16).padStart(64, "0")}`,
    ...row,
  });
}

/** A lease's terms as the chain would answer, from its row (a month-long duration: money runs out first). */
export function termsFromRow(lease: typeof leases.$inferSelect): LeaseTerms {
  const startedAt = Math.floor(lease.startedAt.getTime() / 1000);
  return {
    status: lease.status,
    pricePerHour: lease.pricePerHour,
    startedAt,
    endsAt: startedAt + 30 * 86_400,
    escrow: lease.deposit,
    paidOut: lease.withdrawn,
  };
}
