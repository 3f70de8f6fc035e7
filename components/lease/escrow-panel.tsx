"use client";

import { useEffect, useState } from "react";
import { parseEventLogs } from "viem";
import { useMarketTx } from "@/components/market/use-market-tx";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, inputClass } from "@/components/ui/field";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { toBytes32Text } from "@/lib/chain/order-types";
import type { LeaseDetail } from "@/lib/lease/get-lease-detail";
import { formatDuration } from "@/lib/market/format";
import { formatTokenAmount, parseTokenAmount } from "@/lib/market/price-order";

// The lease's money: escrow left (ticking down at the lease's rate from the last chain read), burn
// rate, runway; top up (approve + topUp) and close (the unspent escrow comes back, shown from the
// LeaseClosed event of the closing transaction).

export function EscrowPanel(props: { lease: LeaseDetail; onChange: () => void }) {
  const { lease } = props;
  const tx = useMarketTx();
  const [now, setNow] = useState(() => Date.now());
  const [amount, setAmount] = useState("1");
  const [refund, setRefund] = useState<bigint | null>(null);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const chain = lease.chain;
  const rate = BigInt(lease.pricePerHour);
  const escrow = BigInt(chain?.escrow ?? lease.escrow);
  const endsAt = chain?.endsAt ?? (lease.endsAt ? Date.parse(lease.endsAt) / 1000 : null);
  const active = lease.status === "active";
  let spent = BigInt(chain?.accrued ?? "0");
  if (chain && active) {
    const until = Math.min(now / 1000, endsAt ?? Number.POSITIVE_INFINITY);
    const extra = Math.max(0, Math.floor(until) - chain.readAt);
    spent += (rate * BigInt(extra)) / 3600n;
  }
  if (spent > escrow) spent = escrow;
  const left = escrow - spent;
  const runwayByMoney = rate > 0n ? Number((left * 3600n) / rate) : Number.POSITIVE_INFINITY;
  const runwayByTime = endsAt ? endsAt - now / 1000 : Number.POSITIVE_INFINITY;
  const runway = Math.max(0, Math.min(runwayByMoney, runwayByTime));
  const closedRefund = lease.payments
    .filter((p) => p.kind === "refund")
    .reduce((n, p) => n + BigInt(p.amount), 0n);
  const isTenant = tx.address?.toLowerCase() === lease.tenant.toLowerCase();
  const isProvider = tx.address?.toLowerCase() === lease.provider.toLowerCase();

  const topUp = async () => {
    let value: bigint;
    try {
      value = parseTokenAmount(amount);
    } catch {
      return;
    }
    if (value <= 0n) return;
    if (await tx.run({ fn: "topUp", id: BigInt(lease.id), amount: value }, "Topping up…")) props.onChange();
  };
  const close = async () => {
    const receipt = await tx.run(
      { fn: "closeLease", id: BigInt(lease.id), reason: toBytes32Text("closed by tenant") },
      "Closing…",
    );
    if (!receipt) return;
    const [closed] = parseEventLogs({ abi: computeMarketAbi, logs: receipt.logs, eventName: "LeaseClosed" });
    if (closed) setRefund(closed.args.tenantRefund);
    props.onChange();
  };

  return (
    <Card title="Escrow" testId="escrow">
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Balance left</dt>
          <dd
            className="text-xl font-semibold tabular-nums"
            data-testid="escrow-left"
            suppressHydrationWarning
          >
            {formatTokenAmount(active ? left : 0n)} USD
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Burn rate</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid="burn-rate">
            {formatTokenAmount(rate)}/h
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Runway</dt>
          <dd className="tabular-nums" data-testid="runway" suppressHydrationWarning>
            {active ? (Number.isFinite(runway) ? formatDuration(runway) : "—") : "closed"}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            Escrow total · spent
          </dt>
          <dd className="tabular-nums" data-testid="escrow-total">
            {formatTokenAmount(escrow)} · {formatTokenAmount(spent)}
          </dd>
        </div>
      </dl>
      {active && (isTenant || isProvider) && (
        <div className="mt-4 space-y-3 border-t border-zinc-100 pt-4 dark:border-zinc-800">
          {isTenant && (
            <div className="flex items-center gap-2">
              <input
                aria-label="Top-up amount (USD)"
                data-testid="topup-amount"
                className={`${inputClass.replace("w-full ", "")} w-28`}
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
              <Button data-testid="topup" disabled={Boolean(tx.pending)} onClick={topUp}>
                Top up
              </Button>
            </div>
          )}
          <div className="flex flex-wrap items-center gap-2">
            <Button variant="danger" data-testid="close-lease" disabled={Boolean(tx.pending)} onClick={close}>
              Close lease
            </Button>
            <span className="text-xs text-zinc-600 dark:text-zinc-400">
              You get back the unspent ≈ {formatTokenAmount(left)} USD.
            </span>
          </div>
          {tx.pending && <p className="text-xs text-zinc-600 dark:text-zinc-400">{tx.pending}</p>}
          {tx.error && <ErrorNote testId="escrow-error">{tx.error}</ErrorNote>}
        </div>
      )}
      {(refund !== null || (!active && closedRefund > 0n)) && (
        <p
          className="mt-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
          data-testid="close-refund"
        >
          Lease closed. Refunded {formatTokenAmount(refund ?? closedRefund)} USD of unspent escrow to the
          tenant.
        </p>
      )}
    </Card>
  );
}
