import "server-only";
import type { DbHandle } from "@/db/client";
import { deliverDueAlerts } from "@/lib/alerts/deliver-alerts";
import { evaluateAlerts } from "@/lib/alerts/evaluate-alerts";
import { getMailer } from "@/lib/alerts/mailer";
import { getConfig } from "@/lib/config";
import { readLeaseTerms } from "@/lib/lease/read-lease-terms";
import { readChainClock } from "@/lib/market/chain-reads";
import { startSingletonLoop } from "@/lib/server/singleton-loop";

// The alerts loop (evaluates conditions, records alerts and queues their deliveries) and the
// delivery loop (sends webhooks and emails, with retries) as two singleton loops: evaluating waits
// for chain reads, and a slow webhook must not delay the next evaluation (nor the reverse).

export async function startAlertsJob(handle: DbHandle): Promise<() => Promise<void>> {
  const config = getConfig();
  return startSingletonLoop({
    name: "alerts",
    handle,
    intervalMs: config.ALERTS_INTERVAL_MS,
    tick: async () => {
      const clock = await readChainClock();
      await evaluateAlerts({
        db: handle.db,
        now: new Date(),
        chainSeconds: clock.chainMs / 1000,
        readTerms: readLeaseTerms,
        emailEnabled: Boolean(config.SMTP_URL),
      });
    },
  });
}

export async function startAlertDeliveryJob(handle: DbHandle): Promise<() => Promise<void>> {
  const config = getConfig();
  return startSingletonLoop({
    name: "alert-delivery",
    handle,
    intervalMs: config.ALERT_DELIVERY_INTERVAL_MS,
    tick: async () => {
      await deliverDueAlerts({
        db: handle.db,
        now: new Date(),
        mailer: getMailer(),
        allowPrivate: config.ALLOW_PRIVATE_CLUSTER_ADDRESSES,
        appUrl: config.APP_URL,
      });
    },
  });
}
