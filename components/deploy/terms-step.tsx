import { Card } from "@/components/ui/card";
import { Field, inputClass } from "@/components/ui/field";
import { formatDuration } from "@/lib/market/format";
import type { IntegrityTerms } from "@/lib/market/integrity-terms";
import { formatTokenAmount } from "@/lib/market/price-order";
import type { OrderTerms } from "@/lib/market/quote-order-terms";
import type { AuctionFormatName } from "@/lib/market/simulate-auction";
import type { TermsText } from "./deploy-form.types";
import { IntegrityFields } from "./integrity-fields";
import type { SubmitMode } from "./use-submit-order";

// Step 3: duration, bid window, region, max price and deposit (suggested from the market until the
// tenant types their own), how to submit, and the integrity terms (auction format, reveal window,
// start deadline, minimum reputation). The numbers come from quoteOrderTerms and parseIntegrityTerms.

export function TermsStep(props: {
  text: TermsText;
  onText: (patch: Partial<TermsText>) => void;
  quote: OrderTerms;
  integrity: IntegrityTerms;
  reputation: { fitting: number; meeting: number; known: boolean };
  regions: string[];
  mode: SubmitMode;
  onMode: (mode: SubmitMode) => void;
  className?: string;
}) {
  const { text, quote, mode } = props;
  // The estimate of the format the tenant picked comes first, the other beside it.
  const format = text.auctionFormat;
  const chosen = quote.estimates[format];
  const other = quote.estimates[format === "open" ? "sealed" : "open"];
  const {
    cheapest,
    highest,
    recentPrice: recentPerCore,
    suggestedMaxPrice: suggestedMax,
    maxPricePerHour: maxPrice,
    suggestedDeposit,
    deposit,
    coveredSeconds,
    durationSeconds,
    errors: termErrors,
  } = quote;
  return (
    <Card className={props.className} title="3. Terms">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Duration (hours)" error={termErrors.duration} htmlFor="t-duration">
          <input
            id="t-duration"
            data-testid="field-duration"
            className={inputClass}
            value={text.durationHours}
            onChange={(e) => props.onText({ durationHours: e.target.value })}
          />
        </Field>
        <Field label="Bid window (seconds)" error={termErrors.bidWindow} htmlFor="t-window">
          <input
            id="t-window"
            data-testid="field-bid-window"
            className={inputClass}
            value={text.bidWindow}
            onChange={(e) => props.onText({ bidWindow: e.target.value })}
          />
        </Field>
        <Field label="Region" htmlFor="t-region" hint="Required attribute when set">
          <select
            id="t-region"
            data-testid="field-region"
            className={inputClass}
            value={text.region}
            onChange={(e) => props.onText({ region: e.target.value })}
          >
            <option value="">any region</option>
            {props.regions.map((r) => (
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
            value={text.maxPrice ?? formatTokenAmount(suggestedMax).replaceAll(",", "")}
            onChange={(e) => props.onText({ maxPrice: e.target.value })}
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
              text.deposit ??
              (suggestedDeposit !== null ? formatTokenAmount(suggestedDeposit).replaceAll(",", "") : "")
            }
            onChange={(e) => props.onText({ deposit: e.target.value })}
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
            onChange={(e) => props.onMode(e.target.value as SubmitMode)}
          >
            <option value="wallet">From my wallet</option>
            <option value="relay">Relayed (gasless, permit)</option>
          </select>
        </Field>
      </div>
      <IntegrityFields
        text={text}
        onText={props.onText}
        errors={props.integrity.errors}
        reputation={props.reputation}
      />
      {chosen.pricePerHour !== null && (
        <div
          className="mt-4 space-y-1 rounded-md bg-zinc-50 p-3 text-sm dark:bg-zinc-950"
          data-testid="estimate"
        >
          <p>
            Estimate ({FORMAT_LABEL[format]}):{" "}
            <strong className="tabular-nums">{formatTokenAmount(chosen.pricePerHour)} USD/h</strong>, ≈{" "}
            {formatTokenAmount(chosen.total ?? 0n)} USD for {formatDuration(durationSeconds)}.
          </p>
          <p className="text-zinc-600 dark:text-zinc-400" data-testid="estimate-basis">
            {chosen.basis}
            {other.pricePerHour !== null && other.source === "floors" && (
              <>
                {" "}
                {other.format === "open" ? "An" : "A"} {FORMAT_LABEL[other.format]} would expect ≈{" "}
                {formatTokenAmount(other.pricePerHour)} USD/h.
              </>
            )}
          </p>
        </div>
      )}
    </Card>
  );
}

const FORMAT_LABEL: Record<AuctionFormatName, string> = {
  open: "open descending auction",
  sealed: "sealed second-price auction",
};
