"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { StartWaitNote } from "@/components/lease/start-wait-note";
import { BidProviderCell, BidReputationCell } from "@/components/market/bid-provider-cell";
import { Countdown, useSecondsUntil } from "@/components/market/countdown";
import { SealedAuctionPanel } from "@/components/market/sealed-auction-panel";
import { SettlementNote } from "@/components/market/settlement-note";
import { useMarketTx } from "@/components/market/use-market-tx";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, Stat } from "@/components/ui/card";
import { ErrorNote } from "@/components/ui/field";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { fetchJson } from "@/lib/api/fetch-json";
import { formatCores, formatDuration, formatMebibytes, shortHex } from "@/lib/market/format";
import type { OrderDetail } from "@/lib/market/get-order-detail";
import { AUCTION_FORMAT_TEXT } from "@/lib/market/integrity-terms";
import { formatTokenAmount } from "@/lib/market/price-order";

// The auction, live: bids as the indexer records them (polled each second), the best price, the
// window's countdown; the tenant accepts the best bid or cancels, the keeper settles at the window's
// end (anyone else may too), and once the order is a lease the page moves on to it. A sealed-bid
// auction shows its phases, commits and reveals instead of the bids (SealedAuctionPanel) and
// settles after its reveal window.

const statusTone = {
  open: "blue",
  active: "green",
  closed: "gray",
  cancelled: "gray",
  expired: "amber",
  none: "gray",
} as const;

