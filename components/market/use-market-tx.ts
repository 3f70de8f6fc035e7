"use client";

import { useState } from "react";
import type { TransactionReceipt } from "viem";
import { useAccount, usePublicClient, useWriteContract } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { shortMessage } from "@/lib/wagmi/short-message";

// Market transactions from the tenant's wallet (accept, cancel, settle, top up, close, grant or revoke a
// deploy key), each waited
// for, with a pending label and the wallet's short error message.

type MarketCall =
  | { fn: "acceptBid" | "cancelOrder" | "settle"; id: bigint }
  | { fn: "topUp"; id: bigint; amount: bigint }
  | { fn: "closeLease"; id: bigint; reason: `0x${string}` }
  | { fn: "setDelegate"; delegate: `0x${string}`; id: bigint; allowed: boolean };

/** An estimate padded for a transaction whose path depends on when it is mined. */
const withGasHeadroom = (estimate: bigint) => (estimate * 3n) / 2n;

export function useMarketTx() {
  const config = usePublicConfig();
  const { address, chainId } = useAccount();
  const client = usePublicClient();
  const { writeContractAsync } = useWriteContract();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(call: MarketCall, label: string): Promise<TransactionReceipt | null> {
    setError(null);
    setPending(label);
    try {
      const market = config.marketAddress;
      if (!market || !client) throw new Error("No market contract is configured.");
      if (!address) throw new Error("Connect your wallet first.");
      if (chainId !== config.chainId) throw new Error("Switch your wallet to the market's network first.");
      if (call.fn === "topUp") {
        const token = config.tokenAddress;
        if (!token) throw new Error("No token is configured.");
        const allowance = await client.readContract({
          address: token,
          abi: mockStablecoinAbi,
          functionName: "allowance",
          args: [address, market],
        });
        if (allowance < call.amount) {
          setPending("Approving…");
          const approveHash = await writeContractAsync({
            address: token,
            abi: mockStablecoinAbi,
            functionName: "approve",
            args: [market, call.amount],
          });
          await client.waitForTransactionReceipt({ hash: approveHash });
          setPending(label);
        }
      }
      const hash =
        call.fn === "topUp"
          ? await writeContractAsync({
              address: market,
              abi: computeMarketAbi,
              functionName: "topUp",
              args: [call.id, call.amount],
            })
          : call.fn === "closeLease"
            ? await writeContractAsync({
                address: market,
                abi: computeMarketAbi,
                functionName: "closeLease",
                args: [call.id, call.reason],
                // Estimated at the latest block, a lease that has accrued nothing yet (closed in the
                // second it started) skips the provider's token transfer; mined a second later it
                // pays it and would run out of gas. Hence headroom, as MetaMask pads its estimates
                // (transaction controller: estimate × 1.5).
                gas: withGasHeadroom(
                  await client.estimateContractGas({
                    account: address,
                    address: market,
                    abi: computeMarketAbi,
                    functionName: "closeLease",
                    args: [call.id, call.reason],
                  }),
                ),
              })
            : call.fn === "setDelegate"
              ? await writeContractAsync({
                  address: market,
                  abi: computeMarketAbi,
                  functionName: "setDelegate",
                  args: [call.delegate, call.id, call.allowed],
                })
              : await writeContractAsync({
                  address: market,
                  abi: computeMarketAbi,
                  functionName: call.fn,
                  args: [call.id],
                });
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error("The transaction reverted.");
      return receipt;
    } catch (e) {
      setError(shortMessage(e));
      return null;
    } finally {
      setPending(null);
    }
  }

  return { run, pending, error, address };
}
