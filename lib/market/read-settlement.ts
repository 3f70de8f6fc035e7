import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Hex } from "viem";
import type { Db } from "@/db/client";
import { chainEvents, keeperActions } from "@/db/schema";
import { getPublicClient } from "@/lib/chain/public-client";

// Who ended an order's auction and when, for the order page: the keeper (its keeper_actions row), the
// tenant accepting early (LeaseStarted's `early`), or whoever sent the settle transaction (the
// indexed event's transaction sender, read once from the chain and cached: a mined sender never changes).

export type Settlement = {
  by: "keeper" | "tenant" | "other";
  /** True when the tenant accepted the best bid before the window ended. */
  early: boolean;
  /** Who sent the transaction (lower-case), when known. */
  sender: string | null;
  at: string;
  txHash: string;
};

const senders = new Map<string, string>();

async function senderOf(txHash: string): Promise<string | null> {
  const known = senders.get(txHash);
  if (known) return known;
  try {
    const tx = await getPublicClient().getTransaction({ hash: txHash as Hex });
    const from = tx.from.toLowerCase();
    senders.set(txHash, from);
    return from;
  } catch {
    return null;
  }
}

export async function readSettlement(opts: {
  db: Db;
  orderId: string;
  tenant: string;
}): Promise<Settlement | null> {
  const { db, orderId } = opts;
  const [[event], [action]] = await Promise.all([
    db
      .select()
      .from(chainEvents)
      .where(
        and(eq(chainEvents.orderId, orderId), inArray(chainEvents.name, ["LeaseStarted", "OrderExpired"])),
      ),
    db
      .select()
      .from(keeperActions)
      .where(
        and(
          eq(keeperActions.kind, "settle"),
          eq(keeperActions.targetId, orderId),
          eq(keeperActions.result, "done"),
        ),
      ),
  ]);
  if (!event) return null;
  const early = event.args.early === true;
  if (action?.txHash && action.txHash.toLowerCase() === event.txHash.toLowerCase())
    return { by: "keeper", early, sender: null, at: event.at.toISOString(), txHash: event.txHash };
  const sender = await senderOf(event.txHash);
  return {
    by: sender === opts.tenant.toLowerCase() ? "tenant" : "other",
    early,
    sender,
    at: event.at.toISOString(),
    txHash: event.txHash,
  };
}