export function OrderAuction(props: { id: string; initial: OrderDetail }) {
  const router = useRouter();
  const tx = useMarketTx();
  const query = useQuery({
    queryKey: ["order", props.id],
    queryFn: () => fetchJson<OrderDetail>(`/api/orders/${props.id}`),
    initialData: props.initial,
    // Each second while the auction runs (bids arrive, the page moves on the moment it settles); once it
    // is a lease the page only tracks its start and status, which change on chain time, not per second.
    refetchInterval: (q) => {
      const d = q.state.data;
      if (!d || d.status === "open") return 1000;
      return d.start && d.start.attestedAt === null ? 2000 : 5000;
    },
    retry: true,
    retryDelay: 500,
  });
  const order = query.data;
  const secondsLeft = useSecondsUntil(order.bidWindowEndsAt);
  const sealed = order.auction.format === "sealed";
  // A sealed auction settles only once the reveal window is over too.
  const settleSecondsLeft = useSecondsUntil(sealed ? order.auction.revealEndsAt : order.bidWindowEndsAt);

  // Depend on the two fields only: each poll returns a new object, which must not reset the timer.
  const status = order.status;
  const leaseId = order.leaseId;
  useEffect(() => {
    if ((status === "active" || status === "closed") && leaseId) {
      const t = setTimeout(() => router.push(`/leases/${leaseId}`), 1200);
      return () => clearTimeout(t);
    }
  }, [status, leaseId, router]);

  const isTenant = tx.address?.toLowerCase() === order.tenant.toLowerCase();
  const open = order.status === "open";
  const windowOver = secondsLeft !== null && secondsLeft <= 0;
  const settleable = settleSecondsLeft !== null && settleSecondsLeft <= 0;
  const bids = [...order.bids].reverse();
  const act = async (fn: "acceptBid" | "cancelOrder" | "settle", label: string) => {
    const receipt = await tx.run({ fn, id: BigInt(order.id) }, label);
    if (receipt) await query.refetch();
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">Order #{order.id}</h1>
        <Badge tone={statusTone[order.status as keyof typeof statusTone] ?? "gray"} testId="order-status">
          {order.status === "active" ? "leased" : order.status}
        </Badge>
        {order.status === "active" && order.leaseId && (
          <Link
            href={`/leases/${order.leaseId}`}
            className="text-sm text-brand-600 dark:text-brand-400 hover:underline"
            data-testid="to-lease"
          >
            Go to the lease →
          </Link>
        )}
      </div>

      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat
          label={sealed ? "Lowest reveal" : "Best price"}
          testId="best-price"
          value={
            order.bestPrice
              ? `${formatTokenAmount(order.bestPrice)}/h`
              : sealed && !windowOver
                ? "sealed"
                : "no bid yet"
          }
          hint={order.bestProvider ? (order.bestProviderName ?? shortHex(order.bestProvider)) : undefined}
        />
        <Stat
          label={sealed ? "Sealed bids" : "Bids"}
          value={sealed ? order.auction.commits : order.bids.length}
          testId="bid-count"
        />
        <Stat
          label={open ? "Bid window closes in" : "Bid window"}
          value={open ? <Countdown to={order.bidWindowEndsAt} done="closed" testId="countdown" /> : "closed"}
        />
        <Stat
          label="Your max price"
          value={order.maxPricePerHour ? `${formatTokenAmount(order.maxPricePerHour)}/h` : "—"}
        />
      </dl>
      <SettlementNote order={order} secondsLeft={settleSecondsLeft} />
      {order.start && <StartWaitNote status="active" start={order.start} clock={order.clock} />}

      {/* grid-cols-1 (minmax(0, 1fr)): a wide bids table scrolls in its card instead of widening a phone's page */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        {sealed ? (
          <SealedAuctionPanel className="lg:col-span-2" order={order} />
        ) : (
          <Card className="lg:col-span-2" title="Bids, newest first" testId="bids">
            {bids.length === 0 ? (
              <p className="py-6 text-center text-sm text-zinc-600 dark:text-zinc-400" data-testid="no-bids">
                {open ? "Waiting for providers to bid…" : "No provider bid on this order."}
              </p>
            ) : (
              <Table label="Bids">
                <THead>
                  <Th>Provider</Th>
                  <Th>Reputation</Th>
                  <Th>Price per hour</Th>
                  <Th>When</Th>
                </THead>
                <TBody>
                  {bids.map((b, i) => (
                    <tr
                      key={`${b.txHash}-${i}`}
                      data-testid="bid-row"
                      className={i === 0 ? "font-medium" : "text-zinc-600 dark:text-zinc-400"}
                    >
                      <BidProviderCell provider={b.provider} providerName={b.providerName}>
                        {i === 0 && <Badge tone="green">best</Badge>}
                      </BidProviderCell>
                      <BidReputationCell provider={b.provider} reputation={b.reputation} />
                      <td className="tabular-nums">{formatTokenAmount(b.price)} USD</td>
                      <td className="tabular-nums" suppressHydrationWarning>
                        {new Date(b.at).toLocaleTimeString()}
                      </td>
                    </tr>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>
        )}

        <Card title="Order">
          <dl className="space-y-2 text-sm">
            {order.resources && (
              <Row label="Resources">
                {formatCores(order.resources.cpuMillis)} · {formatMebibytes(order.resources.memoryMiB)}
                {order.resources.gpuCount > 0 ? ` · ${order.resources.gpuCount} GPU` : ""}
              </Row>
            )}
            {order.durationSeconds !== null && (
              <Row label="Duration">{formatDuration(order.durationSeconds)}</Row>
            )}
            {order.deposit && <Row label="Deposit">{formatTokenAmount(order.deposit)} USD</Row>}
            <Row label="Auction">
              <span data-testid="order-auction-format">
                {AUCTION_FORMAT_TEXT[order.auction.format].label}
              </span>
            </Row>
            {order.auction.startDeadlineSeconds > 0 && (
              <Row label="Start deadline">
                {formatDuration(order.auction.startDeadlineSeconds)} after settlement
              </Row>
            )}
            {order.auction.minReputation > 0 && (
              <Row label="Min. reputation">
                <span data-testid="order-min-reputation">{order.auction.minReputation} / 100</span>
              </Row>
            )}
            <Row label="Tenant">
              <span className="font-mono text-xs">{shortHex(order.tenant)}</span>
            </Row>
            {order.specHash && (
              <Row label="Spec hash">
                <span className="font-mono text-xs" title={order.specHash}>
                  {shortHex(order.specHash, 6)}
                </span>
              </Row>
            )}
          </dl>
          {open && (
            <div className="mt-5 flex flex-col gap-2">
              {isTenant && !windowOver && !sealed && (
                <Button
                  data-testid="accept-bid"
                  disabled={!order.bestPrice || Boolean(tx.pending)}
                  onClick={() => act("acceptBid", "Accepting…")}
                >
                  Accept best bid now
                </Button>
              )}
              {settleable && (
                <Button
                  data-testid="settle-order"
                  disabled={Boolean(tx.pending)}
                  onClick={() => act("settle", "Settling…")}
                >
                  {order.bestPrice ? "Settle: start the lease" : "Settle: refund the deposit"}
                </Button>
              )}
              {isTenant && (
                <Button
                  variant="secondary"
                  data-testid="cancel-order"
                  disabled={Boolean(tx.pending)}
                  onClick={() => act("cancelOrder", "Cancelling…")}
                >
                  Cancel and get the deposit back
                </Button>
              )}
              {tx.pending && <p className="text-xs text-zinc-600 dark:text-zinc-400">{tx.pending}</p>}
              {tx.error && <ErrorNote testId="order-error">{tx.error}</ErrorNote>}
            </div>
          )}
          {order.status === "cancelled" && (
            <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">
              Cancelled; the deposit went back to the tenant.
            </p>
          )}
          {order.status === "expired" && (
            <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">
              No usable bid; the deposit went back to the tenant.
            </p>
          )}
        </Card>
      </div>
    </div>
  );
}

function Row(props: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex justify-between gap-4">
      <dt className="text-zinc-600 dark:text-zinc-400">{props.label}</dt>
      <dd className="text-right">{props.children}</dd>
    </div>
  );
}
