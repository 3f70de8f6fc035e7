"use client";

import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { formatUptime, refundTotals, type ServiceLevel } from "@/lib/lease/service-level";
import { formatDuration } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";

// The lease's service level: when the workload was attested Running (and how long that took after
// settlement), or that it never was and what the tenant got back; the measured uptime with every
// downtime interval; and the SLA refunds the contract paid for attested downtime, split by source.

const at = (iso: string) => new Date(iso).toLocaleString();

export function ServiceLevelPanel(props: { level: ServiceLevel; role: "tenant" | "provider" }) {
  const { level } = props;
  const totals = refundTotals(level.refunds);
  const tenant = props.role === "tenant";
  return (
    <Card title="Service level" testId="service-level">
      {level.unstarted ? (
        <p
          className="mb-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
          data-testid="unstarted"
        >
          The provider never started the workload: the lease was cancelled at{" "}
          <span suppressHydrationWarning>{at(level.unstarted.at)}</span>.{" "}
          {tenant ? "You got" : "The tenant got"}{" "}
          <strong className="tabular-nums" data-testid="unstarted-refund">
            {formatTokenAmount(level.unstarted.refund)} USD
          </strong>{" "}
          (the whole escrow) back, plus{" "}
          <strong className="tabular-nums" data-testid="unstarted-slashed">
            {formatTokenAmount(level.unstarted.slashed)} USD
          </strong>{" "}
          slashed from the provider's bond.
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <Item label="Started">
          <span data-testid="attested-start" suppressHydrationWarning>
            {level.attestedAt !== null ? (
              <>
                {at(new Date(level.attestedAt * 1000).toISOString())}
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                  Running {formatDuration(Math.max(0, level.attestedAt - level.settledAt))} after settlement
                </span>
              </>
            ) : level.unstarted ? (
              "never"
            ) : (
              "not yet"
            )}
          </span>
        </Item>
        <Item label="Uptime">
          <span className="text-xl font-semibold tabular-nums" data-testid="uptime">
            {level.uptimePercent === null ? "—" : formatUptime(level.uptimePercent)}
          </span>
          {level.downtimeSeconds > 0 && (
            <span className="block text-xs text-zinc-600 dark:text-zinc-400" data-testid="downtime-total">
              {formatDuration(level.downtimeSeconds)} down
            </span>
          )}
        </Item>
        <Item label={tenant ? "SLA refunds received" : "SLA refunds paid"}>
          <span className="text-xl font-semibold tabular-nums" data-testid="sla-refunded">
            {formatTokenAmount(totals.total)} USD
          </span>
          {totals.total > 0n && (
            <span className="block text-xs text-zinc-600 dark:text-zinc-400" data-testid="sla-refund-split">
              for {formatDuration(totals.seconds)} · {formatTokenAmount(totals.fromEarnings)} from earnings ·{" "}
              {formatTokenAmount(totals.fromBond)} from bond
            </span>
          )}
        </Item>
      </dl>

      {level.intervals.length > 0 && (
        <div className="mt-4 border-t border-zinc-100 pt-3 dark:border-zinc-800">
          <h3 className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            Downtime
          </h3>
          <ul className="space-y-1 text-sm" data-testid="downtime-intervals">
            {level.intervals.map((d) => (
              <li key={d.from} className="flex flex-wrap justify-between gap-x-3" data-testid="downtime-row">
                <span suppressHydrationWarning>
                  {at(d.from)}
                  {d.reason && <span className="text-zinc-600 dark:text-zinc-400"> · {d.reason}</span>}
                </span>
                <span className="tabular-nums">{d.to ? formatDuration(d.seconds) : "ongoing"}</span>
              </li>
            ))}
          </ul>
        </div>
      )}

      {level.refunds.length > 0 && (
        <div className="mt-4 border-t border-zinc-100 pt-3 dark:border-zinc-800">
          <h3 className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            Refunds
          </h3>
          <ul className="space-y-1 text-sm" data-testid="sla-refunds">
            {level.refunds.map((r, i) => (
              <li
                key={`${r.txHash ?? r.at}-${i}`}
                className="flex flex-wrap justify-between gap-x-3"
                data-testid="sla-refund-row"
              >
                <span suppressHydrationWarning>
                  {at(r.at)} · {formatDuration(r.seconds)}
                </span>
                <span className="tabular-nums">
                  {formatTokenAmount(BigInt(r.fromEarnings) + BigInt(r.fromBond))} USD
                  {BigInt(r.fromBond) > 0n && (
                    <span className="text-xs text-zinc-600 dark:text-zinc-400">
                      {" "}
                      ({formatTokenAmount(r.fromBond)} from bond)
                    </span>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

function Item(props: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{props.label}</dt>
      <dd className="mt-0.5">{props.children}</dd>
    </div>
  );
}
