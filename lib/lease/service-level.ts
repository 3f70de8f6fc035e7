// What the lease page's service-level card shows: the attested start (or the start deadline still
// running, or the cancellation when the provider never started), the uptime the status and metrics
// loops measured with each downtime interval, and the SLA refunds the contract paid the tenant for
// attested downtime (out of the provider's earnings, the shortfall out of its bond). Client-safe
// shapes and arithmetic; lib/lease/get-lease-detail.ts fills them from the chain and the database.

export interface DowntimeInterval {
  /** ISO times; `to` null while the workload is still down. */
  from: string;
  to: string | null;
  seconds: number;
  /** Why (pods not ready, cluster unreachable), when recorded. */
  reason: string | null;
}

export interface SlaRefund {
  at: string;
  /** Downtime seconds this refund pays for. */
  seconds: number;
  /** Base units, decimal strings. */
  fromEarnings: string;
  fromBond: string;
  txHash: string | null;
}

export interface UnstartedCancel {
  at: string;
  /** The whole escrow back to the tenant, and the slice of the provider's bond paid to it. */
  refund: string;
  slashed: string;
  txHash: string | null;
}

export interface ServiceLevel {
  /** Chain seconds. */
  settledAt: number;
  attestedAt: number | null;
  startDeadline: number | null;
  /** 0..100, null before anything was measured (not started yet). */
  uptimePercent: number | null;
  downtimeSeconds: number;
  intervals: DowntimeInterval[];
  refunds: SlaRefund[];
  unstarted: UnstartedCancel | null;
}

export interface RefundTotals {
  seconds: number;
  fromEarnings: bigint;
  fromBond: bigint;
  total: bigint;
}

export function refundTotals(refunds: SlaRefund[]): RefundTotals {
  let seconds = 0;
  let fromEarnings = 0n;
  let fromBond = 0n;
  for (const r of refunds) {
    seconds += r.seconds;
    fromEarnings += BigInt(r.fromEarnings);
    fromBond += BigInt(r.fromBond);
  }
  return { seconds, fromEarnings, fromBond, total: fromEarnings + fromBond };
}

/** Uptime as people read it: "100 %", "99.97 %", "42.5 %"; never rounds a downtime up to 100 %. */
export function formatUptime(percent: number): string {
  if (percent >= 100) return "100 %";
  const floored = Math.floor(percent * 100) / 100;
  return `${String(floored >= 100 ? 99.99 : floored)} %`;
}
