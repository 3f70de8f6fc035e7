// POST /api/provider/draft/kubeconfig – validate a pasted/uploaded kubeconfig and keep it (encrypted) in the draft.
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { MAX_KUBECONFIG_BYTES } from "@/lib/k8s/validate-kubeconfig";
import { getDraft, publicDraft, saveDraft } from "@/lib/provider/onboarding-draft";
import { intakeKubeconfig } from "@/lib/provider/submit-kubeconfig";

const bodySchema = z.object({
  kubeconfig: z
    .string()
    .min(1, "paste or upload a kubeconfig")
    .max(MAX_KUBECONFIG_BYTES * 2),
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "lower-case letters, digits and dashes")
    .optional(),
});

export const POST = route({ auth: true, body: bodySchema }, async ({ db, session, body }) => {
  const { validated, enc } = await intakeKubeconfig({ db, address: session.address, yaml: body.kubeconfig });
  const draft = await getDraft({ db, address: session.address });
  const data = {
    ...draft.data,
    kubeconfigEnc: enc,
    server: validated.server,
    clusterName:
      body.name ??
      validated.clusterName
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .slice(0, 40),
    probe: undefined,
  };
  await saveDraft({ db, address: session.address, step: 4, data });
  return publicDraft({ step: 4, data });
});
