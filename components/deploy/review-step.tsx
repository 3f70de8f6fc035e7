import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote } from "@/components/ui/field";
import { Stepper } from "@/components/ui/stepper";
import { formatCores, formatDuration, formatMebibytes } from "@/lib/market/format";
import { AUCTION_FORMAT_TEXT, type IntegrityTerms } from "@/lib/market/integrity-terms";
import { type Manifest, manifestServices, type manifestTotals } from "@/lib/market/manifest";
import { formatTokenAmount } from "@/lib/market/price-order";
import type { OrderTerms } from "@/lib/market/quote-order-terms";
import type { SubmitMode, useSubmitOrder } from "./use-submit-order";

// Step 5: the order in one place, then approve (or permit) → sign → submit (or relay) → confirmed.

export function ReviewStep(props: {
  manifest: Manifest | null;
  totals: ReturnType<typeof manifestTotals> | null;
  /** The deployment's secrets, by name only: their values are never shown back. */
  secretNames: string[];
  region: string;
  quote: OrderTerms;
  integrity: IntegrityTerms;
  mode: SubmitMode;
  submitter: ReturnType<typeof useSubmitOrder>;
  connected: boolean;
  eligible: number;
  onSubmit: () => void;
}) {
  const { manifest, totals, region, mode, submitter, eligible } = props;
  const { maxPricePerHour: maxPrice, deposit, durationSeconds, bidWindowSeconds } = props.quote;
  const integrity = props.integrity.fields;
  return (
    <Card title="5. Review, sign and submit" testId="review">
      {manifest && totals && maxPrice !== null && deposit !== null && integrity ? (
        <dl className="mb-5 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-3" data-testid="order-summary">
          <Summary label="Workload">
            <span className="font-medium">{manifest.name}</span>
            <ul data-testid="summary-services">
              {manifestServices(manifest).services.map((svc) => (
                <li key={svc.name}>
                  {svc.name} · <code className="font-mono text-xs">{svc.image}</code> ×{" "}
                  {svc.autoscale
                    ? `${svc.autoscale.min}–${svc.autoscale.max} (autoscaled, starts at ${svc.replicas}; the order buys ${svc.autoscale.max})`
                    : svc.replicas}
                </li>
              ))}
            </ul>
          </Summary>
          <Summary label="Resources (all services)">
            {formatCores(totals.cpuMillis)} · {formatMebibytes(totals.memoryMiB)} ·{" "}
            {formatMebibytes(totals.storageMiB)} ephemeral
            {totals.gpuCount > 0 ? ` · ${totals.gpuCount}× ${totals.gpuModel ?? "GPU"}` : ""}
            {totals.volumes.map((v) => (
              <span key={v.storageClass} className="block">
                {formatMebibytes(v.sizeMiB)} persistent ({v.storageClass})
              </span>
            ))}
          </Summary>
          {props.secretNames.length > 0 && (
            <Summary label="Secrets">
              <ul data-testid="summary-secrets">
                {props.secretNames.map((name) => (
                  <li key={name}>
                    <code className="font-mono text-xs">{name}</code>: set
                  </li>
                ))}
              </ul>
            </Summary>
          )}
          <Summary label="Requirements">
            {[region && `region ${region}`, totals.gpuModel && `GPU ${totals.gpuModel}`]
              .filter(Boolean)
              .join(", ") || "none"}
          </Summary>
          <Summary label="You pay at most">{formatTokenAmount(maxPrice)} USD per hour</Summary>
          <Summary label="Deposit (escrow)">{formatTokenAmount(deposit)} USD, unspent part refunded</Summary>
          <Summary label="Duration · bid window">
            {formatDuration(durationSeconds)} · {formatDuration(bidWindowSeconds || 0)}
          </Summary>
          <Summary label="Auction">
            <span data-testid="summary-auction">
              {AUCTION_FORMAT_TEXT[props.integrity.format].label}
              {props.integrity.format === "sealed" &&
                `, reveals for ${formatDuration(integrity.revealWindow)}`}
            </span>
          </Summary>
          <Summary label="Start deadline">
            <span data-testid="summary-start-deadline">
              Running within {formatDuration(integrity.startDeadline)} of settlement, or a full refund plus
              part of the provider's bond
            </span>
          </Summary>
          <Summary label="Minimum reputation">
            <span data-testid="summary-min-reputation">
              {integrity.minReputation > 0 ? `${integrity.minReputation} / 100` : "none"}
            </span>
          </Summary>
        </dl>
      ) : (
        <p className="mb-5 text-sm text-zinc-600 dark:text-zinc-400">
          Fix the problems above to review the order.
        </p>
      )}
      {totals && totals.volumeCount > 0 && (
        <p
          data-testid="volume-warning"
          className="mb-5 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          Persistent volumes are deleted with all their data when the lease closes.
        </p>
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
          disabled={
            !manifest || !props.quote.valid || !props.integrity.valid || submitter.busy || !props.connected
          }
          onClick={props.onSubmit}
        >
          {submitter.busy ? "Working…" : "Sign and submit order"}
        </Button>
        {!props.connected && (
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            Connect your wallet to sign the order.
          </span>
        )}
        {eligible === 0 && manifest && (
          <span className="text-sm text-amber-700 dark:text-amber-400">
            No provider can take this order as it stands.
          </span>
        )}
      </div>
    </Card>
  );
}

function Summary(props: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{props.label}</dt>
      <dd className="mt-0.5">{props.children}</dd>
    </div>
  );
}
