import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leases, orders } from "@/db/schema";

// Leases a keeper should look at for auto top-up, from the indexed rows: active, with a rule, and room
// under the rule's cap for one more top-up. Whether one is due now (runway, allowance) is decided on chain
// state by `autoTopUpDecision` (lib/chain/auto-top-up.ts), never from these rows alone.

export async function listAutoTopUpLeases({ db }: { db: Db }): Promise<string[]> {
  const rows = await db
    .select({ id: leases.id })
    .from(leases)
    .innerJoin(orders, eq(orders.id, leases.id))
    .where(
      and(
        eq(leases.status, "active"),
        gt(orders.autoTopUpAmount, "0"),
        sql`${orders.autoTopUpUsed} + ${orders.autoTopUpAmount} <= ${orders.autoTopUpCap}`,
      ),
    )
    .orderBy(leases.id);
  return rows.map((r) => r.id);
}
