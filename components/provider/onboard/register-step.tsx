"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useAccount, useReadContract, useWaitForTransactionReceipt, useWriteContract } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import { Button } from "@/components/ui/button";
import { ErrorNote } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { fetchJson } from "@/lib/api/fetch-json";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { toBytes32Text } from "@/lib/chain/order-types";
import { shortHex } from "@/lib/market/format";
import { shortMessage } from "@/lib/wagmi/short-message";
import type { WizardStepProps } from "./onboard-wizard.types";

// Step 8: the provider's own wallet registers it on ComputeMarket with its region and GPU models
// as attributes and KubeBid's bid engine as operator. Once the transaction is confirmed (or the
// wallet was already registered), the wizard moves on to the bond (step 9), which goes live.

export function RegisterStep(props: WizardStepProps & { onNext: () => Promise<void> }) {
  const { marketAddress } = usePublicConfig();
  const { address } = useAccount();
  const operator = useQuery({
    queryKey: ["operator"],
    queryFn: () => fetchJson<{ operator: `0x${string}` }>("/api/provider/operator"),
  });
  const onChain = useReadContract({
    address: marketAddress ?? undefined,
    abi: computeMarketAbi,
    functionName: "getProvider",
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address && marketAddress) },
  });
  const write = useWriteContract();
  const receipt = useWaitForTransactionReceipt({ hash: write.data });

  const region = props.draft.profile?.region ?? "";
  const gpuModels = Object.keys(props.draft.probe?.inventory?.allocatable.gpus ?? {}).filter(
    (m) => m !== "unknown",
  );
  const alreadyRegistered = onChain.data?.registered === true;
  const confirmed = receipt.data?.status === "success";
  // Confirmed: on to the bond, once (the step's onNext saves the draft).
  const movedOn = useRef(false);
  const { onNext } = props;
  useEffect(() => {
    if (confirmed && !movedOn.current) {
      movedOn.current = true;
      void onNext();
    }
  }, [confirmed, onNext]);

  const register = () => {
    if (!marketAddress || !operator.data) return;
    write.writeContract({
      address: marketAddress,
      abi: computeMarketAbi,
      functionName: "registerProvider",
      args: [operator.data.operator, toBytes32Text(region), gpuModels.map((m) => toBytes32Text(m)), []],
    });
  };

  const state = confirmed ? "confirmed" : write.data ? "pending" : write.isPending ? "wallet" : "idle";

  return (
    <div className="space-y-5">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        One transaction from your wallet lists you on the market contract. You stay in control: the bid engine
        may only bid for you (and close your leases); payments always go to your address.
      </p>
      <dl className="grid gap-3 rounded-lg bg-zinc-50 p-4 text-sm sm:grid-cols-2 dark:bg-zinc-800/50">
        <div>
          <dt className="text-xs uppercase text-zinc-600 dark:text-zinc-400">Provider</dt>
          <dd className="font-mono">{address ? shortHex(address) : "—"}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase text-zinc-600 dark:text-zinc-400">
            Operator (KubeBid bid engine)
          </dt>
          <dd className="font-mono" data-testid="register-operator">
            {operator.data ? operator.data.operator : operator.error ? "unavailable" : "…"}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase text-zinc-600 dark:text-zinc-400">Region attribute</dt>
          <dd>{region}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase text-zinc-600 dark:text-zinc-400">GPU attributes</dt>
          <dd>{gpuModels.length ? gpuModels.join(", ") : "none (CPU only)"}</dd>
        </div>
      </dl>

      <div
        aria-live="polite"
        data-testid="register-state"
        data-state={alreadyRegistered && state === "idle" ? "registered" : state}
      >
        {state === "wallet" && <Spinner label="Confirm the transaction in your wallet…" />}
        {state === "pending" && (
          <Spinner label={`Waiting for the transaction ${shortHex(write.data ?? "")} to be confirmed…`} />
        )}
        {state === "confirmed" && (
          <p className="text-sm text-emerald-700 dark:text-emerald-400">Registered on-chain ✓</p>
        )}
        {alreadyRegistered && state === "idle" && (
          <p className="text-sm">This wallet is already registered on the market. Continue to your bond.</p>
        )}
      </div>
      {operator.error && <ErrorNote>{operator.error.message}</ErrorNote>}
      {write.error && <ErrorNote testId="register-error">{shortMessage(write.error)}</ErrorNote>}
      {receipt.error && <ErrorNote>{shortMessage(receipt.error)}</ErrorNote>}
      {receipt.data?.status === "reverted" && (
        <ErrorNote>The transaction was reverted. Please try again.</ErrorNote>
      )}

      <div className="flex items-center justify-between border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <Button
          variant="secondary"
          onClick={props.onBack}
          disabled={state === "pending"}
          data-testid="wizard-back"
        >
          Back
        </Button>
        {alreadyRegistered || confirmed ? (
          <Button onClick={() => void onNext()} data-testid="register-continue">
            Continue
          </Button>
        ) : (
          <Button
            onClick={register}
            disabled={!operator.data || !marketAddress || state === "wallet" || state === "pending"}
            data-testid="register-submit"
          >
            {write.error ? "Try again" : "Register on-chain"}
          </Button>
        )}
      </div>
    </div>
  );
}
