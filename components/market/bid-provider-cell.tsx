import Link from "next/link";
import type { ReactNode } from "react";
import { ReputationBadge } from "@/components/market/reputation-badge";
import { shortHex } from "@/lib/market/format";
import type { ReputationView } from "@/lib/market/reputation-view";

// A bid's provider on the order page, open or sealed: its name linking to its page and its short
// address (then the row's badges), and beside it the provider's reputation.

export function BidProviderCell(props: {
  provider: string;
  providerName: string | null;
  children?: ReactNode;
}) {
  return (
    <td>
      <Link
        href={`/providers/${props.provider}`}
        className="text-brand-700 underline underline-offset-2 dark:text-brand-400"
        data-testid="bid-provider-link"
      >
        {props.providerName ?? "Provider"}
      </Link>{" "}
      <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{shortHex(props.provider)}</span>
      {props.children}
    </td>
  );
}

export function BidReputationCell(props: { provider: string; reputation: ReputationView | null }) {
  return (
    <td className="min-w-44 font-normal">
      <ReputationBadge address={props.provider} reputation={props.reputation} testId="bid-reputation" />
    </td>
  );
}
