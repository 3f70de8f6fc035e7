import "server-only";
import { and, asc, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { chainEvents, type Lease } from "@/db/schema";
import { getLeaseUptime } from "@/lib/lease/get-lease-uptime";
import type { ServiceLevel } from "@/lib/lease/service-level";

// A lease's service level for its page: the attested start (LeaseStartAttested), the start deadline
// (settlement + the order's startDeadline, from its OrderCreated), the uptime and downtime intervals
// the lease controller measured (getLeaseUptime), the SLA refunds the contract paid
// (DowntimeRefunded) and, for a lease the provider never started, what cancelUnstarted paid the
// tenant (LeaseUnstarted). The events come from chain_events, where the indexer keeps every market
// event with its arguments (bigints as decimal strings), keyed by order/lease id.

const uint = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => String(v));
const schemas = {
  OrderCreated: z.object({ order: z.object({ startDeadline: uint.optional() }) }),
  LeaseStartAttested: z.object({ startedAt: uint }),
  DowntimeRefunded: z.object({ downtimeSeconds: uint, fromEarnings: uint, fromBond: uint }),
  LeaseUnstarted: z.object({ refund: uint, slashed: uint }),
};
type Name = keyof typeof schemas;
type Args<N extends Name> = z.output<(typeof schemas)[N]>;
const NAMES = Object.keys(schemas) as Name[];

export async function readServiceLevel(opts: { db: Db; lease: Lease; now?: Date }): Promise<ServiceLevel> {
  const { db, lease } = opts;
  const [uptime, rows] = await Promise.all([
    getLeaseUptime(db, lease.id, opts.now),
    db
      .select()
      .from(chainEvents)
      .where(and(inArray(chainEvents.orderId, [lease.id, lease.orderId]), inArray(chainEvents.name, NAMES)))
      .orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex)),
  ]);
  /** Every valid event of that name, in chain order, with its row. */
  const all = <N extends Name>(name: N) =>
    rows.flatMap((row) => {
      if (row.name !== name) return [];
      const args = schemas[name].safeParse(row.args);
      return args.success ? [{ args: args.data as Args<N>, row }] : [];
    });

  const settledAt = Math.floor(lease.startedAt.getTime() / 1000);
  const deadlineSeconds = all("OrderCreated")[0]?.args.order.startDeadline;
  const attested = all("LeaseStartAttested")[0];
  // The chain's own timestamp once the event is indexed; the deployer's record of it until then.
  const attestedAt = attested
    ? Number(attested.args.startedAt)
    : uptime.startedAt
      ? Math.floor(Date.parse(uptime.startedAt) / 1000)
      : null;
  const unstarted = all("LeaseUnstarted")[0];

  return {
    settledAt,
    attestedAt,
    startDeadline: deadlineSeconds !== undefined ? settledAt + Number(deadlineSeconds) : null,
    uptimePercent: uptime.startedAt ? uptime.uptimePercent : null,
    downtimeSeconds: uptime.downtimeSeconds,
    intervals: uptime.intervals.map((i) => ({
      from: i.startedAt,
      to: i.endedAt,
      seconds: i.seconds,
      reason: i.cause === "cluster-unreachable" ? "cluster unreachable" : "pods not ready",
    })),
    refunds: all("DowntimeRefunded").map(({ args, row }) => ({
      at: row.at.toISOString(),
      seconds: Number(args.downtimeSeconds),
      fromEarnings: args.fromEarnings,
      fromBond: args.fromBond,
      txHash: row.txHash,
    })),
    unstarted: unstarted
      ? {
          at: unstarted.row.at.toISOString(),
          refund: unstarted.args.refund,
          slashed: unstarted.args.slashed,
          txHash: unstarted.row.txHash,
        }
      : null,
  };
}
