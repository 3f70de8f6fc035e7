"use client";

import { useId, useState } from "react";
import type { Address } from "viem";
import { useChainSeconds } from "@/components/chain/use-chain-seconds";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, Field, inputClass } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { formatDuration, shortHex } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";
import {
  type BondAction,
  bondCoverage,
  freeBond,
  hoursCovered,
  secondsUntilWithdrawable,
  validateBondAmount,
} from "@/lib/provider/bond-coverage";
import { type BondState, useBondState } from "./use-bond-state";
import { type BondTxPhase, useBondTx } from "./use-bond-tx";

// The provider's bond: what it holds (total, locked by bids and leases, unbonding with the time it
// becomes withdrawable, free), what the free part lets it bid on, and the three wallet actions
// (deposit, request a withdrawal, withdraw). Shown in the onboarding wizard before going live and in
// the provider console. Figures come from the contract (use-bond-state.ts), in token units, exact.

const usd = (v: bigint) => `${formatTokenAmount(v)} USD`;

export interface BondExample {
  pricePerHour: bigint;
  /** What the price is for: "2 cores + 4 GiB at your prices", "your latest lease". */
  label: string;
}

export function BondCard(props: {
  provider: Address | undefined;
  example?: BondExample | null;
  title?: string;
  testId?: string;
}) {
  const state = useBondState(props.provider);
  const title = props.title ?? "Bond";
  if (!props.provider)
    return (
      <Card title={title} testId={props.testId ?? "bond-card"}>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Connect your wallet to see your bond.</p>
      </Card>
    );
  return (
    <Card title={title} testId={props.testId ?? "bond-card"}>
      {state.error && !state.data && <ErrorNote>Could not read the bond: {state.error.message}</ErrorNote>}
      {!state.data && !state.error && <Spinner label="Reading your bond from the contract…" />}
      {state.data && (
        <BondBody
          data={state.data}
          example={props.example ?? null}
          onConfirmed={(block) => state.after(block)}
        />
      )}
    </Card>
  );
}

