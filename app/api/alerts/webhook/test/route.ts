// POST /api/alerts/webhook/test – sends a signed test request to the wallet's webhook and answers with the receiver's result.

import { sendTestWebhook } from "@/lib/alerts/send-test-webhook";
import { route } from "@/lib/api/handler";
import { getConfig } from "@/lib/config";

export const POST = route({ auth: true, rateLimit: "alertWebhookTest" }, async ({ db, session }) =>
  sendTestWebhook({
    db,
    wallet: session.address,
    allowPrivate: getConfig().ALLOW_PRIVATE_CLUSTER_ADDRESSES,
    now: new Date(),
  }),
);
