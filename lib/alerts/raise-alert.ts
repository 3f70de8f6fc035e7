import "server-only";
import type { Db } from "@/db/client";
import { type AlertKind, alertDeliveries, alerts } from "@/db/schema";
import type { EffectiveAlertSettings } from "@/lib/alerts/alert-settings";

// Records one alert for a wallet, at most once per (kind, subject, episode), and queues its webhook
// and email deliveries in the same transaction, so an alert is never stored without its deliveries
// (or sent twice when two evaluations race: the unique index lets one insert through).

export interface AlertCandidate {
  kind: AlertKind;
  subject: string;
  episode: string;
  message: string;
  leaseId?: string | null;
  orderId?: string | null;
}

/** The new alert's id, or null when the wallet does not want this kind or already has this episode. */
export async function raiseAlert(opts: {
  db: Db;
  settings: EffectiveAlertSettings;
  alert: AlertCandidate;
  /** The email channel is configured (SMTP_URL). */
  emailEnabled: boolean;
  now: Date;
}): Promise<number | null> {
  const { settings, alert } = opts;
  if (!settings.kinds.includes(alert.kind)) return null;
  return opts.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(alerts)
      .values({
        wallet: settings.wallet,
        kind: alert.kind,
        subject: alert.subject,
        episode: alert.episode,
        message: alert.message,
        leaseId: alert.leaseId ?? null,
        orderId: alert.orderId ?? null,
        createdAt: opts.now,
      })
      .onConflictDoNothing()
      .returning({ id: alerts.id });
    if (!row) return null;
    const deliveries: (typeof alertDeliveries.$inferInsert)[] = [];
    if (settings.webhookUrl && settings.webhookSecret)
      deliveries.push({
        alertId: row.id,
        wallet: settings.wallet,
        channel: "webhook",
        target: settings.webhookUrl,
      });
    if (settings.verifiedEmail && opts.emailEnabled)
      deliveries.push({
        alertId: row.id,
        wallet: settings.wallet,
        channel: "email",
        target: settings.verifiedEmail,
      });
    if (deliveries.length > 0)
      await tx.insert(alertDeliveries).values(deliveries.map((d) => ({ ...d, nextAttemptAt: opts.now })));
    return row.id;
  });
}
