// GET/PUT/DELETE /api/provider/draft – the signed-in provider's onboarding draft (read, save a step, start over).
import { eq } from "drizzle-orm";
import { z } from "zod";
import { providerDrafts } from "@/db/schema";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { getClusterSettings } from "@/lib/k8s/cluster-settings";
import { decryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { exposureSettingsSchema } from "@/lib/provider/exposure-settings";
import {
  bidSettingsSchema,
  getDraft,
  profileSchema,
  publicDraft,
  saveDraft,
  WIZARD_STEPS,
} from "@/lib/provider/onboarding-draft";
import { verifyExposure } from "@/lib/provider/verify-exposure";

export const GET = route({ auth: true }, async ({ db, session }) =>
  publicDraft(await getDraft({ db, address: session.address })),
);

const bodySchema = z
  .object({
    step: z.number().int().min(1).max(WIZARD_STEPS),
    profile: profileSchema.optional(),
    offerPercent: z.number().int().min(1).max(100).optional(),
    exposure: exposureSettingsSchema.optional(),
    settings: bidSettingsSchema.optional(),
  })
  .strict();

export const PUT = route({ auth: true, body: bodySchema }, async ({ db, session, body }) => {
  const draft = await getDraft({ db, address: session.address });
  const data = { ...draft.data };
  if (body.profile) data.profile = body.profile;
  if (body.offerPercent !== undefined) data.offerPercent = body.offerPercent;
  if (body.settings) data.settings = body.settings;
  if (body.exposure) {
    if (!data.kubeconfigEnc) throw new AppError("UNPROCESSABLE", "Add a kubeconfig first (step 3).");
    const { tls } = await verifyExposure({
      kubeconfig: decryptKubeconfig(data.kubeconfigEnc, getClusterSettings().key),
      settings: body.exposure,
      found: {
        ingressClasses: data.probe?.ingressClasses ?? null,
        storageClasses: data.probe?.storageClasses ?? null,
      },
    });
    data.exposure = body.exposure;
    data.tlsCheck = tls;
  }
  await saveDraft({ db, address: session.address, step: body.step, data });
  return publicDraft({ step: body.step, data });
});

export const DELETE = route({ auth: true }, async ({ db, session }) => {
  await db.delete(providerDrafts).where(eq(providerDrafts.address, session.address.toLowerCase()));
  return { ok: true };
});
