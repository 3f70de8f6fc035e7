"use client";

import { useState } from "react";
import type { Hash, TransactionReceipt } from "viem";
import { useAccount, usePublicClient, useWriteContract } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { describeBondError } from "@/lib/provider/bond-errors";

// Bond transactions from the provider's own wallet: approve (when the allowance is short) then
// depositBond, requestBondWithdrawal, withdrawBond. Each is waited for; the phase says what the
// provider is waiting on, an error says in words why it failed (lib/provider/bond-errors.ts).

export type BondCall =
  | { fn: "depositBond"; amount: bigint; allowance: bigint }
  | { fn: "requestBondWithdrawal"; amount: bigint }
  | { fn: "withdrawBond" };

export type BondTxPhase =
  | { phase: "idle" }
  | { phase: "wallet"; step: "approve" | "bond" }
  | { phase: "pending"; step: "approve" | "bond"; hash: Hash }
  | { phase: "confirmed"; fn: BondCall["fn"]; hash: Hash }
  | { phase: "error"; message: string };

export function useBondTx() {
  const { marketAddress, tokenAddress, chainId: marketChain } = usePublicConfig();
  const { address, chainId } = useAccount();
  const client = usePublicClient();
  const { writeContractAsync } = useWriteContract();
  const [state, setState] = useState<BondTxPhase>({ phase: "idle" });

  async function run(call: BondCall): Promise<TransactionReceipt | null> {
    try {
      if (!marketAddress || !tokenAddress || !client)
        throw new Error("The market contract is not configured.");
      if (!address) throw new Error("Connect your wallet first.");
      if (chainId !== marketChain) throw new Error("Switch your wallet to the market's network first.");
      const wait = async (step: "approve" | "bond", hash: Hash) => {
        setState({ phase: "pending", step, hash });
        const receipt = await client.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success")
          throw new Error(
            step === "approve" ? "The approval was reverted." : "The transaction was reverted.",
          );
        return receipt;
      };
      if (call.fn === "depositBond" && call.allowance < call.amount) {
        setState({ phase: "wallet", step: "approve" });
        await wait(
          "approve",
          await writeContractAsync({
            address: tokenAddress,
            abi: mockStablecoinAbi,
            functionName: "approve",
            args: [marketAddress, call.amount],
          }),
        );
      }
      setState({ phase: "wallet", step: "bond" });
      const hash =
        call.fn === "withdrawBond"
          ? await writeContractAsync({
              address: marketAddress,
              abi: computeMarketAbi,
              functionName: "withdrawBond",
            })
          : await writeContractAsync({
              address: marketAddress,
              abi: computeMarketAbi,
              functionName: call.fn,
              args: [call.amount],
            });
      const receipt = await wait("bond", hash);
      setState({ phase: "confirmed", fn: call.fn, hash });
      return receipt;
    } catch (e) {
      setState({ phase: "error", message: describeBondError(e) });
      return null;
    }
  }

  return {
    run,
    state,
    busy: state.phase === "wallet" || state.phase === "pending",
    reset: () => setState({ phase: "idle" }),
  };
}
