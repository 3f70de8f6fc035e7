"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useAccount } from "wagmi";
import { ManifestEditor } from "@/components/deploy/manifest-editor";
import { ScreeningTable } from "@/components/deploy/screening-table";
import { type SubmitMode, useSubmitOrder } from "@/components/deploy/use-submit-order";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, Field, inputClass } from "@/components/ui/field";
import { Stepper } from "@/components/ui/stepper";
import { fetchJson } from "@/lib/api/fetch-json";
import { buildOrder } from "@/lib/market/build-order";
import { formatCores, formatDuration, formatMebibytes, shortHex } from "@/lib/market/format";
import { type Manifest, manifestSchema, manifestTotals } from "@/lib/market/manifest";
import { formatTokenAmount, parseTokenAmount } from "@/lib/market/price-order";
import { type ProviderOffer, screenOrder } from "@/lib/market/screen-order";
import { type DeployTemplate, deployTemplates } from "@/lib/market/templates";

// The deploy page: a template, the manifest (form or YAML/JSON, one schema, inline errors), the
// terms (duration, bid window, max price, deposit, region), screening of every provider against
// them, then approve → sign → submit → confirmed, and on to the auction.

type Offers = { offers: ProviderOffer[]; recentPrices: { pricePerHour: string; cpuMillis: number }[] };

interface Issue {
  path: string;
  message: string;
}

function validate(draft: unknown): { manifest: Manifest | null; issues: Issue[] } {
  const result = manifestSchema.safeParse(draft);
  if (result.success) return { manifest: result.data, issues: [] };
  return {
    manifest: null,
    issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  };
}

function setPath(draft: unknown, path: (string | number)[], value: unknown): Record<string, unknown> {
  const root = structuredClone((draft ?? {}) as Record<string, unknown>);
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key as string];
    if (typeof next !== "object" || next === null) node[key as string] = {};
    node = node[key as string] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

function num(value: string): number | string {
  return value.trim() === "" || Number.isNaN(Number(value)) ? value : Number(value);
}

function tokenOrNull(text: string): bigint | null {
  try {
    return parseTokenAmount(text);
  } catch {
    return null;
  }
}

