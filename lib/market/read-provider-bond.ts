import "server-only";
import type { Address } from "viem";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { freeBond } from "@/lib/provider/bond-coverage";

// A provider's bond and the market's bond parameters, read from the contract (the one source of
// truth: locks change with every bid, and nothing else records them), as JSON-safe strings for a
// server-rendered page. null when no market is configured or the read fails.

export interface ProviderBondView {
  total: string;
  locked: string;
  unbonding: string;
  free: string;
  /** Unix seconds; 0 when nothing is unbonding. */
  unbondAt: number;
  bondBps: number;
  bondCap: string;
  unbondingDelay: number;
}

export async function readProviderBond(provider: Address): Promise<ProviderBondView | null> {
  const market = getConfig().MARKET_ADDRESS as Address | undefined;
  if (!market) return null;
  const client = getPublicClient();
  try {
    const blockNumber = await client.getBlockNumber({ cacheTime: 0 });
    const [bond, params] = await Promise.all([
      client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getBond",
        args: [provider],
        blockNumber,
      }),
      client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "integrityParams",
        blockNumber,
      }),
    ]);
    return {
      total: bond.total.toString(),
      locked: bond.locked.toString(),
      unbonding: bond.unbonding.toString(),
      free: freeBond(bond).toString(),
      unbondAt: Number(bond.unbondAt),
      bondBps: Number(params.bondBps),
      bondCap: params.bondCap.toString(),
      unbondingDelay: Number(params.unbondingDelay),
    };
  } catch {
    return null;
  }
}
