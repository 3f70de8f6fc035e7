"use client";

import { useChainSeconds } from "@/components/chain/use-chain-seconds";
import type { ChainClockAnchor } from "@/lib/chain/create-chain-clock";
import { startWait } from "@/lib/lease/start-wait";
import { formatDuration } from "@/lib/market/format";

// A settled lease whose workload is not attested Running yet: the tenant pays nothing meanwhile, and
// sees until when the provider has to start it before the escrow comes back with part of the
// provider's bond. Counts down on chain time (the deadline is a block timestamp). Shown on the
// order page (just settled) and the lease page.

export interface StartTimes {
  /** Chain seconds. */
  settledAt: number;
  attestedAt: number | null;
  startDeadline: number | null;
  unstarted: boolean;
}

const hhmm = (seconds: number) =>
  new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function StartWaitNote(props: {
  status: "active" | "closed";
  start: StartTimes;
  clock: ChainClockAnchor;
}) {
  const now = useChainSeconds(props.clock);
  const wait = startWait({ status: props.status, ...props.start, nowSeconds: now });
  if (wait.state === "waiting")
    return (
      <p
        role="status"
        data-testid="start-wait"
        data-state="waiting"
        className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-200"
        suppressHydrationWarning
      >
        Waiting for the provider to start — refund if not Running by {hhmm(wait.deadline)} (
        <span className="tabular-nums">{formatDuration(wait.secondsLeft)}</span> left). Nothing is charged
        until it runs.
      </p>
    );
  if (wait.state === "overdue")
    return (
      <p
        role="status"
        data-testid="start-wait"
        data-state="overdue"
        className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        suppressHydrationWarning
      >
        The provider did not start the workload by {hhmm(wait.deadline)}: the lease is being cancelled with a
        full refund and part of the provider's bond.
      </p>
    );
  return null;
}
