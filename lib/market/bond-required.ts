// What a bid locks of a provider's bond, exactly as ComputeMarketExtension._bondRequired computes it:
// min(price × duration / 3600 × bondBps / 10000, bondCap), integer division in that order. Pure, so the
// deploy page's screening (in the browser) and the bid engine's fakes agree with the contract.

export interface BondParams {
  /** Share of the lease value a bid locks, basis points. */
  bondBps: number;
  /** Most one lease (or commit) locks, token base units. */
  bondCap: bigint;
}

export function bondRequired(pricePerHour: bigint, durationSeconds: number, p: BondParams): bigint {
  const lock = (((pricePerHour * BigInt(durationSeconds)) / 3600n) * BigInt(p.bondBps)) / 10_000n;
  return lock < p.bondCap ? lock : p.bondCap;
}
