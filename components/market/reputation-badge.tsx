import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import {
  type ReputationView,
  reputationParts,
  reputationShort,
  reputationSummary,
  reputationTone,
} from "@/lib/market/reputation-view";

// A provider's reputation where a tenant compares providers (beside each bid, in the providers
// table): the score as a badge linking to the provider's page, and its parts in one small line.
// The link's accessible name carries every part, so a screen reader hears what the colours show.

export function ReputationBadge(props: {
  address: string;
  reputation: ReputationView | null;
  /** Show the parts under the score (bids); the table shows two of them. */
  parts?: "all" | "short" | "none";
  testId?: string;
}) {
  const r = props.reputation;
  const href = `/providers/${props.address.toLowerCase()}`;
  if (!r)
    return (
      <Link
        href={href}
        className="rounded-sm hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
        data-testid={props.testId ?? "reputation"}
        data-score=""
        aria-label="new provider, no reputation yet: open its page"
      >
        <Badge tone="gray">new</Badge>
      </Link>
    );
  const line =
    props.parts === "none"
      ? null
      : props.parts === "short"
        ? reputationShort(r)
        : reputationParts(r)
            .map((p) => `${p.label} ${p.value}`)
            .join(" · ");
  return (
    <span className="inline-flex flex-col gap-0.5">
      <Link
        href={href}
        className="w-fit rounded-full focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
        data-testid={props.testId ?? "reputation"}
        data-score={r.score}
        // The name starts with the visible text ("63/100"), then says what the colour and line show.
        aria-label={`${r.score}/100 reputation. ${reputationSummary(r)}. Open the provider's page.`}
        title={reputationSummary(r)}
      >
        <Badge tone={reputationTone(r.score)}>
          <span aria-hidden="true">★ </span>
          {r.score}
          <span className="font-normal">/100</span>
        </Badge>
      </Link>
      {line && (
        <span
          className="text-xs text-zinc-600 dark:text-zinc-400"
          data-testid="reputation-parts"
          aria-hidden="true"
        >
          {line}
        </span>
      )}
    </span>
  );
}
