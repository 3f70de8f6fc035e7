"use client";

import { useEffect, useState } from "react";
import { useReadContract } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, inputClass, TextField } from "@/components/ui/field";
import { Stepper } from "@/components/ui/stepper";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { validateAutoTopUp } from "@/lib/lease/validate-auto-top-up";
import { formatDuration } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";
import { useSaveAutoTopUp } from "./use-save-auto-top-up";

// The tenant's auto top-up rule for one lease: when the runway falls below the threshold, the keeper adds
// the amount from the tenant's allowance to the market, until the auto top-ups reach the cap. The rule,
// what it used and the allowance are read from the chain (the contract is the truth the keeper acts on);
// the form is checked inline (validateAutoTopUp) before any wallet prompt.

/** An allowance this large is someone's "unlimited" approval (type(uint256).max or close to it). */
const UNLIMITED = 1n << 255n;

export function AutoTopUpPanel(props: { leaseId: string; onChange: () => void }) {
  const config = usePublicConfig();
  const leaseId = BigInt(props.leaseId);
  const saver = useSaveAutoTopUp(leaseId);
  const rule = useReadContract({
    address: config.marketAddress ?? undefined,
    abi: computeMarketAbi,
    functionName: "getAutoTopUp",
    args: [leaseId],
    query: { enabled: Boolean(config.marketAddress), refetchInterval: 5_000 },
  });
  const allowance = useReadContract({
    address: config.tokenAddress ?? undefined,
    abi: mockStablecoinAbi,
    functionName: "allowance",
    args: saver.address && config.marketAddress ? [saver.address, config.marketAddress] : undefined,
    // Polled like the rule: each auto top-up draws on it, with nobody on the page doing anything.
    query: {
      enabled: Boolean(config.tokenAddress && config.marketAddress && saver.address),
      refetchInterval: 5_000,
    },
  });

  const current = rule.data?.[0];
  const used = rule.data?.[1] ?? 0n;
  const hasRule = Boolean(current && current.amountPerTopUp > 0n);
  const [draft, setDraft] = useState({ amount: "", cap: "", hours: "", minutes: "" });
  const [touched, setTouched] = useState(false);
  // The form starts from the rule on chain once it is read (or a suggestion when there is none).
  useEffect(() => {
    if (!rule.data || touched) return;
    const [r] = rule.data;
    setDraft(
      r.amountPerTopUp > 0n
        ? {
            amount: formatTokenAmount(r.amountPerTopUp).replace(/,/g, ""),
            cap: formatTokenAmount(r.totalCap).replace(/,/g, ""),
            hours: String(Math.floor(r.minRunwaySeconds / 3600)),
            minutes: String(Math.floor((r.minRunwaySeconds % 3600) / 60)),
          }
        : { amount: "10", cap: "50", hours: "6", minutes: "0" },
    );
  }, [rule.data, touched]);

  const check = validateAutoTopUp(draft, { used });
  const errors = check.ok ? {} : check.errors;
  const edit = (field: keyof typeof draft) => (value: string) => {
    setTouched(true);
    setDraft((d) => ({ ...d, [field]: value }));
  };
  const refresh = () => {
    void rule.refetch();
    void allowance.refetch();
    props.onChange();
  };
  const save = async () => {
    if (!check.ok) return;
    const draw = check.rule.totalCap - used;
    if (await saver.save({ ...check.rule, draw })) {
      setTouched(false);
      refresh();
    }
  };
  const clear = async () => {
    if (await saver.save({ amountPerTopUp: 0n, totalCap: 0n, minRunwaySeconds: 0, draw: 0n })) {
      setTouched(false);
      refresh();
    }
  };

  const allowanceValue = allowance.data;
  // The rule has room for another top-up, but the allowance cannot pay for it.
  const short =
    current !== undefined &&
    hasRule &&
    used + current.amountPerTopUp <= current.totalCap &&
    allowanceValue !== undefined &&
    allowanceValue < current.amountPerTopUp;
  const capReached = current !== undefined && hasRule && used + current.amountPerTopUp > current.totalCap;
  return (
    <Card title="Auto top-up" testId="auto-top-up">
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <div className="col-span-2">
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Rule</dt>
          <dd data-testid="auto-top-up-rule">
            {!rule.data
              ? "…"
              : hasRule && current
                ? `Adds ${formatTokenAmount(current.amountPerTopUp)} USD when the runway is below ${formatDuration(current.minRunwaySeconds)}`
                : "None: the escrow is only topped up by hand."}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Used · cap</dt>
          <dd className="tabular-nums" data-testid="auto-top-up-used">
            {formatTokenAmount(used)} · {hasRule && current ? formatTokenAmount(current.totalCap) : "—"} USD
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            Allowance to the market
          </dt>
          <dd className="tabular-nums" data-testid="auto-top-up-allowance">
            {allowanceValue === undefined
              ? "—"
              : allowanceValue >= UNLIMITED
                ? "unlimited"
                : `${formatTokenAmount(allowanceValue)} USD`}
          </dd>
        </div>
      </dl>
      {capReached && (
        <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400" data-testid="auto-top-up-cap-reached">
          The cap is reached: raise it to let the keeper top up again.
        </p>
      )}
      {short && (
        <p className="mt-3 text-xs text-amber-700 dark:text-amber-400" data-testid="auto-top-up-short">
          The allowance is below one top-up: the keeper cannot add anything until you save the rule again
          (which approves what it needs).
        </p>
      )}

      <div className="mt-4 space-y-3 border-t border-zinc-100 pt-4 dark:border-zinc-800">
        <div className="grid grid-cols-2 gap-3">
          <TextField
            id="auto-top-up-amount"
            label="Amount per top-up (USD)"
            inputMode="decimal"
            error={errors.amount}
            value={draft.amount}
            onChange={edit("amount")}
          />
          <TextField
            id="auto-top-up-cap"
            label="Total cap (USD)"
            inputMode="decimal"
            error={errors.cap}
            value={draft.cap}
            onChange={edit("cap")}
          />
        </div>
        <fieldset className="space-y-1">
          <legend className="block text-sm font-medium">Top up when the runway is below</legend>
          <div className="flex items-center gap-2 text-sm">
            <input
              aria-label="Runway threshold, hours"
              data-testid="auto-top-up-hours"
              inputMode="numeric"
              className={`${inputClass.replace("w-full ", "")} w-20`}
              aria-invalid={Boolean(errors.threshold)}
              aria-describedby={errors.threshold ? "auto-top-up-threshold-error" : undefined}
              value={draft.hours}
              onChange={(e) => edit("hours")(e.target.value)}
            />
            h
            <input
              aria-label="Runway threshold, minutes"
              data-testid="auto-top-up-minutes"
              inputMode="numeric"
              className={`${inputClass.replace("w-full ", "")} w-20`}
              aria-invalid={Boolean(errors.threshold)}
              aria-describedby={errors.threshold ? "auto-top-up-threshold-error" : undefined}
              value={draft.minutes}
              onChange={(e) => edit("minutes")(e.target.value)}
            />
            min
          </div>
          {errors.threshold && (
            <p
              id="auto-top-up-threshold-error"
              role="alert"
              className="text-xs text-red-600 dark:text-red-400"
              data-testid="auto-top-up-threshold-error"
            >
              {errors.threshold}
            </p>
          )}
        </fieldset>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Saving approves the market to draw up to the cap minus what auto top-ups already used (if your
          allowance is lower); that allowance is shared with manual top-ups and your other leases' rules.
        </p>
        <div className="flex flex-wrap items-center gap-2">
          <Button data-testid="auto-top-up-save" disabled={saver.busy || !check.ok} onClick={save}>
            {hasRule ? "Save rule" : "Turn on"}
          </Button>
          {hasRule && (
            <Button variant="secondary" data-testid="auto-top-up-clear" disabled={saver.busy} onClick={clear}>
              Clear
            </Button>
          )}
        </div>
        {(saver.busy || saver.error || saver.steps.confirmed.state === "done") && (
          <Stepper
            testId="auto-top-up-stepper"
            steps={[
              { id: "approve", label: "Approve allowance", ...saver.steps.approve },
              { id: "set", label: "Set rule", ...saver.steps.set },
              { id: "confirmed", label: "Confirmed", ...saver.steps.confirmed },
            ]}
          />
        )}
        {saver.error && <ErrorNote testId="auto-top-up-error">{saver.error}</ErrorNote>}
      </div>
    </Card>
  );
}
