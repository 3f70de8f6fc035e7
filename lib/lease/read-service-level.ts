import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { downtimeRefunds, type Lease } from "@/db/schema";
import { getLeaseUptime } from "@/lib/lease/get-lease-uptime";
import type { ServiceLevel } from "@/lib/lease/service-level";

// A lease's service level for its page, from what the indexer and the lease controller stored: the
// settlement, attested start and start deadline (the lease row: LeaseStarted, LeaseStartAttested),
// the uptime and downtime intervals the lease controller measured (getLeaseUptime), the SLA refunds
// the contract paid (downtime_refunds, one row per DowntimeRefunded) and, for a lease the provider
// never started, what cancelUnstarted paid the tenant (the row's LeaseUnstarted figures).

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export async function readServiceLevel(opts: { db: Db; lease: Lease; now?: Date }): Promise<ServiceLevel> {
  const { db, lease } = opts;
  const [uptime, refunds] = await Promise.all([
    getLeaseUptime(db, lease.id, opts.now),
    db
      .select()
      .from(downtimeRefunds)
      .where(eq(downtimeRefunds.leaseId, lease.id))
      .orderBy(asc(downtimeRefunds.blockNumber), asc(downtimeRefunds.logIndex)),
  ]);
  // The chain's attested start once indexed; the deployer's own record of it until then.
  const attestedAt = lease.attestedAt ?? (uptime.startedAt ? new Date(uptime.startedAt) : null);
  return {
    settledAt: seconds(lease.settledAt ?? lease.startedAt),
    attestedAt: attestedAt ? seconds(attestedAt) : null,
    startDeadline: lease.startDeadline ? seconds(lease.startDeadline) : null,
    uptimePercent: uptime.startedAt ? uptime.uptimePercent : null,
    downtimeSeconds: uptime.downtimeSeconds,
    intervals: uptime.intervals.map((i) => ({
      from: i.startedAt,
      to: i.endedAt,
      seconds: i.seconds,
      reason: i.cause === "cluster-unreachable" ? "cluster unreachable" : "pods not ready",
    })),
    refunds: refunds.map((r) => ({
      at: r.at.toISOString(),
      seconds: r.seconds,
      fromEarnings: r.fromEarnings,
      fromBond: r.fromBond,
      txHash: r.txHash,
    })),
    unstarted:
      lease.unstartedRefund !== null
        ? {
            at: (lease.closedAt ?? lease.updatedAt).toISOString(),
            refund: lease.unstartedRefund,
            slashed: lease.unstartedSlash ?? "0",
            txHash: null,
          }
        : null,
  };
}
