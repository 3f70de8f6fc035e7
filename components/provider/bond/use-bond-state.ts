"use client";

import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import type { Address } from "viem";
import { usePublicClient } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import type { BondInfo, BondParams } from "@/lib/provider/bond-coverage";

// A provider's bond, the market's integrity parameters and the wallet's token balance and allowance,
// read from the contract together at one block. Answers from an older block than one already shown
// (a lagging RPC node, or a poll that left before a confirmed transaction) are dropped, so no figure
// ever moves back; `after` raises that floor to a transaction's block once it is confirmed.

export interface BondState {
  block: bigint;
  bond: BondInfo;
  params: BondParams;
  balance: bigint;
  allowance: bigint;
  /** Chain time when read: the block's timestamp or the wall clock, whichever is later (ms). */
  chainMs: number;
}

export function useBondState(provider: Address | undefined) {
  const { marketAddress, tokenAddress } = usePublicConfig();
  const client = usePublicClient();
  const latest = useRef<BondState | null>(null);
  const floor = useRef(0n);

  const query = useQuery({
    queryKey: ["bond-state", provider, marketAddress],
    enabled: Boolean(provider && marketAddress && tokenAddress && client),
    refetchInterval: 5_000,
    queryFn: async (): Promise<BondState> => {
      if (!provider || !marketAddress || !tokenAddress || !client)
        throw new Error("The market contract is not configured.");
      const head = await client.getBlock({ blockTag: "latest" });
      const blockNumber = head.number > floor.current ? head.number : floor.current;
      const at = { blockNumber } as const;
      const [bond, params, balance, allowance] = await Promise.all([
        client.readContract({
          ...at,
          address: marketAddress,
          abi: computeMarketAbi,
          functionName: "getBond",
          args: [provider],
        }),
        client.readContract({
          ...at,
          address: marketAddress,
          abi: computeMarketAbi,
          functionName: "integrityParams",
        }),
        client.readContract({
          ...at,
          address: tokenAddress,
          abi: mockStablecoinAbi,
          functionName: "balanceOf",
          args: [provider],
        }),
        client.readContract({
          ...at,
          address: tokenAddress,
          abi: mockStablecoinAbi,
          functionName: "allowance",
          args: [provider, marketAddress],
        }),
      ]);
      const next: BondState = {
        block: blockNumber,
        bond: {
          total: bond.total,
          locked: bond.locked,
          unbonding: bond.unbonding,
          unbondAt: Number(bond.unbondAt),
        },
        params: {
          bondBps: BigInt(params.bondBps),
          bondCap: params.bondCap,
          unbondingDelay: Number(params.unbondingDelay),
        },
        balance,
        allowance,
        chainMs: Math.max(Date.now(), Number(head.timestamp) * 1000),
      };
      const shown = latest.current;
      if (shown && shown.block > next.block) return shown;
      latest.current = next;
      return next;
    },
  });

  return {
    ...query,
    /** After a confirmed transaction: read at its block or later from now on, then refresh. */
    after: async (blockNumber: bigint) => {
      if (blockNumber > floor.current) floor.current = blockNumber;
      await query.refetch();
    },
  };
}
