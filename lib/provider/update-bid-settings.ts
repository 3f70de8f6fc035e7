import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { providers } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { BidSettings } from "./onboarding-draft";

/** The console's pricing and bid settings form: only an onboarded provider's own row. */
export async function updateBidSettings(opts: {
  db: Db;
  address: string;
  settings: BidSettings;
}): Promise<void> {
  const updated = await opts.db
    .update(providers)
    .set({ ...opts.settings, updatedAt: new Date() })
    .where(eq(providers.address, opts.address.toLowerCase()))
    .returning({ address: providers.address });
  if (updated.length === 0) throw new AppError("NOT_FOUND", "Finish onboarding before setting prices.");
}
