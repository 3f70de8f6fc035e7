import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leases } from "@/db/schema";
import { readChainLease } from "@/lib/market/chain-reads";

// Whether a lease id is worth waiting for, in one check: "indexed" (in the database), "on_chain" (the
// contract has it and the indexer will catch up within a few seconds), or "unknown" (the page answers
// 404 at once instead of polling forever). Lease ids are public on chain, so saying which exist
// reveals nothing.

export async function findLease({
  db,
  leaseId,
}: {
  db: Db;
  leaseId: string;
}): Promise<"indexed" | "on_chain" | "unknown"> {
  const [row] = await db.select({ id: leases.id }).from(leases).where(eq(leases.id, leaseId));
  if (row) return "indexed";
  const chain = await readChainLease(BigInt(leaseId));
  return chain?.status === "active" || chain?.status === "closed" ? "on_chain" : "unknown";
}
