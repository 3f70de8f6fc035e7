import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leasePostMortems } from "@/db/schema";
import type { PostMortemView } from "@/lib/lease/post-mortem-types";

// A closed lease's post-mortem (captured by capture-post-mortem.ts at teardown), or null before then.

export async function readPostMortem(opts: { db: Db; leaseId: string }): Promise<PostMortemView | null> {
  const [row] = await opts.db
    .select()
    .from(leasePostMortems)
    .where(eq(leasePostMortems.leaseId, opts.leaseId));
  return row ? { capturedAt: row.capturedAt.toISOString(), reachable: row.reachable, body: row.body } : null;
}
