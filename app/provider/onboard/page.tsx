import type { Metadata } from "next";
import { OnboardWizard } from "@/components/provider/onboard/onboard-wizard";
import { getDb } from "@/db";
import { getDraft, publicDraft } from "@/lib/provider/onboarding-draft";
import { readPageSession } from "@/lib/provider/read-page-session";

export const metadata: Metadata = { title: "List your cluster" };

export default async function OnboardPage() {
  const db = await getDb();
  const address = await readPageSession(db);
  const draft = address ? publicDraft(await getDraft({ db, address })) : null;
  return <OnboardWizard initialDraft={draft} signedInAddress={address} />;
}
