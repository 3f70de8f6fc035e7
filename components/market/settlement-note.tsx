"use client";

import { formatDuration, shortHex } from "@/lib/market/format";
import type { OrderDetail } from "@/lib/market/get-order-detail";

// What happens when the auction ends, and afterwards who ended it: the keeper settles every order
// at its window's end (lib/lease/run-keeper.ts; a sealed-bid auction at its reveal window's end),
// the tenant may accept early (open auctions), anyone may settle.
// Times are the browser's local time; `secondsLeft` is null until mounted (no clock read while
// rendering on the server, so hydration agrees).

const time = (iso: string) => new Date(iso).toLocaleTimeString();

export function SettlementNote(props: { order: OrderDetail; secondsLeft: number | null }) {
  const { order, secondsLeft } = props;
  const s = order.settlement;
  let text: string | null = null;
  const sealed = order.auction.format === "sealed";
  const end = sealed ? order.auction.revealEndsAt : order.bidWindowEndsAt;
  if (order.status === "open" && end && secondsLeft !== null) {
    const outcome = sealed
      ? "the lowest reveal then wins at the second-lowest price; without a reveal, the deposit goes back to the tenant"
      : order.bestPrice
        ? "the best bid then wins"
        : "without a bid by then, the deposit goes back to the tenant";
    if (!order.keeper)
      text = `Anyone may settle once the ${sealed ? "reveal window" : "window"} ends at ${time(end)}.`;
    else if (secondsLeft > 0)
      text = `Settles automatically at ${time(end)} (in ${formatDuration(secondsLeft)}): ${outcome}.`;
    else text = "Settling automatically now…";
  } else if (s) {
    const when = time(s.at);
    if (s.by === "keeper") text = `Settled automatically by the keeper at ${when}.`;
    else if (s.early) text = `The tenant accepted the best bid early, at ${when}.`;
    else if (s.by === "tenant") text = `Settled by the tenant at ${when}.`;
    else text = `Settled by ${s.sender ? shortHex(s.sender) : "another account"} at ${when}.`;
  }
  if (!text) return null;
  return (
    <p
      className="text-sm text-zinc-600 dark:text-zinc-400"
      data-testid="settlement-note"
      suppressHydrationWarning
    >
      {text}
    </p>
  );
}
