"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ErrorNote, Field, inputClass } from "@/components/ui/field";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { fetchJson } from "@/lib/api/fetch-json";
import { formatCores, formatMebibytes } from "@/lib/market/format";
import {
  formatTokenAmount,
  type OrderResources,
  type ProviderPricing,
  parseTokenAmount,
  priceOrder,
} from "@/lib/market/price-order";
import type { MarketPrices } from "@/lib/provider/market-prices";
import type { BidSettings } from "@/lib/provider/provider-schemas";
import { FormFooter } from "./nav-buttons";
import type { WizardStepProps } from "./onboard-wizard.types";

// Pricing and bid settings, shared by the wizard's step 7 and the console: unit prices in tokens
// per hour, the strategy, auto-bid, and a live preview of sample orders priced by THE pricing rule
// (priceOrder) next to what other providers would ask and what recent orders were won at.

interface FormState {
  cpu: string;
  mem: string;
  storage: string;
  gpu: Record<string, string>;
  strategy: "floor" | "undercut";
  step: string;
  autoBid: boolean;
}

const DEFAULTS = { cpu: "0.015", mem: "0.004", storage: "0.0002", gpu: "0.90", step: "0.001" };

function toForm(s: BidSettings | null, models: string[]): FormState {
  const t = (v: string | undefined, fallback: string) => (v === undefined ? fallback : formatTokenAmount(v));
  return {
    cpu: t(s?.pricing.cpuCoreHour, DEFAULTS.cpu),
    mem: t(s?.pricing.memoryGibHour, DEFAULTS.mem),
    storage: t(s?.pricing.storageGibHour, DEFAULTS.storage),
    gpu: Object.fromEntries(models.map((m) => [m, t(s?.pricing.gpuHour[m], DEFAULTS.gpu)])),
    strategy: s?.bidStrategy ?? "undercut",
    step: t(s?.undercutStep, DEFAULTS.step),
    autoBid: s?.autoBid ?? true,
  };
}

function parse(form: FormState): { settings: BidSettings | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const units = (key: string, v: string) => {
    try {
      return parseTokenAmount(v.replace(",", ".")).toString();
    } catch (e) {
      errors[key] = `Enter an amount like 0.015 (${(e as Error).message})`;
      return "0";
    }
  };
  const pricing: ProviderPricing = {
    cpuCoreHour: units("cpu", form.cpu),
    memoryGibHour: units("mem", form.mem),
    storageGibHour: units("storage", form.storage),
    gpuHour: Object.fromEntries(Object.entries(form.gpu).map(([m, v]) => [m, units(`gpu:${m}`, v)])),
  };
  if (pricing.cpuCoreHour === "0" && !errors.cpu) errors.cpu = "CPU must have a price above zero.";
  const step = units("step", form.step);
  if (form.strategy === "undercut" && step === "0" && !errors.step)
    errors.step = "The step must be above zero.";
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  return {
    settings: { pricing, bidStrategy: form.strategy, undercutStep: step, autoBid: form.autoBid },
    errors,
  };
}

function samples(models: string[]): { label: string; r: OrderResources }[] {
  const out: { label: string; r: OrderResources }[] = [
    {
      label: "Small web app: 1 CPU, 2 GiB, 10 GiB disk",
      r: { cpuMillis: 1000, memoryMiB: 2048, storageMiB: 10240, gpuCount: 0, gpuModel: null },
    },
    {
      label: "API + worker: 4 CPU, 16 GiB, 50 GiB disk",
      r: { cpuMillis: 4000, memoryMiB: 16384, storageMiB: 51200, gpuCount: 0, gpuModel: null },
    },
  ];
  for (const m of models.slice(0, 2))
    out.push({
      label: `Inference: 8 CPU, 32 GiB, 1 × ${m}`,
      r: { cpuMillis: 8000, memoryMiB: 32768, storageMiB: 102400, gpuCount: 1, gpuModel: m },
    });
  return out;
}

function median(values: bigint[]): bigint | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return s[Math.floor(s.length / 2)] ?? null;
}

