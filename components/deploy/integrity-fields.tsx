import { TextField } from "@/components/ui/field";
import { formatDuration } from "@/lib/market/format";
import {
  AUCTION_FORMAT_TEXT,
  AUCTION_FORMATS,
  type IntegrityTermErrors,
  type IntegrityTermsText,
  START_DEADLINE_MAX,
  START_DEADLINE_MIN,
} from "@/lib/market/integrity-terms";

// Part of step 3: how the auction runs (open descending or sealed-bid second-price, with its reveal
// window), how long the provider has to get the workload Running before the tenant is refunded, and
// the least reputation a bidder must have, with how many providers meet it now.

export function IntegrityFields(props: {
  text: IntegrityTermsText;
  onText: (patch: Partial<IntegrityTermsText>) => void;
  errors: IntegrityTermErrors;
  /** Providers that fit the order (screening), and how many of them meet the minimum reputation. */
  reputation: { fitting: number; meeting: number; known: boolean };
}) {
  const { text, errors } = props;
  /** "1m 0s" for a whole number of seconds typed, else null. */
  const asDuration = (value: string) => {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? formatDuration(n) : null;
  };
  const reveal = asDuration(text.revealWindow);
  const deadline = asDuration(text.startDeadline);
  return (
    <div
      className="mt-4 space-y-4 border-t border-zinc-100 pt-4 dark:border-zinc-800"
      data-testid="integrity-terms"
    >
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium">Auction format</legend>
        {AUCTION_FORMATS.map((f) => (
          <label key={f} className="flex items-start gap-3 text-sm">
            <input
              type="radio"
              name="t-auction-format"
              value={f}
              checked={text.auctionFormat === f}
              onChange={() => props.onText({ auctionFormat: f })}
              data-testid={`field-auction-${f}`}
              className="mt-1 accent-brand-600"
            />
            <span>
              <strong>{AUCTION_FORMAT_TEXT[f].label}.</strong>{" "}
              <span className="text-zinc-600 dark:text-zinc-400">{AUCTION_FORMAT_TEXT[f].explain}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        {text.auctionFormat === "sealed" && (
          <TextField
            id="t-reveal"
            testId="field-reveal-window"
            label="Reveal window (seconds)"
            inputMode="numeric"
            error={errors.revealWindow}
            value={text.revealWindow}
            onChange={(v) => props.onText({ revealWindow: v })}
            hint={
              <>
                Bidders reveal their prices {reveal ? `within ${reveal} ` : ""}after the bid window; an
                unrevealed bid forfeits part of its bond to you.
              </>
            }
          />
        )}
        <TextField
          id="t-start-deadline"
          testId="field-start-deadline"
          label="Start deadline (seconds)"
          inputMode="numeric"
          error={errors.startDeadline}
          value={text.startDeadline}
          onChange={(v) => props.onText({ startDeadline: v })}
          hint={
            deadline
              ? `Running within ${deadline} of settlement, or you get the whole deposit back plus part of the provider's bond. You pay nothing before it runs.`
              : `${START_DEADLINE_MIN} s to ${formatDuration(START_DEADLINE_MAX)}.`
          }
        />
        <TextField
          id="t-min-reputation"
          testId="field-min-reputation"
          label="Minimum provider reputation (0–100)"
          inputMode="numeric"
          error={errors.minReputation}
          value={text.minReputation}
          onChange={(v) => props.onText({ minReputation: v })}
          hint={
            props.reputation.known ? (
              <span data-testid="reputation-meeting">
                {props.reputation.meeting} of {props.reputation.fitting} fitting provider
                {props.reputation.fitting === 1 ? "" : "s"} meet it now
              </span>
            ) : (
              "0: any provider may bid"
            )
          }
        />
      </div>
    </div>
  );
}
