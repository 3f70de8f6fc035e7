// GET /api/alerts/settings – the signed-in wallet's alert settings (never the webhook secret).
// PUT /api/alerts/settings – saves kinds, runway threshold and webhook URL; a new webhook secret is returned once.

import { alertSettingsInputSchema } from "@/lib/alerts/alert-kinds";
import { alertSettingsView, readAlertSettings, updateAlertSettings } from "@/lib/alerts/alert-settings";
import { route } from "@/lib/api/handler";
import { getConfig } from "@/lib/config";

export const GET = route({ auth: true }, async ({ db, session }) => {
  const settings = await readAlertSettings({ db, wallet: session.address });
  return alertSettingsView(settings, { emailAvailable: Boolean(getConfig().SMTP_URL), now: new Date() });
});

export const PUT = route({ auth: true, body: alertSettingsInputSchema }, async ({ db, session, body }) => {
  const config = getConfig();
  const { settings, webhookSecret } = await updateAlertSettings({
    db,
    wallet: session.address,
    input: body,
    allowPrivate: config.ALLOW_PRIVATE_CLUSTER_ADDRESSES,
  });
  return {
    settings: alertSettingsView(settings, { emailAvailable: Boolean(config.SMTP_URL), now: new Date() }),
    webhookSecret,
  };
});
