// POST /api/provider/draft/verify – run the cluster checks on the draft's kubeconfig, streamed as NDJSON.
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { getClusterSettings } from "@/lib/k8s/cluster-settings";
import { decryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { getDraft, saveDraft } from "@/lib/provider/onboarding-draft";
import { probeStream } from "@/lib/provider/probe-stream";

export const POST = route({ auth: true }, async ({ db, session }) => {
  const draft = await getDraft({ db, address: session.address });
  if (!draft.data.kubeconfigEnc) throw new AppError("UNPROCESSABLE", "Add a kubeconfig first (step 3).");
  const settings = getClusterSettings();
  const kubeconfig = decryptKubeconfig(draft.data.kubeconfigEnc, settings.key);
  return probeStream({
    kubeconfig,
    settings,
    onDone: async (result) => {
      const latest = await getDraft({ db, address: session.address });
      // The kubeconfig may have been replaced meanwhile: keep the result only for the one checked.
      if (latest.data.kubeconfigEnc !== draft.data.kubeconfigEnc) return;
      await saveDraft({ db, address: session.address, step: 4, data: { ...latest.data, probe: result } });
    },
  });
});
