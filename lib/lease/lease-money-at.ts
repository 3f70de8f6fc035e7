// A lease's money at a given chain time, computed exactly as ComputeMarket does (`_accrued` in
// contracts/src/ComputeMarket.sol): gross earnings are pricePerHour × elapsed / 3600 from the
// attested start (the deployer's attestStart: nothing accrues between settlement and Running),
// rounded down, capped by the lease's duration and by the escrow. SLA refunds taken out of the
// provider's earnings (`refunded`) are not the provider's to withdraw: it gets accrued − paidOut −
// refunded, and at close its payouts sum to accrued − refunded. Client-safe: the server
// sends the terms and a chain clock anchor once, and the page computes every second from time, so
// spent and balance never jump back when a poll answers (a `view` call only sees the last mined block).

export interface LeaseTerms {
  status: "active" | "closed";
  /** Base units per hour. */
  pricePerHour: string;
  /**
   * Chain seconds (block timestamps). `startedAt` is when accrual starts: the attested start once
   * there is one; `endsAt` = that + the duration.
   */
  startedAt: number;
  endsAt: number;
  /**
   * false: settled, but the workload's start is not attested yet, so nothing accrues (the figures
   * stand still at the full escrow and runway). Absent: started (terms read without attestation).
   */
  started?: boolean;
  /** SLA refunds paid to the tenant out of the provider's earnings (getLease().refunded), base units; absent: 0. */
  refunded?: string;
  /** Current escrow (deposit plus top-ups), base units. */
  escrow: string;
  /** Gross paid out to the provider so far (withdrawals, and the final payout at close). */
  paidOut: string;
}

export interface LeaseMoney {
  /** Gross accrued out of the escrow so far (the contract's `accrued`); SLA refunds are not taken off it. */
  spent: bigint;
  /** Escrow not yet earned; 0 once closed (the rest went back to the tenant). */
  left: bigint;
  /** What `withdraw` pays at this time (accrued − paidOut − refunded, the contract's `withdrawable`), before the fee. */
  withdrawable: bigint;
  /** Seconds until the escrow runs out or the duration ends, whichever is first. */
  runwaySeconds: number;
}

const HOUR = 3600n;

export function leaseMoneyAt(terms: LeaseTerms, chainSeconds: number): LeaseMoney {
  const escrow = BigInt(terms.escrow);
  const paidOut = BigInt(terms.paidOut);
  const refunded = BigInt(terms.refunded ?? "0");
  // Closed: the provider was paid accrued − refunded in all, so what accrued is paidOut + refunded
  // (a lease cancelled unstarted accrued nothing and paid nothing).
  if (terms.status !== "active")
    return { spent: paidOut + refunded, left: 0n, withdrawable: 0n, runwaySeconds: 0 };
  const price = BigInt(terms.pricePerHour);
  const duration = Math.max(0, terms.endsAt - terms.startedAt);
  // Block timestamps are whole seconds.
  const t = Math.floor(chainSeconds);
  const elapsed = terms.started === false ? 0 : Math.min(Math.max(0, t - terms.startedAt), duration);
  const earnedRaw = (price * BigInt(elapsed)) / HOUR;
  const spent = earnedRaw < escrow ? earnedRaw : escrow;
  const owed = paidOut + refunded;
  const withdrawable = spent > owed ? spent - owed : 0n;
  const byTime = duration - elapsed;
  let byMoney = Number.POSITIVE_INFINITY;
  if (price > 0n) {
    // The first whole second at which price × s / 3600 reaches the escrow.
    const exhaustedAt = (escrow * HOUR + price - 1n) / price;
    byMoney = Math.max(0, Number(exhaustedAt) - elapsed);
  }
  return { spent, left: escrow - spent, withdrawable, runwaySeconds: Math.min(byTime, byMoney) };
}
