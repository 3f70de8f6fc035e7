import { type ReputationView, reputationParts, reputationTone } from "@/lib/market/reputation-view";

// A reputation with every part and what it measures: the provider page and the provider console.
// No hooks: it renders on the server (provider page) and in the browser (console) alike.

export const toneText = {
  green: "text-emerald-700 dark:text-emerald-400",
  amber: "text-amber-700 dark:text-amber-400",
  red: "text-red-700 dark:text-red-400",
  gray: "text-zinc-600 dark:text-zinc-400",
} as const;

export function ReputationDetails({ reputation: r }: { reputation: ReputationView }) {
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span
          className={`text-4xl font-bold tabular-nums ${toneText[reputationTone(r.score)]}`}
          data-testid="reputation-score"
        >
          {r.score}
        </span>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">of 100</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {r.startsDue === 0
            ? "No lease started yet: the parts without data count as neutral (a new provider scores 50)."
            : `From ${r.startsDue} ${r.startsDue === 1 ? "lease" : "leases"} and its clusters' checks.`}{" "}
          {r.onChainScore === null
            ? "Not attested on chain yet (orders asking for a minimum reputation see 0)."
            : `Attested on chain: ${r.onChainScore} (what an order's minimum reputation is checked against).`}
        </span>
      </div>
      <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {reputationParts(r).map((part) => (
          <div
            key={part.key}
            className="grid gap-1 py-2 sm:grid-cols-[12rem_9rem_1fr] sm:gap-3"
            data-testid={`reputation-part-${part.key}`}
          >
            <dt className="text-sm font-medium">{part.label}</dt>
            <dd className={`text-sm font-semibold tabular-nums ${toneText[part.tone]}`}>{part.value}</dd>
            <dd className="text-xs text-zinc-600 dark:text-zinc-400">{part.explain}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
