// PUT /api/provider/settings – the signed-in provider's pricing, bid strategy and auto-bid switch.
import { route } from "@/lib/api/handler";
import { bidSettingsSchema } from "@/lib/provider/onboarding-draft";
import { updateBidSettings } from "@/lib/provider/update-bid-settings";

export const PUT = route({ auth: true, body: bidSettingsSchema }, async ({ db, session, body }) => {
  await updateBidSettings({ db, address: session.address, settings: body });
  return { ok: true };
});
