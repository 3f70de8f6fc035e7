"use client";

import { useState } from "react";
import { parseEventLogs } from "viem";
import { useReadContract } from "wagmi";
import { useChainSeconds } from "@/components/chain/use-chain-seconds";
import { useMarketTx } from "@/components/market/use-market-tx";
import { usePublicConfig } from "@/components/public-config";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, inputClass } from "@/components/ui/field";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { toBytes32Text } from "@/lib/chain/order-types";
import type { LeaseDetail } from "@/lib/lease/get-lease-detail";
import { leaseMoneyAt } from "@/lib/lease/lease-money-at";
import { validateTopUp } from "@/lib/lease/validate-top-up";
import { formatDuration } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";

// The lease's money: escrow left, spent and runway computed each second from chain time and the
// lease's terms (leaseMoneyAt, as the contract accrues: from the attested start, so nothing moves
// while the workload is not Running yet), burn rate, SLA refunds received (paid to the tenant apart
// from the escrow, so they never move the balance or spent backwards; net cost = spent − refunds);
// top up (approve + topUp, the amount checked inline first) and close (the unspent escrow comes
// back, shown from the LeaseClosed event of the closing transaction).

export function EscrowPanel(props: {
  lease: LeaseDetail;
  onChange: () => void;
  /** SLA refunds paid to the tenant so far (earnings and bond), base units. */
  slaRefunded?: bigint;
}) {
  const { lease } = props;
  const tx = useMarketTx();
  const config = usePublicConfig();
  const [amount, setAmount] = useState("1");
  const [refund, setRefund] = useState<bigint | null>(null);
  const chainSeconds = useChainSeconds(lease.clock);

  const rate = BigInt(lease.terms.pricePerHour);
  const escrow = BigInt(lease.terms.escrow);
  const active = lease.status === "active";
  const money = leaseMoneyAt(lease.terms, chainSeconds);
  const spent = money.spent;
  const left = money.left;
  const runway = money.runwaySeconds;
  const waiting = active && lease.terms.started === false;
  const slaRefunded = props.slaRefunded ?? 0n;
  const closedRefund = lease.payments
    .filter((p) => p.kind === "refund")
    .reduce((n, p) => n + BigInt(p.amount), 0n);
  const isTenant = tx.address?.toLowerCase() === lease.tenant.toLowerCase();
  const isProvider = tx.address?.toLowerCase() === lease.provider.toLowerCase();

  const walletBalance = useReadContract({
    address: config.tokenAddress ?? undefined,
    abi: mockStablecoinAbi,
    functionName: "balanceOf",
    args: tx.address ? [tx.address] : undefined,
    query: { enabled: Boolean(config.tokenAddress && tx.address && isTenant && active) },
  });
  const topUpCheck = validateTopUp(amount, { balance: walletBalance.data ?? null });
  const topUp = async () => {
    if (!topUpCheck.ok) return;
    if (await tx.run({ fn: "topUp", id: BigInt(lease.id), amount: topUpCheck.amount }, "Topping up…")) {
      void walletBalance.refetch();
      props.onChange();
    }
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
          <dd className="text-xl font-semibold tabular-nums" data-testid="escrow-left">
            {formatTokenAmount(active ? left : 0n)} USD
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Burn rate</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid="burn-rate">
            {formatTokenAmount(waiting ? 0n : rate)}/h
          </dd>
          {waiting && (
            <dd className="text-xs text-zinc-600 dark:text-zinc-400">
              {formatTokenAmount(rate)}/h once Running
            </dd>
          )}
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Runway</dt>
          <dd className="tabular-nums" data-testid="runway">
            {active ? (Number.isFinite(runway) ? formatDuration(runway) : "—") : "closed"}
          </dd>
          {waiting && (
            <dd className="text-xs text-zinc-600 dark:text-zinc-400">starts when the workload runs</dd>
          )}
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            Escrow total · spent
          </dt>
          <dd className="tabular-nums" data-testid="escrow-total">
            {formatTokenAmount(escrow)} · <span data-testid="escrow-spent">{formatTokenAmount(spent)}</span>
          </dd>
        </div>
        {slaRefunded > 0n && (
          <div className="col-span-2">
            <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
              SLA refunds · net spent
            </dt>
            <dd className="tabular-nums" data-testid="escrow-sla">
              {formatTokenAmount(slaRefunded)} ·{" "}
              <span data-testid="escrow-net-spent">
                {formatTokenAmount(spent > slaRefunded ? spent - slaRefunded : 0n)}
              </span>
            </dd>
          </div>
        )}
      </dl>
      {active && (isTenant || isProvider) && (
        <div className="mt-4 space-y-3 border-t border-zinc-100 pt-4 dark:border-zinc-800">
          {isTenant && (
            <div className="space-y-1">
              <div className="flex items-center gap-2">
                <input
                  aria-label="Top-up amount (USD)"
                  data-testid="topup-amount"
                  inputMode="decimal"
                  aria-invalid={!topUpCheck.ok}
                  aria-describedby={topUpCheck.ok ? undefined : "topup-amount-error"}
                  className={`${inputClass.replace("w-full ", "")} w-28`}
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                />
                <Button data-testid="topup" disabled={Boolean(tx.pending) || !topUpCheck.ok} onClick={topUp}>
                  Top up
                </Button>
              </div>
              {!topUpCheck.ok && (
                <p
                  id="topup-amount-error"
                  role="alert"
                  data-testid="topup-error"
                  className="text-xs text-red-600 dark:text-red-400"
                >
                  {topUpCheck.error}
                </p>
              )}
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
