import "server-only";
import { and, asc, eq, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Alert, type AlertDelivery, alertDeliveries, alerts } from "@/db/schema";
import { alertKinds } from "@/lib/alerts/alert-kinds";
import { readAlertSettings } from "@/lib/alerts/alert-settings";
import type { Mailer } from "@/lib/alerts/mailer";
import { sendWebhook, type WebhookResult } from "@/lib/alerts/send-webhook";

// One pass of the delivery loop: sends the due webhook and email deliveries. A failed attempt is
// retried after baseDelayMs × 2^(attempt − 1) (30 s, 1 min, 2 min, … by default) until maxAttempts,
// then the delivery is failed for good; every attempt's outcome stays in the row (the delivery log).
// Each delivery is claimed before it is sent (its next attempt moved past the send's duration, only
// if nobody moved it first), so two processes that both believe they run the loop send it once.

export const DEFAULT_BASE_DELAY_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS = 6;
const CLAIM_MS = 60_000;
const BATCH = 20;

export interface DeliverOptions {
  db: Db;
  now: Date;
  mailer: Mailer | null;
  /** ALLOW_PRIVATE_CLUSTER_ADDRESSES: webhooks may go to private/loopback addresses (dev, tests). */
  allowPrivate: boolean;
  /** APP_URL, for links back to the lease or order. */
  appUrl?: string;
  baseDelayMs?: number;
  maxAttempts?: number;
}

export interface DeliveryOutcome {
  sent: number;
  retrying: number;
  failed: number;
}

export async function deliverDueAlerts(opts: DeliverOptions): Promise<DeliveryOutcome> {
  const { db, now } = opts;
  const due = await db
    .select({ delivery: alertDeliveries, alert: alerts })
    .from(alertDeliveries)
    .innerJoin(alerts, eq(alerts.id, alertDeliveries.alertId))
    .where(and(eq(alertDeliveries.status, "pending"), lte(alertDeliveries.nextAttemptAt, now)))
    .orderBy(asc(alertDeliveries.nextAttemptAt))
    .limit(BATCH);
  const outcome: DeliveryOutcome = { sent: 0, retrying: 0, failed: 0 };
  for (const { delivery, alert } of due) {
    const [claimed] = await db
      .update(alertDeliveries)
      .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_MS) })
      .where(
        and(
          eq(alertDeliveries.id, delivery.id),
          eq(alertDeliveries.status, "pending"),
          eq(alertDeliveries.nextAttemptAt, delivery.nextAttemptAt),
        ),
      )
      .returning({ id: alertDeliveries.id });
    if (!claimed) continue;
    const result = await attempt(opts, delivery, alert);
    const attempts = delivery.attempts + 1;
    const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (result.ok) {
      outcome.sent++;
      await db
        .update(alertDeliveries)
        .set({ status: "sent", attempts, sentAt: now, responseStatus: result.status, lastError: null })
        .where(eq(alertDeliveries.id, delivery.id));
    } else {
      const final = result.final || attempts >= maxAttempts;
      if (final) outcome.failed++;
      else outcome.retrying++;
      const delay = (opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS) * 2 ** (attempts - 1);
      await db
        .update(alertDeliveries)
        .set({
          status: final ? "failed" : "pending",
          attempts,
          responseStatus: result.status,
          lastError: result.error,
          nextAttemptAt: new Date(now.getTime() + delay),
        })
        .where(eq(alertDeliveries.id, delivery.id));
    }
  }
  return outcome;
}

type AttemptResult = WebhookResult & { final?: boolean };

async function attempt(opts: DeliverOptions, delivery: AlertDelivery, alert: Alert): Promise<AttemptResult> {
  // The settings as they are now: a delivery queued for a URL or address since removed or changed
  // is not sent there.
  const settings = await readAlertSettings({ db: opts.db, wallet: delivery.wallet });
  if (delivery.channel === "webhook") {
    if (settings.webhookUrl !== delivery.target || !settings.webhookSecret)
      return { ok: false, status: null, error: "the webhook was changed or removed since", final: true };
    return sendWebhook({
      url: delivery.target,
      secret: settings.webhookSecret,
      body: JSON.stringify(alertPayload(alert, opts.appUrl)),
      deliveryId: delivery.id,
      allowPrivate: opts.allowPrivate,
      now: opts.now,
    });
  }
  if (settings.verifiedEmail !== delivery.target)
    return { ok: false, status: null, error: "the email address was changed or removed since", final: true };
  if (!opts.mailer) return { ok: false, status: null, error: "no SMTP server is configured (SMTP_URL)" };
  try {
    await opts.mailer.send(alertEmail(alert, delivery.target, opts.appUrl));
    return { ok: true, status: null, error: null };
  } catch (error) {
    return { ok: false, status: null, error: (error as Error).message.split("\n")[0] ?? "send failed" };
  }
}

function alertLink(alert: Pick<Alert, "leaseId" | "orderId">, appUrl: string | undefined): string | null {
  if (!appUrl) return null;
  if (alert.leaseId) return `${appUrl}/leases/${alert.leaseId}`;
  if (alert.orderId) return `${appUrl}/orders/${alert.orderId}`;
  return null;
}

/** The JSON body a webhook receives (signed as sent). */
export function alertPayload(alert: Alert, appUrl?: string) {
  return {
    id: alert.id,
    kind: alert.kind,
    message: alert.message,
    leaseId: alert.leaseId,
    orderId: alert.orderId,
    createdAt: alert.createdAt.toISOString(),
    url: alertLink(alert, appUrl),
  };
}

function alertEmail(alert: Alert, to: string, appUrl: string | undefined) {
  const label = alertKinds.find((k) => k.kind === alert.kind)?.label ?? alert.kind;
  const link = alertLink(alert, appUrl);
  const lines = [alert.message, ""];
  if (link) lines.push(`Open it: ${link}`, "");
  lines.push(
    `You receive this because ${to} is verified for KubeBid alerts of wallet ${alert.wallet}.`,
    appUrl
      ? `Change what you receive: ${appUrl}/settings/alerts`
      : "Change what you receive in the alert settings.",
  );
  return { to, subject: `[KubeBid] ${label}: ${alert.message.split(".")[0]}`, text: lines.join("\n") };
}
