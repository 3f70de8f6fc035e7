"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, Field, inputClass } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { useSession } from "@/components/wallet/use-session";
import { ApiError, fetchJson } from "@/lib/api/fetch-json";
import type { ProbeCheck } from "@/lib/k8s/probe-cluster";
import { formatCoresNumber, formatGib } from "@/lib/market/format";
import type { ProbeResult, PublicDraft } from "@/lib/provider/onboarding-draft";
import { type Profile, profileSchema } from "@/lib/provider/provider-schemas";
import { AcceptRisk } from "./accept-risk";
import { PricingStep } from "./pricing-step";
import { RegisterStep } from "./register-step";
import { SignInPanel } from "./sign-in-gate";

// The onboarding wizard: seven steps from "I have a cluster" to "registered and bidding". The draft
// lives on the server (resumable from any browser); each step validates before it moves on; Back
// always works and never loses what was entered.

export const STEPS = ["Sign in", "Profile", "Cluster", "Verify", "Capacity", "Pricing", "Register"] as const;

const DRAFT_KEY = ["provider-draft"];

export function OnboardWizard(props: { initialDraft: PublicDraft | null; signedInAddress: string | null }) {
  const { signedIn } = useSession();
  const queryClient = useQueryClient();
  const draft = useQuery({
    queryKey: DRAFT_KEY,
    queryFn: () => fetchJson<PublicDraft>("/api/provider/draft"),
    enabled: signedIn,
    initialData: props.initialDraft ?? undefined,
  });
  const [step, setStep] = useState<number>(
    props.initialDraft && props.signedInAddress ? props.initialDraft.step : 1,
  );
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Signed in (or out) while on the page: resume the draft, or go back to step 1.
  useEffect(() => {
    if (!signedIn) setStep(1);
    else if (draft.data && step === 1) setStep(Math.max(2, draft.data.step));
  }, [signedIn, draft.data, step]);

  const go = (n: number) => {
    setStep(n);
    requestAnimationFrame(() => headingRef.current?.focus());
  };
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      fetchJson<PublicDraft>("/api/provider/draft", { method: "PUT", body }),
    onSuccess: (d) => queryClient.setQueryData(DRAFT_KEY, d),
  });
  const back = () => {
    const to = Math.max(signedIn ? 2 : 1, step - 1);
    go(to);
    save.mutate({ step: to });
  };

  const d = draft.data;
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">List your cluster</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Seven steps, a few minutes. Your progress is saved: you can leave and come back.
        </p>
      </div>
      <StepIndicator step={step} />
      <Card>
        <h2
          ref={headingRef}
          tabIndex={-1}
          className="mb-4 text-lg font-semibold outline-none"
          data-testid="wizard-step-title"
        >
          Step {step} of {STEPS.length}: {STEPS[step - 1]}
        </h2>
        {step === 1 && (
          <div className="space-y-4">
            <SignInPanel />
            {signedIn && <Button onClick={() => go(Math.max(2, d?.step ?? 2))}>Continue</Button>}
          </div>
        )}
        {step > 1 && !signedIn && (
          <SignInPanel title="Your session ended. Sign in again to continue where you left off." />
        )}
        {step > 1 && signedIn && !d && <Spinner label="Loading your draft…" />}
        {step === 2 && signedIn && d && (
          <ProfileStep
            initial={d.profile}
            onNext={async (profile) => {
              await save.mutateAsync({ step: 3, profile });
              go(3);
            }}
            onBack={back}
          />
        )}
        {step === 3 && signedIn && d && (
          <ClusterStep
            draft={d}
            onUploaded={(nd) => {
              queryClient.setQueryData(DRAFT_KEY, nd);
              go(4);
            }}
            onNext={() => go(4)}
            onBack={back}
          />
        )}
        {step === 4 && signedIn && d && (
          <VerifyStep
            draft={d}
            onDone={(probe) => queryClient.setQueryData(DRAFT_KEY, { ...d, probe })}
            onNext={async () => {
              await save.mutateAsync({ step: 5 });
              go(5);
            }}
            onBack={back}
          />
        )}
        {step === 5 && signedIn && d && (
          <CapacityStep
            draft={d}
            onNext={async (offerPercent) => {
              await save.mutateAsync({ step: 6, offerPercent });
              go(6);
            }}
            onBack={back}
          />
        )}
        {step === 6 && signedIn && d && (
          <PricingStep
            draft={d}
            onNext={async (settings) => {
              await save.mutateAsync({ step: 7, settings });
              go(7);
            }}
            onBack={back}
          />
        )}
        {step === 7 && signedIn && d && <RegisterStep draft={d} onBack={back} />}
        {save.error && (
          <div className="mt-4">
            <ErrorNote>{save.error.message}</ErrorNote>
          </div>
        )}
      </Card>
    </div>
  );
}

