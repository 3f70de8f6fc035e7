import "server-only";
import type { Db } from "@/db/client";
import { AppError } from "@/lib/errors";
import { getDraft, type PublicDraft, publicDraft, saveDraft } from "./onboarding-draft";

// The wizard's verify step: a provider whose credentials failed only the "excess" checks (they can do
// more than KubeBid needs) may accept that risk explicitly and go on; any other failure must be fixed.
// The acceptance is stored with the probe result and, at completion, with the cluster.

export async function acceptProbeRisk(opts: {
  db: Db;
  address: string;
  accept: boolean;
}): Promise<PublicDraft> {
  const draft = await getDraft({ db: opts.db, address: opts.address });
  const probe = draft.data.probe;
  if (!probe) throw new AppError("UNPROCESSABLE", "Run the cluster checks first (step 4).");
  if (opts.accept && !probe.ok && !probe.onlyExcessFailed)
    throw new AppError(
      "UNPROCESSABLE",
      "Only over-privileged credentials can be accepted as a risk; fix the other failed checks first.",
    );
  const data = { ...draft.data, probe: { ...probe, riskAccepted: opts.accept && !probe.ok } };
  await saveDraft({ db: opts.db, address: opts.address, step: draft.step, data });
  return publicDraft({ step: draft.step, data });
}
