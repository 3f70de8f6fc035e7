"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorNote } from "@/components/ui/field";
import type { ProbeCheck } from "@/lib/k8s/probe-cluster";
import type { ProbeResult } from "@/lib/provider/onboarding-draft";
import { readProbeStream } from "@/lib/provider/read-probe-stream";
import { AcceptRisk } from "./accept-risk";
import { NavButtons } from "./nav-buttons";
import type { WizardStepProps } from "./onboard-wizard.types";
import { ProbeChecklist } from "./probe-checklist";

// Step 4: KubeBid connects to the cluster and runs its checks (what it must be able to do, and what
// it must not), streamed one by one; Next only once every required check passed.

export function VerifyStep(
  props: WizardStepProps & {
    onDone: (r: ProbeResult) => void;
    onNext: () => Promise<void>;
  },
) {
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
