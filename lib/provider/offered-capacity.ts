import type { InventoryTotals } from "@/db/schema";

// The most a provider offers of a cluster at a given share (the wizard's capacity step and the
// cluster page): that share of what the offerable nodes can hold. The bid engine never promises
// more than this (lib/market/fit-order.ts keeps the other share of each node back).
// GPUs are whole devices, so their share rounds down.

export interface OfferedCapacity {
  cpuMillis: number;
  memoryBytes: number;
  gpus: { model: string; count: number }[];
}

export function offeredCapacity(allocatable: InventoryTotals, offerPercent: number): OfferedCapacity {
  if (!Number.isFinite(offerPercent) || offerPercent < 0 || offerPercent > 100)
    throw new RangeError(`offerPercent must be 0–100, got ${offerPercent}`);
  return {
    cpuMillis: (allocatable.cpuMillis * offerPercent) / 100,
    memoryBytes: (allocatable.memoryBytes * offerPercent) / 100,
    gpus: Object.entries(allocatable.gpus).map(([model, n]) => ({
      model,
      count: Math.floor((n * offerPercent) / 100),
    })),
  };
}
