"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { SignInPanel } from "@/components/provider/sign-in-gate";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { useSession } from "@/components/wallet/use-session";
import { fetchJson } from "@/lib/api/fetch-json";
import type { PublicDraft } from "@/lib/provider/onboarding-draft";
import { BondStep } from "./bond-step";
import { CapacityStep } from "./capacity-step";
import { ClusterStep } from "./cluster-step";
import { ExposureStep } from "./exposure-step";
import { STEPS } from "./onboard-wizard.types";
import { PricingStep } from "./pricing-step";
import { ProfileStep } from "./profile-step";
import { RegisterStep } from "./register-step";
import { StepIndicator } from "./step-indicator";
import { VerifyStep } from "./verify-step";

// The onboarding wizard: nine steps from "I have a cluster" to "registered, bonded and bidding". The draft
// lives on the server (resumable from any browser); each step validates before it moves on; Back
// always works and never loses what was entered. One file per step beside this one (documenso's
// document-flow layout); what they share is in onboard-wizard.types.ts.

const DRAFT_KEY = ["provider-draft"];

export function OnboardWizard(props: { initialDraft: PublicDraft | null; signedInAddress: string | null }) {
  const { signedIn } = useSession();
  const queryClient = useQueryClient();
  const draft = useQuery({
    queryKey: DRAFT_KEY,
    queryFn: () => fetchJson<PublicDraft>("/api/provider/draft"),
    enabled: signedIn,
    initialData: props.initialDraft ?? undefined,
  });
  const [step, setStep] = useState<number>(
    props.initialDraft && props.signedInAddress ? props.initialDraft.step : 1,
  );
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Signed in (or out) while on the page: resume the draft, or go back to step 1.
  useEffect(() => {
    if (!signedIn) setStep(1);
    else if (draft.data && step === 1) setStep(Math.max(2, draft.data.step));
  }, [signedIn, draft.data, step]);

  const go = (n: number) => {
    setStep(n);
    requestAnimationFrame(() => headingRef.current?.focus());
  };
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      fetchJson<PublicDraft>("/api/provider/draft", { method: "PUT", body }),
    onSuccess: (d) => queryClient.setQueryData(DRAFT_KEY, d),
  });
  const back = () => {
    const to = Math.max(signedIn ? 2 : 1, step - 1);
    go(to);
    save.mutate({ step: to });
  };

  const d = draft.data;
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">List your cluster</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Nine steps, a few minutes. Your progress is saved: you can leave and come back.
        </p>
      </div>
      <StepIndicator step={step} />
      <Card>
        <h2
          ref={headingRef}
          tabIndex={-1}
          className="mb-4 text-lg font-semibold outline-none"
          data-testid="wizard-step-title"
        >
          Step {step} of {STEPS.length}: {STEPS[step - 1]}
        </h2>
        {step === 1 && (
          <div className="space-y-4">
            <SignInPanel />
            {signedIn && <Button onClick={() => go(Math.max(2, d?.step ?? 2))}>Continue</Button>}
          </div>
        )}
        {step > 1 && !signedIn && (
          <SignInPanel title="Your session ended. Sign in again to continue where you left off." />
        )}
        {step > 1 && signedIn && !d && <Spinner label="Loading your draft…" />}
        {step === 2 && signedIn && d && (
          <ProfileStep
            initial={d.profile}
            onNext={async (profile) => {
              await save.mutateAsync({ step: 3, profile });
              go(3);
            }}
            onBack={back}
          />
        )}
        {step === 3 && signedIn && d && (
          <ClusterStep
            draft={d}
            onUploaded={(nd) => {
              queryClient.setQueryData(DRAFT_KEY, nd);
              go(4);
            }}
            onNext={() => go(4)}
            onBack={back}
          />
        )}
        {step === 4 && signedIn && d && (
          <VerifyStep
            draft={d}
            onDone={(probe) => queryClient.setQueryData(DRAFT_KEY, { ...d, probe })}
            onNext={async () => {
              await save.mutateAsync({ step: 5 });
              go(5);
            }}
            onBack={back}
          />
        )}
        {step === 5 && signedIn && d && (
          <CapacityStep
            draft={d}
            onNext={async (offerPercent) => {
              await save.mutateAsync({ step: 6, offerPercent });
              go(6);
            }}
            onBack={back}
          />
        )}
        {step === 6 && signedIn && d && (
          <ExposureStep
            draft={d}
            onSave={(exposure) => save.mutateAsync({ step: 7, exposure })}
            onNext={() => go(7)}
            onBack={back}
          />
        )}
        {step === 7 && signedIn && d && (
          <PricingStep
            draft={d}
            onNext={async (settings) => {
              await save.mutateAsync({ step: 8, settings });
              go(8);
            }}
            onBack={back}
          />
        )}
        {step === 8 && signedIn && d && (
          <RegisterStep
            draft={d}
            onNext={async () => {
              await save.mutateAsync({ step: 9 });
              go(9);
            }}
            onBack={back}
          />
        )}
        {step === 9 && signedIn && d && <BondStep draft={d} onBack={back} />}
        {/* Step 6 shows its save errors on the fields they concern. */}
        {save.error && step !== 6 && (
          <div className="mt-4">
            <ErrorNote>{save.error.message}</ErrorNote>
          </div>
        )}
      </Card>
    </div>
  );
}