function BondBody(props: {
  data: BondState;
  example: BondExample | null;
  onConfirmed: (block: bigint) => Promise<void>;
}) {
  const { bond, params, balance, allowance } = props.data;
  const nowSeconds = useChainSeconds({ chainMs: props.data.chainMs });
  const free = freeBond(bond);
  const coverage = bondCoverage(free, params);
  const waitSeconds = secondsUntilWithdrawable(bond, nowSeconds);
  const tx = useBondTx();
  const [action, setAction] = useState<BondAction>("deposit");
  const [text, setText] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const inputId = useId();
  const available = action === "deposit" ? balance : free;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const checked = validateBondAmount({ action, text, available, total: bond.total });
    if (!checked.ok) {
      setFieldError(checked.error);
      return;
    }
    setFieldError(null);
    const receipt = await tx.run(
      action === "deposit"
        ? { fn: "depositBond", amount: checked.amount, allowance }
        : { fn: "requestBondWithdrawal", amount: checked.amount },
    );
    if (receipt) {
      setText("");
      await props.onConfirmed(receipt.blockNumber);
    }
  };
  const withdraw = async () => {
    const receipt = await tx.run({ fn: "withdrawBond" });
    if (receipt) await props.onConfirmed(receipt.blockNumber);
  };

  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Each winning bid locks {Number(params.bondBps) / 100} % of the lease's value (price × duration), at
        most {usd(params.bondCap)} per lease, until the lease ends normally. A lease never started in time, or
        downtime refunds beyond your earnings, are paid out of it. Withdrawals wait{" "}
        {formatDuration(params.unbondingDelay)}.
      </p>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="bond-figures">
        <Figure label="Total" value={usd(bond.total)} testId="bond-total" />
        <Figure label="Locked by bids and leases" value={usd(bond.locked)} testId="bond-locked" />
        <Figure
          label="Unbonding"
          value={usd(bond.unbonding)}
          testId="bond-unbonding"
          hint={
            bond.unbonding === 0n ? undefined : waitSeconds > 0 ? (
              <span data-testid="bond-unbond-countdown">withdrawable in {formatDuration(waitSeconds)}</span>
            ) : (
              <span data-testid="bond-unbond-countdown">withdrawable now</span>
            )
          }
        />
        <Figure label="Free" value={usd(free)} testId="bond-free" />
      </dl>
      <p
        className="rounded-md bg-zinc-50 px-3 py-2 text-sm dark:bg-zinc-800/50"
        data-testid="bond-coverage"
        data-kind={coverage.kind}
      >
        {coverage.kind === "none" ? (
          <>No free bond: the bid engine cannot bid until you deposit some.</>
        ) : coverage.kind === "any" ? (
          <>
            Covers a lease of any value: each locks at most {usd(params.bondCap)}
            {coverage.leasesAtCap > 1n ? `, and ${coverage.leasesAtCap} such leases at once` : ""}.
          </>
        ) : (
          <>
            Covers leases worth up to <strong className="tabular-nums">{usd(coverage.maxLeaseValue)}</strong>
            {props.example && props.example.pricePerHour > 0n && (
              <>
                , e.g. {hoursCovered(coverage.maxLeaseValue, props.example.pricePerHour)} h at{" "}
                {formatTokenAmount(props.example.pricePerHour)}/h ({props.example.label})
              </>
            )}
            .
          </>
        )}
      </p>

      <form onSubmit={submit} className="space-y-3" noValidate>
        <fieldset className="flex flex-wrap gap-2" disabled={tx.busy}>
          <legend className="sr-only">Bond action</legend>
          {(
            [
              ["deposit", "Deposit"],
              ["requestWithdrawal", "Request withdrawal"],
            ] as const
          ).map(([value, label]) => (
            <label
              key={value}
              className={`cursor-pointer rounded-md border px-3 py-1.5 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600 ${
                action === value
                  ? "border-brand-600 bg-brand-50 font-medium text-brand-700 dark:border-brand-400 dark:bg-zinc-800 dark:text-brand-300"
                  : "border-zinc-300 dark:border-zinc-700"
              }`}
            >
              <input
                type="radio"
                name={`${inputId}-action`}
                value={value}
                checked={action === value}
                onChange={() => {
                  setAction(value);
                  setFieldError(null);
                }}
                className="sr-only"
                data-testid={`bond-action-${value}`}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <Field
          label={action === "deposit" ? "Amount to deposit (USD)" : "Amount to withdraw (USD)"}
          htmlFor={inputId}
          error={fieldError}
          hint={
            action === "deposit"
              ? `Your wallet holds ${usd(balance)}.`
              : `Free: ${usd(free)}. It becomes withdrawable ${formatDuration(params.unbondingDelay)} after the request.`
          }
        >
          <div className="flex gap-2">
            <input
              id={inputId}
              className={inputClass}
              inputMode="decimal"
              autoComplete="off"
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? `${inputId}-error` : undefined}
              data-testid="bond-amount"
              disabled={tx.busy}
            />
            <Button
              variant="secondary"
              onClick={() => setText(formatTokenAmount(available).replace(/,/g, ""))}
              disabled={tx.busy || available === 0n}
              data-testid="bond-max"
            >
              Max
            </Button>
          </div>
        </Field>
        <div className="flex flex-wrap items-center gap-2">
          <Button type="submit" disabled={tx.busy} data-testid="bond-submit">
            {action === "deposit" ? "Deposit" : "Request withdrawal"}
          </Button>
          {bond.unbonding > 0n && (
            <Button
              variant="secondary"
              onClick={withdraw}
              disabled={tx.busy || waitSeconds > 0}
              data-testid="bond-withdraw"
            >
              Withdraw {usd(bond.unbonding)}
              {waitSeconds > 0 ? ` (in ${formatDuration(waitSeconds)})` : ""}
            </Button>
          )}
        </div>
      </form>
      <TxStatus state={tx.state} />
    </div>
  );
}

function TxStatus({ state }: { state: BondTxPhase }) {
  return (
    <div aria-live="polite" data-testid="bond-tx" data-phase={state.phase}>
      {state.phase === "wallet" && (
        <Spinner
          label={
            state.step === "approve"
              ? "Confirm the approval in your wallet (the market may then take the deposit)…"
              : "Confirm the transaction in your wallet…"
          }
        />
      )}
      {state.phase === "pending" && (
        <Spinner
          label={`Waiting for ${state.step === "approve" ? "the approval" : "the transaction"} ${shortHex(state.hash)} to be confirmed…`}
        />
      )}
      {state.phase === "confirmed" && (
        <p className="text-sm text-emerald-700 dark:text-emerald-400" data-testid="bond-tx-done">
          {state.fn === "depositBond"
            ? "Deposited ✓"
            : state.fn === "requestBondWithdrawal"
              ? "Withdrawal requested ✓ The amount is unbonding."
              : "Withdrawn ✓ The tokens are in your wallet."}
        </p>
      )}
      {state.phase === "error" && <ErrorNote testId="bond-error">{state.message}</ErrorNote>}
    </div>
  );
}

function Figure(props: { label: string; value: string; hint?: React.ReactNode; testId: string }) {
  return (
    <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{props.label}</dt>
      <dd className="mt-0.5 font-semibold tabular-nums break-words" data-testid={props.testId}>
        {props.value}
      </dd>
      {props.hint && <dd className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{props.hint}</dd>}
    </div>
  );
}
