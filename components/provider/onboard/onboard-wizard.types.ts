import type { PublicDraft } from "@/lib/provider/onboarding-draft";

// What the onboarding wizard's steps share: the step names, and the props every step gets from the
// wizard (the server-side draft, and how to move on or back).

export const STEPS = [
  "Sign in",
  "Profile",
  "Cluster",
  "Verify",
  "Capacity",
  "Exposure & storage",
  "Pricing",
  "Register",
  "Bond",
] as const;

export interface WizardStepProps {
  draft: PublicDraft;
  onBack: () => void;
}
