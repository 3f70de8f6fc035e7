"use client";

import { useState } from "react";
import { useAccount, usePublicClient, useWriteContract } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import type { StepState } from "@/components/ui/stepper";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { shortMessage } from "@/lib/wagmi/short-message";

// Saving a lease's auto top-up rule from the tenant's wallet, one step at a time like the deploy page:
// approve (only when the allowance to the market is below what the rule may still draw: the cap minus what
// earlier auto top-ups used), then setAutoTopUp signed and sent, then its receipt. Clearing is the all-zero
// rule and needs no allowance.

export type AutoTopUpStep = "approve" | "set" | "confirmed";
type Steps = Record<AutoTopUpStep, { state: StepState; detail?: string }>;

const initialSteps: Steps = {
  approve: { state: "todo" },
  set: { state: "todo" },
  confirmed: { state: "todo" },
};

export function useSaveAutoTopUp(leaseId: bigint) {
  const config = usePublicConfig();
  const { address, chainId } = useAccount();
  const client = usePublicClient();
  const { writeContractAsync } = useWriteContract();
  const [steps, setSteps] = useState(initialSteps);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (id: AutoTopUpStep, state: StepState, detail?: string) =>
    setSteps((s) => ({ ...s, [id]: { state, detail } }));

  /** Sends the rule (all zeros clears it); `draw` is what the keeper may still take from the allowance. */
  async function save(rule: {
    amountPerTopUp: bigint;
    totalCap: bigint;
    minRunwaySeconds: number;
    draw: bigint;
  }) {
    setError(null);
    setSteps(initialSteps);
    let current: AutoTopUpStep = "approve";
    try {
      const market = config.marketAddress;
      const token = config.tokenAddress;
      if (!address) throw new Error("Connect your wallet first.");
      if (chainId !== config.chainId) throw new Error("Switch your wallet to the market's network first.");
      if (!market || !token || !client) throw new Error("No market contract is configured on this server.");
      setBusy(true);

      set("approve", "active");
      const allowance = await client.readContract({
        address: token,
        abi: mockStablecoinAbi,
        functionName: "allowance",
        args: [address, market],
      });
      if (rule.draw > 0n && allowance < rule.draw) {
        const hash = await writeContractAsync({
          address: token,
          abi: mockStablecoinAbi,
          functionName: "approve",
          args: [market, rule.draw],
        });
        set("approve", "active", "waiting for the approval to confirm…");
        const receipt = await client.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error("The approval reverted.");
        set("approve", "done");
      } else {
        set("approve", "skipped", rule.draw > 0n ? "allowance already covers the cap" : "not needed");
      }

      current = "set";
      set("set", "active", "confirm in your wallet");
      const hash = await writeContractAsync({
        address: market,
        abi: computeMarketAbi,
        functionName: "setAutoTopUp",
        args: [leaseId, rule.amountPerTopUp, rule.totalCap, rule.minRunwaySeconds],
      });
      set("set", "done");
      current = "confirmed";
      set("confirmed", "active", "waiting for the block…");
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error("The transaction reverted.");
      set("confirmed", "done");
      return true;
    } catch (e) {
      set(current, "error");
      setError(shortMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  return { save, steps, error, busy, address };
}
