// GET/PUT/DELETE /api/provider/draft – the signed-in provider's onboarding draft (read, save a step, start over).
import { eq } from "drizzle-orm";
import { z } from "zod";
import { providerDrafts } from "@/db/schema";
import { route } from "@/lib/api/handler";
import {
  bidSettingsSchema,
  getDraft,
  profileSchema,
  publicDraft,
  saveDraft,
  WIZARD_STEPS,
} from "@/lib/provider/onboarding-draft";

export const GET = route({ auth: true }, async ({ db, session }) =>
  publicDraft(await getDraft({ db, address: session.address })),
);

const bodySchema = z
  .object({
    step: z.number().int().min(1).max(WIZARD_STEPS),
    profile: profileSchema.optional(),
    offerPercent: z.number().int().min(1).max(100).optional(),
    settings: bidSettingsSchema.optional(),
  })
  .strict();

export const PUT = route({ auth: true, body: bodySchema }, async ({ db, session, body }) => {
  const draft = await getDraft({ db, address: session.address });
  const data = { ...draft.data };
  if (body.profile) data.profile = body.profile;
  if (body.offerPercent !== undefined) data.offerPercent = body.offerPercent;
  if (body.settings) data.settings = body.settings;
  await saveDraft({ db, address: session.address, step: body.step, data });
  return publicDraft({ step: body.step, data });
});

export const DELETE = route({ auth: true }, async ({ db, session }) => {
  await db.delete(providerDrafts).where(eq(providerDrafts.address, session.address.toLowerCase()));
  return { ok: true };
});
