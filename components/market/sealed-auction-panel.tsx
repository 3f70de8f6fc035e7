"use client";

import { useEffect, useState } from "react";
import { BidProviderCell, BidReputationCell } from "@/components/market/bid-provider-cell";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { formatDuration } from "@/lib/market/format";
import type { OrderDetail } from "@/lib/market/get-order-detail";
import { formatTokenAmount } from "@/lib/market/price-order";
import { sealedOutcome, sealedPhaseSteps } from "@/lib/market/sealed-auction-phase";

// A sealed-bid second-price auction on the order page: its three phases (sealed bids until the bid
// window ends, reveals until revealEnd, then settlement) with when each ends, how many providers
// committed, the reveals with their prices as they come, and what the winner is paid: the
// second-lowest reveal, or the max price when only one provider revealed.

const time = (iso: string) => new Date(iso).toLocaleTimeString();

/** The browser's clock, ticking each second; null until mounted (hydration agrees). */
function useNowMs(): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export function SealedAuctionPanel(props: { order: OrderDetail; className?: string }) {
  const { order } = props;
  const auction = order.auction;
  const now = useNowMs();
  if (auction.format !== "sealed" || !order.bidWindowEndsAt || !auction.revealEndsAt) return null;
  const steps = sealedPhaseSteps({
    status: order.status,
    bidEnd: order.bidWindowEndsAt,
    revealEnd: auction.revealEndsAt,
    nowMs: now ?? Date.parse(order.now),
  });
  const current = steps.find((s) => s.state === "current");
  const outcome = order.maxPricePerHour ? sealedOutcome(auction.reveals, order.maxPricePerHour) : null;
  const settled = order.status === "active" || order.status === "closed";
  // The contract's figure once settled; before, what the reveals so far imply.
  const price = settled ? (auction.secondPrice ?? outcome?.price ?? null) : (outcome?.price ?? null);
  const basis = settled && auction.reveals.length === 1 ? "max" : outcome?.basis;
  const sorted = [...auction.reveals].sort((a, b) => {
    const d = BigInt(a.price) - BigInt(b.price);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });

  return (
    <Card className={props.className} title="Sealed-bid auction, second price" testId="sealed-auction">
      <ol className="mb-4 grid gap-2 sm:grid-cols-3" data-testid="sealed-phases">
        {steps.map((s) => (
          <li
            key={s.id}
            data-testid={`sealed-phase-${s.id}`}
            data-state={s.state}
            aria-current={s.state === "current" ? "step" : undefined}
            className={`rounded-md border px-3 py-2 text-sm ${
              s.state === "current"
                ? "border-brand-600 bg-brand-50 dark:border-brand-500 dark:bg-zinc-950"
                : "border-zinc-200 dark:border-zinc-800"
            }`}
          >
            <span className="block font-medium">
              {s.label}
              {s.state === "done" && <span className="sr-only"> (done)</span>}
            </span>
            <span className="text-xs text-zinc-600 dark:text-zinc-400" suppressHydrationWarning>
              {s.until
                ? `${s.state === "done" ? "ended" : "until"} ${time(s.until)}`
                : settled
                  ? "done"
                  : "after the reveals, by the keeper or anyone"}
              {s.state === "current" && s.until && now !== null && (
                <> · {formatDuration(Math.max(0, (Date.parse(s.until) - now) / 1000))} left</>
              )}
            </span>
          </li>
        ))}
      </ol>

      <dl className="mb-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Sealed bids</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid="sealed-commits">
            {auction.commits}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Revealed</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid="sealed-reveals">
            {auction.reveals.length}
          </dd>
        </div>
        <div className="col-span-2 sm:col-span-1">
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            {settled ? "Lease price" : "Price so far"}
          </dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid="sealed-price">
            {price ? `${formatTokenAmount(price)}/h` : "—"}
          </dd>
        </div>
      </dl>

      {current?.id === "commit" && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="sealed-note">
          Prices stay hidden until the bid window closes; each sealed bid is backed by the provider's bond.
        </p>
      )}
      {price && (
        <p className="mb-3 text-sm" data-testid="sealed-second-price">
          {basis === "max" ? (
            <>
              Only one provider revealed: it {settled ? "pays" : "would pay"} your max price,{" "}
              <strong className="tabular-nums">{formatTokenAmount(price)}/h</strong>.
            </>
          ) : (
            <>
              The lowest bid wins and {settled ? "pays" : "would pay"} the second-lowest bid:{" "}
              <strong className="tabular-nums">{formatTokenAmount(price)}/h</strong>.
            </>
          )}
        </p>
      )}
      {!settled && current?.id !== "commit" && auction.commits > auction.reveals.length && (
        <p className="mb-3 text-xs text-zinc-600 dark:text-zinc-400">
          {auction.commits - auction.reveals.length} sealed bid
          {auction.commits - auction.reveals.length === 1 ? " is" : "s are"} not revealed yet; unrevealed
          after {time(auction.revealEndsAt)}, part of its bond goes to you.
        </p>
      )}
      {sorted.length > 0 && (
        <Table label="Revealed bids">
          <THead>
            <Th>Provider</Th>
            <Th>Reputation</Th>
            <Th>Price per hour</Th>
            <Th>Revealed</Th>
          </THead>
          <TBody>
            {sorted.map((r, i) => (
              <tr key={r.provider} data-testid="reveal-row">
                <BidProviderCell provider={r.provider} providerName={r.providerName}>
                  {" "}
                  {outcome?.winner === r.provider && <Badge tone="green">lowest</Badge>}
                  {i === 1 && outcome?.basis === "second" && <Badge tone="blue">sets the price</Badge>}
                </BidProviderCell>
                <BidReputationCell provider={r.provider} reputation={r.reputation} />
                <td className="tabular-nums">{formatTokenAmount(r.price)} USD</td>
                <td className="tabular-nums" suppressHydrationWarning>
                  {new Date(r.at).toLocaleTimeString()}
                </td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
