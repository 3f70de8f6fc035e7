import "server-only";
import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertDeliveries, alerts } from "@/db/schema";
import type { AlertView, DeliveryView } from "@/lib/alerts/alert-kinds";

// A wallet's in-app alerts (the bell and the notifications page) and its delivery log. Every query
// is filtered by the wallet: marking another wallet's alert read is a no-op, never an error that
// would tell it the id exists.

export async function listAlerts(opts: {
  db: Db;
  wallet: string;
  limit: number;
}): Promise<{ alerts: AlertView[]; unread: number }> {
  const wallet = opts.wallet.toLowerCase();
  const rows = await opts.db
    .select()
    .from(alerts)
    .where(eq(alerts.wallet, wallet))
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(opts.limit);
  const [unread] = await opts.db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.wallet, wallet), isNull(alerts.readAt)));
  return {
    alerts: rows.map((a) => ({
      id: a.id,
      kind: a.kind,
      message: a.message,
      leaseId: a.leaseId,
      orderId: a.orderId,
      createdAt: a.createdAt.toISOString(),
      read: a.readAt !== null,
    })),
    unread: unread?.n ?? 0,
  };
}

/** Marks the given alerts (or all) of the wallet read; returns how many changed. */
export async function markAlertsRead(opts: {
  db: Db;
  wallet: string;
  ids: number[] | "all";
  now: Date;
}): Promise<number> {
  const wallet = opts.wallet.toLowerCase();
  const conditions = [eq(alerts.wallet, wallet), isNull(alerts.readAt)];
  if (opts.ids !== "all") {
    if (opts.ids.length === 0) return 0;
    conditions.push(inArray(alerts.id, opts.ids));
  }
  const changed = await opts.db
    .update(alerts)
    .set({ readAt: opts.now })
    .where(and(...conditions))
    .returning({ id: alerts.id });
  return changed.length;
}

export async function listDeliveries(opts: {
  db: Db;
  wallet: string;
  limit: number;
}): Promise<DeliveryView[]> {
  const rows = await opts.db
    .select()
    .from(alertDeliveries)
    .where(eq(alertDeliveries.wallet, opts.wallet.toLowerCase()))
    .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
    .limit(opts.limit);
  return rows.map((d) => ({
    id: d.id,
    alertId: d.alertId,
    channel: d.channel,
    target: d.target,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    lastError: d.lastError,
    responseStatus: d.responseStatus,
    sentAt: d.sentAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  }));
}