export function DeployForm(props: { initialOffers: Offers }) {
  const router = useRouter();
  const { status } = useAccount();
  const offersQuery = useQuery({
    queryKey: ["offers"],
    queryFn: () => fetchJson<Offers>("/api/market/offers"),
    initialData: props.initialOffers,
    refetchInterval: 15_000,
  });
  const offers = offersQuery.data;

  const [template, setTemplate] = useState<DeployTemplate["id"]>("web");
  const [draft, setDraft] = useState<unknown>(() => structuredClone(deployTemplates[0]?.manifest));
  const [view, setView] = useState<"form" | "yaml" | "json">("form");
  const [durationHours, setDurationHours] = useState("1");
  const [bidWindow, setBidWindow] = useState("20");
  const [region, setRegion] = useState("");
  const [maxPriceText, setMaxPriceText] = useState<string | null>(null);
  const [depositText, setDepositText] = useState<string | null>(null);
  const [mode, setMode] = useState<SubmitMode>("wallet");
  const submitter = useSubmitOrder();

  const { manifest, issues } = useMemo(() => validate(draft), [draft]);
  const issueAt = (path: string) => issues.find((i) => i.path === path)?.message ?? null;
  const totals = manifest ? manifestTotals(manifest) : null;

  const regions = useMemo(
    () =>
      [
        ...new Set(
          offers.offers.flatMap((o) =>
            o.clusters.map((c) => c.region ?? o.region).filter((r): r is string => Boolean(r)),
          ),
        ),
      ].sort(),
    [offers],
  );
  const gpuModels = useMemo(
    () =>
      [
        ...new Set(
          offers.offers.flatMap((o) =>
            o.clusters.flatMap((c) => c.nodes.map((n) => n.gpuModel).filter((m): m is string => Boolean(m))),
          ),
        ),
      ].sort(),
    [offers],
  );

  // Screening without a price cap first: it gives the rates, from which the suggested max price comes.
  const screeningInput = useMemo(
    () =>
      manifest
        ? {
            resources: manifestTotals(manifest),
            perReplica: {
              cpuMillis: manifest.resources.cpu,
              memoryMiB: manifest.resources.memory,
              gpuCount: manifest.resources.gpu.count,
            },
            region: region || null,
          }
        : null,
    [manifest, region],
  );
  const uncapped = useMemo(
    () => (screeningInput ? screenOrder(offers.offers, { ...screeningInput, maxPricePerHour: null }) : []),
    [offers, screeningInput],
  );
  const rates = uncapped
    .filter((r) => r.eligible && r.pricePerHour !== null)
    .map((r) => r.pricePerHour as bigint)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const cheapest = rates[0] ?? null;
  const highest = rates.at(-1) ?? null;
  const recentPerCore = (() => {
    const per = offers.recentPrices
      .filter((p) => p.cpuMillis > 0)
      .map((p) => (BigInt(p.pricePerHour) * 1000n) / BigInt(p.cpuMillis));
    if (!per.length || !totals) return null;
    per.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return ((per[Math.floor(per.length / 2)] as bigint) * BigInt(totals.cpuMillis)) / 1000n;
  })();
  // Suggested cap: every provider that fits can bid (its own rate), plus 10 % headroom.
  const suggestedMax =
    highest !== null ? highest + highest / 10n + 1n : recentPerCore !== null ? recentPerCore * 2n : 100_000n;
  const maxPrice = maxPriceText === null ? suggestedMax : tokenOrNull(maxPriceText);
  const hours = Number(durationHours);
  const durationSeconds = Number.isFinite(hours) && hours > 0 ? Math.round(hours * 3600) : 0;
  const suggestedDeposit = maxPrice !== null ? (maxPrice * BigInt(durationSeconds) + 3599n) / 3600n : null;
  const deposit = depositText === null ? suggestedDeposit : tokenOrNull(depositText);
  const bidWindowSeconds = Number(bidWindow);

  const screening = useMemo(
    () =>
      screeningInput ? screenOrder(offers.offers, { ...screeningInput, maxPricePerHour: maxPrice }) : [],
    [offers, screeningInput, maxPrice],
  );
  const eligible = screening.filter((s) => s.eligible).length;

  const termErrors = {
    duration: durationSeconds <= 0 ? "a positive number of hours" : null,
    bidWindow:
      !Number.isInteger(bidWindowSeconds) || bidWindowSeconds < 5 || bidWindowSeconds > 30 * 86400
        ? "5 seconds to 30 days"
        : null,
    maxPrice: maxPrice === null || maxPrice <= 0n ? "a token amount above 0" : null,
    deposit:
      deposit === null || deposit <= 0n
        ? "a token amount above 0"
        : maxPrice !== null && deposit * 3600n < maxPrice * 60n
          ? "less than one minute at your max price"
          : null,
  };
  const termsValid = Object.values(termErrors).every((e) => e === null);
  const coveredSeconds = deposit !== null && maxPrice ? Number((deposit * 3600n) / maxPrice) : 0;

  const chooseTemplate = (t: DeployTemplate) => {
    setTemplate(t.id);
    setDraft(structuredClone(t.manifest));
    setDurationHours(String(t.durationSeconds / 3600));
    setBidWindow(String(t.bidWindowSeconds));
    setMaxPriceText(null);
    setDepositText(null);
  };

  const onSubmit = async () => {
    if (!manifest || !termsValid || maxPrice === null || deposit === null || !submitter.address) return;
    const built = buildOrder({
      tenant: submitter.address,
      manifest,
      maxPricePerHour: maxPrice,
      deposit,
      durationSeconds,
      bidWindowSeconds,
      region: region || null,
    });
    const id = await submitter.submit({ order: built.order, manifest: built.manifest, mode });
    if (id) router.push(`/orders/${id}`);
  };

  const m = (draft ?? {}) as Record<string, unknown>;
  const res = (m.resources ?? {}) as Record<string, unknown>;
  const gpu = (res.gpu ?? {}) as Record<string, unknown>;
  const ports = Array.isArray(m.ports) ? (m.ports as { port?: unknown }[]) : [];
  const env = Array.isArray(m.env) ? (m.env as { name?: unknown; value?: unknown }[]) : [];
  const command = Array.isArray(m.command) ? (m.command as string[]) : [];
  const specHash = manifest
    ? buildOrder({
        tenant: "0x0000000000000000000000000000000000000000",
        manifest,
        maxPricePerHour: 1n,
        deposit: 1n,
        durationSeconds: 1,
        bidWindowSeconds: 1,
        nonce: 0n,
        deadline: 0n,
      }).specHash
    : null;

  return (
    <div className="space-y-6">
      <Card title="1. Start from a template">
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
          {deployTemplates.map((t) => (
            <button
              key={t.id}
              type="button"
              aria-pressed={template === t.id}
              data-testid={`template-${t.id}`}
              onClick={() => chooseTemplate(t)}
              className={`rounded-lg border p-3 text-left text-sm transition-colors ${
                template === t.id
                  ? "border-brand-600 bg-brand-50 dark:bg-brand-600/10"
                  : "border-zinc-200 hover:border-zinc-400 dark:border-zinc-800 dark:hover:border-zinc-600"
              }`}
            >
              <span className="block font-medium">{t.title}</span>
              <span className="mt-1 block text-xs text-zinc-500">{t.description}</span>
            </button>
          ))}
        </div>
      </Card>

      <div className="grid gap-6 lg:grid-cols-5">
        <Card
          className="lg:col-span-3"
          title="2. Workload"
          actions={
            <div
              className="flex rounded-md border border-zinc-200 p-0.5 text-xs dark:border-zinc-700"
              role="tablist"
            >
              {(["form", "yaml", "json"] as const).map((v) => (
                <button
                  key={v}
                  type="button"
                  role="tab"
                  aria-selected={view === v}
                  data-testid={`view-${v}`}
                  onClick={() => setView(v)}
                  className={`rounded px-2.5 py-1 ${view === v ? "bg-zinc-200 font-medium dark:bg-zinc-700" : "text-zinc-500"}`}
                >
                  {v === "form" ? "Form" : v.toUpperCase()}
                </button>
              ))}
            </div>
          }
        >
          {view === "form" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Name" error={issueAt("name")} htmlFor="m-name">
                <input
                  id="m-name"
                  data-testid="field-name"
                  className={inputClass}
                  value={String(m.name ?? "")}
                  onChange={(e) => setDraft(setPath(draft, ["name"], e.target.value))}
                />
              </Field>
              <Field label="Image" error={issueAt("image")} htmlFor="m-image">
                <input
                  id="m-image"
                  data-testid="field-image"
                  className={inputClass}
                  value={String(m.image ?? "")}
                  onChange={(e) => setDraft(setPath(draft, ["image"], e.target.value))}
                />
              </Field>
              <Field label="CPU per replica (millicores)" error={issueAt("resources.cpu")} htmlFor="m-cpu">
                <input
                  id="m-cpu"
                  data-testid="field-cpu"
                  inputMode="numeric"
                  className={inputClass}
                  value={String(res.cpu ?? "")}
                  onChange={(e) => setDraft(setPath(draft, ["resources", "cpu"], num(e.target.value)))}
                />
              </Field>
              <Field label="Memory per replica (MiB)" error={issueAt("resources.memory")} htmlFor="m-mem">
                <input
                  id="m-mem"
                  data-testid="field-memory"
                  inputMode="numeric"
                  className={inputClass}
                  value={String(res.memory ?? "")}
                  onChange={(e) => setDraft(setPath(draft, ["resources", "memory"], num(e.target.value)))}
                />
              </Field>
              <Field label="Ephemeral storage (MiB)" error={issueAt("resources.storage")} htmlFor="m-storage">
                <input
                  id="m-storage"
                  className={inputClass}
                  inputMode="numeric"
                  value={String(res.storage ?? "")}
                  onChange={(e) => setDraft(setPath(draft, ["resources", "storage"], num(e.target.value)))}
                />
              </Field>
              <Field label="Replicas" error={issueAt("replicas")} htmlFor="m-replicas">
                <input
                  id="m-replicas"
                  className={inputClass}
                  inputMode="numeric"
                  value={String(m.replicas ?? 1)}
                  onChange={(e) => setDraft(setPath(draft, ["replicas"], num(e.target.value)))}
                />
              </Field>
              <Field
                label="GPUs per replica"
                error={issueAt("resources.gpu.count") ?? issueAt("resources.gpu")}
                htmlFor="m-gpu"
              >
                <input
                  id="m-gpu"
                  className={inputClass}
                  inputMode="numeric"
                  value={String(gpu.count ?? 0)}
                  onChange={(e) =>
                    setDraft(setPath(draft, ["resources", "gpu", "count"], num(e.target.value)))
                  }
                />
              </Field>
              <Field
                label="GPU model"
                error={issueAt("resources.gpu.model")}
                htmlFor="m-gpu-model"
                hint="Required attribute when set"
              >
                <select
                  id="m-gpu-model"
                  className={inputClass}
                  value={String(gpu.model ?? "")}
                  onChange={(e) =>
                    setDraft(setPath(draft, ["resources", "gpu", "model"], e.target.value || undefined))
                  }
                >
                  <option value="">any model</option>
                  {gpuModels.map((g) => (
                    <option key={g} value={g}>
                      {g}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                label="Ports (comma separated)"
                error={issues.find((i) => i.path.startsWith("ports"))?.message ?? null}
                htmlFor="m-ports"
              >
                <input
                  id="m-ports"
                  className={inputClass}
                  value={ports.map((p) => String(p.port ?? "")).join(", ")}
                  onChange={(e) => {
                    const list = e.target.value
                      .split(",")
                      .map((s) => s.trim())
                      .filter(Boolean)
                      .map((s) => ({ port: num(s) }));
                    setDraft(setPath(draft, ["ports"], list.length ? list : undefined));
                  }}
                />
              </Field>
              <Field
                label="Command (one argument per line)"
                error={issues.find((i) => i.path.startsWith("command"))?.message ?? null}
                htmlFor="m-cmd"
              >
                <textarea
                  id="m-cmd"
                  rows={2}
                  className={`${inputClass} font-mono text-xs`}
                  value={command.join("\n")}
                  onChange={(e) => {
                    const list = e.target.value.split("\n").filter((l) => l.length > 0);
                    setDraft(setPath(draft, ["command"], list.length ? list : undefined));
                  }}
                />
              </Field>
              <div className="sm:col-span-2">
                <Field
                  label="Environment (NAME=value per line)"
                  error={issues.find((i) => i.path.startsWith("env"))?.message ?? null}
                  htmlFor="m-env"
                >
                  <textarea
                    id="m-env"
                    rows={2}
                    className={`${inputClass} font-mono text-xs`}
                    value={env.map((v) => `${String(v.name ?? "")}=${String(v.value ?? "")}`).join("\n")}
                    onChange={(e) => {
                      const list = e.target.value
                        .split("\n")
                        .filter((l) => l.length > 0)
                        .map((l) => {
                          const at = l.indexOf("=");
                          return at < 0
                            ? { name: l, value: "" }
                            : { name: l.slice(0, at), value: l.slice(at + 1) };
                        });
                      setDraft(setPath(draft, ["env"], list.length ? list : undefined));
                    }}
                  />
                </Field>
              </div>
            </div>
          ) : (
            <ManifestEditor draft={draft} format={view} onChange={setDraft} issues={issues} />
          )}
          <div className="mt-4 flex flex-wrap items-center gap-2 text-xs text-zinc-500">
            {manifest ? (
              <Badge tone="green">valid manifest</Badge>
            ) : (
              <Badge tone="red">{issues.length} problem(s)</Badge>
            )}
            {totals && (
              <span>
                Needs {formatCores(totals.cpuMillis)}, {formatMebibytes(totals.memoryMiB)} memory
                {totals.gpuCount > 0 ? `, ${totals.gpuCount} GPU` : ""} in total
              </span>
            )}
            {specHash && (
              <span className="font-mono" title={specHash}>
                spec {shortHex(specHash, 6)}
              </span>
            )}
          </div>
        </Card>

        <Card className="lg:col-span-2" title="3. Terms">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Duration (hours)" error={termErrors.duration} htmlFor="t-duration">
              <input
                id="t-duration"
                data-testid="field-duration"
                className={inputClass}
                value={durationHours}
                onChange={(e) => setDurationHours(e.target.value)}
              />
            </Field>
            <Field label="Bid window (seconds)" error={termErrors.bidWindow} htmlFor="t-window">
              <input
                id="t-window"
                data-testid="field-bid-window"
                className={inputClass}
                value={bidWindow}
                onChange={(e) => setBidWindow(e.target.value)}
              />
            </Field>
            <Field label="Region" htmlFor="t-region" hint="Required attribute when set">
              <select
                id="t-region"
                data-testid="field-region"
                className={inputClass}
                value={region}
                onChange={(e) => setRegion(e.target.value)}
              >
                <option value="">any region</option>
                {regions.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label="Max price per hour (USD)"
              error={termErrors.maxPrice}
              htmlFor="t-max"
              hint={
                cheapest !== null ? (
                  <>
                    Providers' rates {formatTokenAmount(cheapest)}–{formatTokenAmount(highest ?? cheapest)}
                    {recentPerCore !== null && <> · recent wins ≈ {formatTokenAmount(recentPerCore)}</>}
                  </>
                ) : recentPerCore !== null ? (
                  <>Recent wins ≈ {formatTokenAmount(recentPerCore)}</>
                ) : undefined
              }
            >
              <input
                id="t-max"
                data-testid="field-max-price"
                className={inputClass}
                value={maxPriceText ?? formatTokenAmount(suggestedMax).replaceAll(",", "")}
                onChange={(e) => setMaxPriceText(e.target.value)}
              />
            </Field>
            <Field
              label="Deposit (USD)"
              error={termErrors.deposit}
              htmlFor="t-deposit"
              hint={
                deposit !== null && maxPrice
                  ? `covers ≥ ${formatDuration(coveredSeconds)} at your max price`
                  : undefined
              }
            >
              <input
                id="t-deposit"
                data-testid="field-deposit"
                className={inputClass}
                value={
                  depositText ??
                  (suggestedDeposit !== null ? formatTokenAmount(suggestedDeposit).replaceAll(",", "") : "")
                }
                onChange={(e) => setDepositText(e.target.value)}
              />
            </Field>
            <Field
              label="Submission"
              htmlFor="t-mode"
              hint={
                mode === "relay"
                  ? "Sign a permit and the order; the server pays the gas."
                  : "Approve and send createOrder from your wallet."
              }
            >
              <select
                id="t-mode"
                data-testid="field-mode"
                className={inputClass}
                value={mode}
                onChange={(e) => setMode(e.target.value as SubmitMode)}
              >
                <option value="wallet">From my wallet</option>
                <option value="relay">Relayed (gasless, permit)</option>
              </select>
            </Field>
          </div>
          {cheapest !== null && (
            <p className="mt-4 rounded-md bg-zinc-50 p-3 text-sm dark:bg-zinc-950" data-testid="estimate">
              Estimate: <strong className="tabular-nums">{formatTokenAmount(cheapest)} USD/h</strong> from the
              cheapest provider that fits, ≈ {formatTokenAmount((cheapest * BigInt(durationSeconds)) / 3600n)}{" "}
              USD for {formatDuration(durationSeconds)}. The auction can only go lower.
            </p>
          )}
        </Card>
      </div>

      <Card
        title={
          <span>
            4. Who could take this order{" "}
            <Badge tone={eligible > 0 ? "green" : "red"} testId="screening-count">
              {eligible} of {screening.length} providers
            </Badge>
          </span>
        }
        testId="screening"
      >
        <ScreeningTable results={screening} />
      </Card>

      <Card title="5. Review, sign and submit" testId="review">
        {manifest && totals && maxPrice !== null && deposit !== null ? (
          <dl className="mb-5 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-3" data-testid="order-summary">
            <Summary label="Workload">
              {manifest.name} · <code className="font-mono text-xs">{manifest.image}</code> ×{" "}
              {manifest.replicas}
            </Summary>
            <Summary label="Resources">
              {formatCores(totals.cpuMillis)} · {formatMebibytes(totals.memoryMiB)}
              {totals.gpuCount > 0 ? ` · ${totals.gpuCount}× ${totals.gpuModel ?? "GPU"}` : ""}
            </Summary>
            <Summary label="Requirements">
              {[region && `region ${region}`, totals.gpuModel && `GPU ${totals.gpuModel}`]
                .filter(Boolean)
                .join(", ") || "none"}
            </Summary>
            <Summary label="You pay at most">{formatTokenAmount(maxPrice)} USD per hour</Summary>
            <Summary label="Deposit (escrow)">
              {formatTokenAmount(deposit)} USD, unspent part refunded
            </Summary>
            <Summary label="Duration · bid window">
              {formatDuration(durationSeconds)} · {formatDuration(bidWindowSeconds || 0)}
            </Summary>
          </dl>
        ) : (
          <p className="mb-5 text-sm text-zinc-500">Fix the problems above to review the order.</p>
        )}
        <Stepper
          testId="deploy-stepper"
          steps={[
            {
              id: "approve",
              label: mode === "relay" ? "Permit" : "Approve deposit",
              ...submitter.steps.approve,
            },
            { id: "sign", label: "Sign order", ...submitter.steps.sign },
            { id: "submit", label: mode === "relay" ? "Relay" : "Submit", ...submitter.steps.submit },
            { id: "confirmed", label: "Confirmed", ...submitter.steps.confirmed },
          ]}
        />
        {submitter.error && (
          <div className="mt-4">
            <ErrorNote testId="deploy-error">{submitter.error}</ErrorNote>
          </div>
        )}
        <div className="mt-5 flex flex-wrap items-center gap-3">
          <Button
            data-testid="deploy-submit"
            disabled={!manifest || !termsValid || submitter.busy || status !== "connected"}
            onClick={onSubmit}
          >
            {submitter.busy ? "Working…" : "Sign and submit order"}
          </Button>
          {status !== "connected" && (
            <span className="text-sm text-zinc-500">Connect your wallet to sign the order.</span>
          )}
          {eligible === 0 && manifest && (
            <span className="text-sm text-amber-600">No provider can take this order as it stands.</span>
          )}
        </div>
      </Card>
    </div>
  );
}

function Summary(props: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-zinc-500">{props.label}</dt>
      <dd className="mt-0.5">{props.children}</dd>
    </div>
  );
}
