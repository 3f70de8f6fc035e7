import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertDeliveries } from "@/db/schema";
import { readAlertSettings } from "@/lib/alerts/alert-settings";
import { sendWebhook, type WebhookResult } from "@/lib/alerts/send-webhook";
import { AppError } from "@/lib/errors";

// The settings page's "Send a test" button: one signed request to the wallet's webhook now, with
// the same headers and checks as an alert's, answered with the receiver's result and kept in the
// delivery log (a test is not retried: the user is watching).

export async function sendTestWebhook(opts: {
  db: Db;
  wallet: string;
  allowPrivate: boolean;
  now: Date;
}): Promise<WebhookResult> {
  const settings = await readAlertSettings(opts);
  if (!settings.webhookUrl || !settings.webhookSecret)
    throw new AppError("CONFLICT", "Save a webhook URL first.");
  const [row] = await opts.db
    .insert(alertDeliveries)
    .values({
      wallet: settings.wallet,
      channel: "webhook",
      target: settings.webhookUrl,
      nextAttemptAt: opts.now,
      // Not "pending": the delivery loop must not send it again.
      status: "failed",
    })
    .returning({ id: alertDeliveries.id });
  if (!row) throw new Error("delivery row not inserted");
  const body = JSON.stringify({
    id: null,
    kind: "test",
    message: "A test from KubeBid: your webhook receives alerts.",
    leaseId: null,
    orderId: null,
    createdAt: opts.now.toISOString(),
    url: null,
  });
  const result = await sendWebhook({
    url: settings.webhookUrl,
    secret: settings.webhookSecret,
    body,
    deliveryId: row.id,
    allowPrivate: opts.allowPrivate,
    now: opts.now,
  });
  await opts.db
    .update(alertDeliveries)
    .set({
      status: result.ok ? "sent" : "failed",
      attempts: 1,
      responseStatus: result.status,
      lastError: result.error,
      sentAt: result.ok ? opts.now : null,
    })
    .where(eq(alertDeliveries.id, row.id));
  return result;
}