export function PricingForm(props: {
  models: string[];
  initial: BidSettings | null;
  submitLabel: string;
  onSubmit: (s: BidSettings) => Promise<void>;
  onBack?: () => void;
  testIdPrefix?: string;
}) {
  const [form, setForm] = useState<FormState>(() => toForm(props.initial, props.models));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const market = useQuery({
    queryKey: ["market-prices"],
    queryFn: () => fetchJson<MarketPrices>("/api/provider/market-prices"),
  });
  const live = useMemo(() => parse(form), [form]);
  const p = props.testIdPrefix ?? "pricing";

  const preview = useMemo(() => {
    const pricing = live.settings?.pricing;
    return samples(props.models).map(({ label, r }) => {
      const mine = pricing ? priceOrder(pricing, r) : null;
      const others = (market.data?.providers ?? [])
        .map((o) => priceOrder(o.pricing, r))
        .flatMap((x) => (x.ok ? [x.pricePerHour] : []));
      return { label, mine, median: median(others), count: others.length };
    });
  }, [live.settings, props.models, market.data]);

  const set = (patch: Partial<FormState>) => {
    setSaved(false);
    setForm({ ...form, ...patch });
  };
  const priceField = (key: "cpu" | "mem" | "storage", label: string) => (
    <Field label={label} htmlFor={`${p}-${key}`} error={errors[key]}>
      <input
        id={`${p}-${key}`}
        data-testid={`${p}-${key}`}
        inputMode="decimal"
        className={inputClass}
        value={form[key]}
        onChange={(e) => set({ [key]: e.target.value })}
      />
    </Field>
  );

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const r = parse(form);
    setErrors(r.errors);
    if (!r.settings) return;
    setBusy(true);
    setSubmitError(null);
    try {
      await props.onSubmit(r.settings);
      setSaved(true);
    } catch (err) {
      setSubmitError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      <fieldset>
        <legend className="mb-3 text-sm font-semibold">Your prices (tokens per hour)</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          {priceField("cpu", "Per CPU core-hour")}
          {priceField("mem", "Per GiB memory-hour")}
          {priceField("storage", "Per GiB storage-hour")}
          {props.models.map((m) => (
            <Field key={m} label={`Per GPU-hour: ${m}`} htmlFor={`${p}-gpu-${m}`} error={errors[`gpu:${m}`]}>
              <input
                id={`${p}-gpu-${m}`}
                inputMode="decimal"
                className={inputClass}
                value={form.gpu[m] ?? ""}
                onChange={(e) => set({ gpu: { ...form.gpu, [m]: e.target.value } })}
              />
            </Field>
          ))}
        </div>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="mb-1 text-sm font-semibold">How the bid engine bids for you</legend>
        <label className="flex items-start gap-3 text-sm">
          <input
            type="radio"
            name={`${p}-strategy`}
            checked={form.strategy === "floor"}
            onChange={() => set({ strategy: "floor" })}
            data-testid={`${p}-strategy-floor`}
            className="mt-1 accent-brand-600"
          />
          <span>
            <strong>Bid my price.</strong> Bid exactly what your prices say, once per order.
          </span>
        </label>
        <label className="flex items-start gap-3 text-sm">
          <input
            type="radio"
            name={`${p}-strategy`}
            checked={form.strategy === "undercut"}
            onChange={() => set({ strategy: "undercut" })}
            data-testid={`${p}-strategy-undercut`}
            className="mt-1 accent-brand-600"
          />
          <span>
            <strong>Undercut.</strong> Start at the order's max price and, when outbid, go below the best bid
            by a step — never below your price.
          </span>
        </label>
        {form.strategy === "undercut" && (
          <div className="max-w-xs pl-7">
            <Field label="Step (tokens per hour)" htmlFor={`${p}-step`} error={errors.step}>
              <input
                id={`${p}-step`}
                inputMode="decimal"
                className={inputClass}
                value={form.step}
                onChange={(e) => set({ step: e.target.value })}
              />
            </Field>
          </div>
        )}
        <label className="flex items-center gap-3 text-sm">
          <input
            type="checkbox"
            checked={form.autoBid}
            onChange={(e) => set({ autoBid: e.target.checked })}
            data-testid={`${p}-autobid`}
            className="accent-brand-600"
          />
          <span>
            <strong>Auto-bid</strong> on matching orders (turn off to pause bidding; running leases are
            unaffected).
          </span>
        </label>
      </fieldset>

      <div>
        <h3 className="mb-2 text-sm font-semibold">Preview</h3>
        <Table label="Price preview" testId={`${p}-preview`} dense>
          <THead>
            <Th>Sample order</Th>
            <Th>You (per hour)</Th>
            <Th>Other providers (median)</Th>
          </THead>
          <TBody>
            {preview.map((row) => (
              <tr key={row.label}>
                <td>{row.label}</td>
                <td className="tabular-nums">
                  {row.mine
                    ? row.mine.ok
                      ? formatTokenAmount(row.mine.pricePerHour)
                      : row.mine.reason
                    : "—"}
                </td>
                <td className="tabular-nums">
                  {row.median !== null ? (
                    <>
                      {formatTokenAmount(row.median)}{" "}
                      {row.mine?.ok && (
                        <span
                          className={
                            row.mine.pricePerHour <= row.median
                              ? "text-emerald-700 dark:text-emerald-400"
                              : "text-amber-700 dark:text-amber-400"
                          }
                        >
                          ({row.mine.pricePerHour <= row.median ? "you are cheaper" : "you are dearer"})
                        </span>
                      )}
                    </>
                  ) : (
                    <span className="text-zinc-600 dark:text-zinc-400">no comparable provider</span>
                  )}
                </td>
              </tr>
            ))}
          </TBody>
        </Table>
        {market.data && market.data.recentWins.length > 0 && (
          <div className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
            <p className="mb-1 font-medium">Recently won orders</p>
            <ul className="space-y-0.5">
              {market.data.recentWins.slice(0, 5).map((w) => {
                const mine = live.settings ? priceOrder(live.settings.pricing, w.resources) : null;
                return (
                  <li key={w.orderId}>
                    #{w.orderId}: {formatCores(w.resources.cpuMillis)},{" "}
                    {formatMebibytes(w.resources.memoryMiB)}
                    {w.resources.gpuCount
                      ? `, ${w.resources.gpuCount} × ${w.resources.gpuModel ?? "GPU"}`
                      : ""}{" "}
                    won at {formatTokenAmount(w.pricePerHour)}/h
                    {mine?.ok && ` — you would ask ${formatTokenAmount(mine.pricePerHour)}`}
                  </li>
                );
              })}
            </ul>
          </div>
        )}
      </div>

      {submitError && <ErrorNote>{submitError}</ErrorNote>}
      <FormFooter
        onBack={props.onBack}
        saved={saved}
        busy={busy}
        busyLabel="Saving…"
        submitLabel={props.submitLabel}
        saveTestId={`${p}-save`}
      />
    </form>
  );
}

export function PricingStep(
  props: WizardStepProps & {
    onNext: (s: BidSettings) => Promise<void>;
  },
) {
  const models = Object.keys(props.draft.probe?.inventory?.allocatable.gpus ?? {}).filter(
    (m) => m !== "unknown",
  );
  return (
    <PricingForm
      models={models}
      initial={props.draft.settings}
      submitLabel="Next"
      onSubmit={props.onNext}
      onBack={props.onBack}
    />
  );
}
