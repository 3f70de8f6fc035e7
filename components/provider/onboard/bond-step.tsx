"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useAccount } from "wagmi";
import { BondCard } from "@/components/provider/bond/bond-card";
import { Button } from "@/components/ui/button";
import { ErrorNote } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { fetchJson } from "@/lib/api/fetch-json";
import { examplePricePerHour } from "@/lib/provider/bond-coverage";
import type { WizardStepProps } from "./onboard-wizard.types";

// Step 9, before going live: the provider bonds tokens that back its bids (each winning bid locks a
// share of the lease's value; see the card). It may finish without a bond, but is told plainly that
// the bid engine then skips every order. Finish stores the provider and its cluster in one go.

export function BondStep(props: WizardStepProps) {
  const { address } = useAccount();
  const router = useRouter();
  const queryClient = useQueryClient();
  const complete = useMutation({
    mutationFn: () => fetchJson<{ clusterId: string }>("/api/provider/complete", { method: "POST" }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["provider-draft"] });
      router.push("/provider?welcome=1");
      router.refresh();
    },
  });

  return (
    <div className="space-y-5">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Tenants are protected by your bond: a lease you win but never start, or downtime beyond what you
        earned, is paid out of it. Without free bond the bid engine skips every order, so deposit enough for
        the leases you want to win. You can add to it or withdraw it later from the console.
      </p>
      <BondCard provider={address} example={examplePricePerHour(props.draft.settings?.pricing)} />
      {complete.isPending && <Spinner label="Saving your cluster and settings…" />}
      {complete.error && <ErrorNote testId="complete-error">{complete.error.message}</ErrorNote>}
      <div className="flex items-center justify-between border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <Button
          variant="secondary"
          onClick={props.onBack}
          disabled={complete.isPending}
          data-testid="wizard-back"
        >
          Back
        </Button>
        <Button onClick={() => complete.mutate()} disabled={complete.isPending} data-testid="register-finish">
          {complete.error ? "Try again" : "Finish and go live"}
        </Button>
      </div>
    </div>
  );
}