function StepIndicator({ step }: { step: number }) {
  const pct = Math.round(((step - 1) / (STEPS.length - 1)) * 100);
  return (
    <nav aria-label="Onboarding progress" className="space-y-2">
      <div
        className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label={`Step ${step} of ${STEPS.length}`}
      >
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <ol className="grid grid-cols-7 gap-1 text-center text-xs">
        {STEPS.map((label, i) => {
          const n = i + 1;
          const state = n < step ? "done" : n === step ? "current" : "todo";
          return (
            <li
              key={label}
              aria-current={state === "current" ? "step" : undefined}
              data-testid={`wizard-step-${n}`}
              data-state={state}
              className={
                state === "current"
                  ? "font-semibold text-brand-700 dark:text-brand-400"
                  : state === "done"
                    ? "text-zinc-700 dark:text-zinc-300"
                    : "text-zinc-400"
              }
            >
              <span
                className={`mx-auto mb-1 grid h-6 w-6 place-items-center rounded-full text-[11px] ${
                  state === "done"
                    ? "bg-brand-600 text-white"
                    : state === "current"
                      ? "border-2 border-brand-600"
                      : "border border-zinc-300 dark:border-zinc-700"
                }`}
              >
                {state === "done" ? "✓" : n}
              </span>
              <span className="hidden sm:inline">{label}</span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function NavButtons(props: { onBack: () => void; next: React.ReactNode }) {
  return (
    <div className="mt-6 flex items-center justify-between border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <Button variant="secondary" onClick={props.onBack} data-testid="wizard-back">
        Back
      </Button>
      {props.next}
    </div>
  );
}

function ProfileStep(props: {
  initial: Profile | null;
  onNext: (p: Profile) => Promise<void>;
  onBack: () => void;
}) {
  const [form, setForm] = useState({
    name: props.initial?.name ?? "",
    website: props.initial?.website ?? "",
    contact: props.initial?.contact ?? "",
    region: props.initial?.region ?? "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = profileSchema.safeParse(form);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await props.onNext(parsed.data);
    } finally {
      setBusy(false);
    }
  };
  const field = (key: keyof typeof form, label: string, hint: string, type = "text") => (
    <Field label={label} htmlFor={`profile-${key}`} hint={hint} error={errors[key]}>
      <input
        id={`profile-${key}`}
        data-testid={`profile-${key}`}
        type={type}
        className={inputClass}
        value={form[key]}
        aria-invalid={Boolean(errors[key])}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </Field>
  );
  return (
    <form onSubmit={submit} noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        {field("name", "Provider name", "What tenants see, e.g. “Nordic Metal”.")}
        {field("website", "Website", "Optional.", "url")}
        {field("contact", "Contact", "An email or handle for operational issues.")}
        {field("region", "Region", "Where the cluster runs, e.g. eu-north-1. Tenants can require it.")}
      </div>
      <NavButtons
        onBack={props.onBack}
        next={
          <Button type="submit" disabled={busy} data-testid="wizard-next">
            {busy ? "Saving…" : "Next"}
          </Button>
        }
      />
    </form>
  );
}

function CopyBlock(props: { title: string; text: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <div className="mb-1 flex items-center justify-between">
        <span className="text-xs font-medium text-zinc-500">{props.title}</span>
        <Button
          variant="ghost"
          className="!px-2 !py-1 text-xs"
          data-testid={`${props.testId}-copy`}
          onClick={async () => {
            await navigator.clipboard?.writeText(props.text).catch(() => {});
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? "Copied ✓" : "Copy"}
        </Button>
      </div>
      <pre
        data-testid={props.testId}
        className="max-h-56 overflow-auto rounded-md bg-zinc-950 p-3 text-xs leading-relaxed text-zinc-100"
      >
        {props.text}
      </pre>
    </div>
  );
}

function ClusterStep(props: {
  draft: PublicDraft;
  onUploaded: (d: PublicDraft) => void;
  onNext: () => void;
  onBack: () => void;
}) {
  const [text, setText] = useState("");
  const [name, setName] = useState(props.draft.cluster?.name ?? "");
  const [showRbac, setShowRbac] = useState(false);
  const rbac = useQuery({
    queryKey: ["rbac"],
    queryFn: () => fetchJson<{ yaml: string; commands: string }>("/api/provider/rbac"),
    enabled: showRbac,
  });
  const upload = useMutation({
    mutationFn: () =>
      fetchJson<PublicDraft>("/api/provider/draft/kubeconfig", {
        method: "POST",
        body: { kubeconfig: text, ...(name ? { name } : {}) },
      }),
    onSuccess: props.onUploaded,
  });
  const onFile = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };
  return (
    <div className="space-y-5">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        KubeBid needs a kubeconfig with an embedded token or client certificate for a least-privilege service
        account. Plugins (<code>exec</code>, <code>auth-provider</code>) and file paths are refused: KubeBid
        never runs commands or reads files from a kubeconfig. It is stored encrypted and never shown again.
      </p>
      {props.draft.cluster && (
        <p
          className="rounded-md bg-zinc-50 px-3 py-2 text-sm dark:bg-zinc-800/60"
          data-testid="cluster-current"
        >
          Current: <strong>{props.draft.cluster.name}</strong> at <code>{props.draft.cluster.server}</code>.
          Paste another one to replace it, or go on.
        </p>
      )}
      <Field
        label="Cluster name"
        htmlFor="cluster-name"
        hint="Optional; defaults to the kubeconfig's cluster name."
      >
        <input
          id="cluster-name"
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value.toLowerCase())}
          placeholder="e.g. lab-spare"
        />
      </Field>
      <Field
        label="Kubeconfig"
        htmlFor="kubeconfig"
        error={upload.error ? upload.error.message : null}
        hint="Paste it here, or upload the file."
      >
        <textarea
          id="kubeconfig"
          data-testid="kubeconfig-input"
          rows={10}
          spellCheck={false}
          className={`${inputClass} font-mono text-xs`}
          value={text}
          aria-invalid={Boolean(upload.error)}
          aria-describedby={upload.error ? "kubeconfig-error" : undefined}
          onChange={(e) => {
            setText(e.target.value);
            if (upload.error) upload.reset();
          }}
          placeholder="apiVersion: v1&#10;kind: Config&#10;clusters: …"
        />
      </Field>
      {upload.error && (
        <div data-testid="kubeconfig-error" className="sr-only">
          {upload.error.message}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <label className="cursor-pointer rounded-md border border-zinc-300 px-3 py-2 text-sm hover:bg-zinc-50 focus-within:outline-2 focus-within:outline-brand-600 dark:border-zinc-700 dark:hover:bg-zinc-800">
          Upload file…
          <input
            type="file"
            className="sr-only"
            data-testid="kubeconfig-file"
            onChange={(e) => onFile(e.target.files?.[0])}
          />
        </label>
        <Button
          variant="ghost"
          onClick={() => setShowRbac((v) => !v)}
          aria-expanded={showRbac}
          data-testid="rbac-toggle"
        >
          {showRbac ? "Hide" : "Don't have one? Show"} the least-privilege setup
        </Button>
      </div>
      {showRbac && (
        <div className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <p className="text-sm">
            Save this as <code>kubebid-rbac.yaml</code>, then run the commands with your admin kubectl context
            (Kubernetes 1.30 or later). They create a service account that can only do what KubeBid needs and
            write <code>kubebid.kubeconfig</code>. Cluster-wide it may read nodes and pods and create and
            delete its lease namespaces; workload rights come from a role it binds inside each{" "}
            <code>kb-lease-*</code> namespace, and an admission policy stops it from touching anything else or
            weakening a lease namespace's Pod Security.
          </p>
          {rbac.isLoading && <Spinner label="Generating the manifest…" />}
          {rbac.data && (
            <>
              <CopyBlock title="kubebid-rbac.yaml" text={rbac.data.yaml} testId="rbac-yaml" />
              <CopyBlock title="Commands" text={rbac.data.commands} testId="rbac-commands" />
            </>
          )}
        </div>
      )}
      <NavButtons
        onBack={props.onBack}
        next={
          text.trim() ? (
            <Button
              onClick={() => upload.mutate()}
              disabled={upload.isPending}
              data-testid="kubeconfig-submit"
            >
              {upload.isPending ? "Checking…" : "Check and continue"}
            </Button>
          ) : (
            <Button onClick={props.onNext} disabled={!props.draft.cluster} data-testid="wizard-next">
              Next
            </Button>
          )
        }
      />
    </div>
  );
}

/** Reads an NDJSON probe stream, calling back per check; resolves with the final result. */
export async function readProbeStream(
  url: string,
  onEvent: (e: {
    type: string;
    total?: number;
    check?: ProbeCheck;
    result?: ProbeResult;
    message?: string;
  }) => void,
): Promise<void> {
  const res = await fetch(url, { method: "POST", credentials: "same-origin" });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => null);
    throw new ApiError(
      res.status,
      body?.error?.code ?? "HTTP_ERROR",
      body?.error?.message ?? "The checks failed to start.",
    );
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onEvent(JSON.parse(line));
      nl = buffer.indexOf("\n");
    }
  }
}

export function ProbeChecklist(props: { checks: ProbeCheck[]; total: number; running: boolean }) {
  const done = props.checks.length;
  const pct = props.running ? Math.min(95, Math.round((done / Math.max(props.total, done + 1)) * 100)) : 100;
  return (
    <div className="space-y-3">
      <div
        className="h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label="Verification progress"
      >
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <ul
        className="divide-y divide-zinc-200 dark:divide-zinc-800"
        data-testid="probe-checks"
        aria-live="polite"
      >
        {props.checks.map((c) => (
          <li key={c.id} className="flex gap-3 py-2" data-testid={`check-${c.id}`} data-status={c.status}>
            <span
              role="img"
              aria-label={c.status}
              className={`mt-0.5 grid h-5 w-5 shrink-0 place-items-center rounded-full text-[11px] font-bold text-white ${
                c.status === "pass" ? "bg-emerald-600" : c.status === "warn" ? "bg-amber-500" : "bg-red-600"
              }`}
            >
              {c.status === "pass" ? "✓" : c.status === "warn" ? "!" : "✕"}
            </span>
            <div className="min-w-0 text-sm">
              <div className="font-medium">{c.label}</div>
              <div className="text-zinc-600 dark:text-zinc-400">{c.detail}</div>
              {c.hint && c.status !== "pass" && (
                <div className="mt-1 text-xs text-amber-800 dark:text-amber-300">How to fix: {c.hint}</div>
              )}
            </div>
          </li>
        ))}
        {props.running && (
          <li className="py-2">
            <Spinner label={`Running check ${done + 1} of about ${Math.max(props.total, done + 1)}…`} />
          </li>
        )}
      </ul>
    </div>
  );
}

function VerifyStep(props: {
  draft: PublicDraft;
  onDone: (r: ProbeResult) => void;
  onNext: () => Promise<void>;
  onBack: () => void;
}) {
  const [checks, setChecks] = useState<ProbeCheck[]>(props.draft.probe?.checks ?? []);
  const [total, setTotal] = useState(12);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ProbeResult | null>(props.draft.probe);
  const started = useRef(false);
  const { onDone } = props;

  const run = async () => {
    setRunning(true);
    setError(null);
    setChecks([]);
    setResult(null);
    try {
      await readProbeStream("/api/provider/draft/verify", (e) => {
        if (e.type === "start" && e.total) setTotal(e.total);
        if (e.type === "check" && e.check) setChecks((cs) => [...cs, e.check as ProbeCheck]);
        if (e.type === "done" && e.result) {
          setResult(e.result);
          onDone(e.result);
        }
        if (e.type === "error") setError(e.message ?? "The checks failed.");
      });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRunning(false);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: run once on entering the step
  useEffect(() => {
    if (!started.current && !props.draft.probe) {
      started.current = true;
      void run();
    }
  }, []);

  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        KubeBid connects to <code>{props.draft.cluster?.server}</code> and checks what it needs, one by one.
      </p>
      <ProbeChecklist checks={checks} total={total} running={running} />
      {error && <ErrorNote>{error}</ErrorNote>}
      {result && (
        <p
          data-testid="verify-status"
          data-ok={result.ok}
          className={`text-sm font-medium ${result.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}
        >
          {result.ok
            ? "All required checks passed."
            : result.onlyExcessFailed && result.riskAccepted
              ? "Only the least-privilege checks failed, and you accepted that risk."
              : "Some checks failed. Fix them on the cluster and run the checks again, or go back and use another kubeconfig."}
        </p>
      )}
      {result && !result.ok && result.onlyExcessFailed && !running && (
        <AcceptRisk
          result={result}
          onChange={(r) => {
            setResult(r);
            onDone(r);
          }}
        />
      )}
      <NavButtons
        onBack={props.onBack}
        next={
          <div className="flex gap-2">
            <Button variant="secondary" onClick={run} disabled={running} data-testid="verify-rerun">
              Run the checks again
            </Button>
            <Button
              onClick={props.onNext}
              disabled={running || !(result?.ok || (result?.onlyExcessFailed && result.riskAccepted))}
              data-testid="wizard-next"
            >
              Next
            </Button>
          </div>
        }
      />
    </div>
  );
}

function CapacityStep(props: {
  draft: PublicDraft;
  onNext: (offer: number) => Promise<void>;
  onBack: () => void;
}) {
  const inv = props.draft.probe?.inventory;
  const [offer, setOffer] = useState(props.draft.offerPercent);
  const [busy, setBusy] = useState(false);
  if (!inv)
    return (
      <div>
        <ErrorNote>No inventory yet: go back and verify the cluster.</ErrorNote>
        <NavButtons onBack={props.onBack} next={null} />
      </div>
    );
  const gpus = Object.entries(inv.allocatable.gpus);
  return (
    <div className="space-y-5">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="capacity-nodes">
          <thead className="text-xs uppercase text-zinc-500">
            <tr>
              <th className="py-2 pr-4">Node</th>
              <th className="py-2 pr-4">CPU (free / total)</th>
              <th className="py-2 pr-4">Memory (free / total)</th>
              <th className="py-2 pr-4">GPUs</th>
              <th className="py-2 pr-4">Region</th>
              <th className="py-2">State</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {inv.nodes.map((n) => (
              <tr key={n.name}>
                <td className="py-2 pr-4 font-mono text-xs">{n.name}</td>
                <td className="py-2 pr-4 tabular-nums">
                  {formatCoresNumber(n.free.cpuMillis)} / {formatCoresNumber(n.allocatable.cpuMillis)}
                </td>
                <td className="py-2 pr-4 tabular-nums">
                  {formatGib(n.free.memoryBytes)} / {formatGib(n.allocatable.memoryBytes)}
                </td>
                <td className="py-2 pr-4">
                  {n.allocatable.gpus ? `${n.free.gpus}/${n.allocatable.gpus} × ${n.gpuModel}` : "—"}
                </td>
                <td className="py-2 pr-4">{n.region ?? "—"}</td>
                <td className="py-2">
                  {n.ready && n.schedulable ? "ready" : n.ready ? "cordoned" : "not ready"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {inv.region && props.draft.profile && inv.region !== props.draft.profile.region && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          Your nodes say region <strong>{inv.region}</strong>, your profile says{" "}
          <strong>{props.draft.profile.region}</strong>. Tenants filter by the profile's region; go back to
          change it if needed.
        </p>
      )}
      <Field
        label={`Offer ${offer}% of the free capacity`}
        htmlFor="offer-percent"
        hint="The rest stays yours: the bid engine never promises more than this share of any node."
      >
        <input
          id="offer-percent"
          data-testid="offer-percent"
          type="range"
          min={10}
          max={100}
          step={5}
          value={offer}
          onChange={(e) => setOffer(Number(e.target.value))}
          className="w-full accent-brand-600"
        />
      </Field>
      <p className="text-sm" data-testid="capacity-offered">
        Offered: {formatCoresNumber((inv.allocatable.cpuMillis * offer) / 100)} CPU,{" "}
        {formatGib((inv.allocatable.memoryBytes * offer) / 100)} memory
        {gpus.length > 0 && `, ${gpus.map(([m, n]) => `${Math.floor((n * offer) / 100)} × ${m}`).join(", ")}`}{" "}
        at most.
      </p>
      <NavButtons
        onBack={props.onBack}
        next={
          <Button
            data-testid="wizard-next"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await props.onNext(offer);
              } finally {
                setBusy(false);
              }
            }}
          >
            Next
          </Button>
        }
      />
    </div>
  );
}
