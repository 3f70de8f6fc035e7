// How a lease went, from the provider's side, for its public page (pure): did it start in time (the
// deployer's attestation against the start deadline), did the provider end it early (closed by the
// provider or its operator before its end), and how long after settlement it was Running.

export interface LeaseOutcomeInput {
  provider: string;
  status: "active" | "closed";
  /** Settlement; older rows without it use startedAt. */
  settledAt: Date | null;
  startedAt: Date;
  startDeadline: Date | null;
  attestedAt: Date | null;
  /** Set when the lease was cancelled unstarted (escrow refunded, bond slashed). */
  unstartedRefund: string | null;
  endsAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
}

export interface LeaseOutcome {
  start: "on-time" | "late" | "never" | "waiting";
  secondsToStart: number | null;
  endedEarly: boolean;
}

export function leaseOutcome(
  l: LeaseOutcomeInput,
  opts: { operator: string | null; now: Date },
): LeaseOutcome {
  const settled = l.settledAt ?? l.startedAt;
  const start: LeaseOutcome["start"] = l.attestedAt
    ? l.startDeadline && l.attestedAt > l.startDeadline
      ? "late"
      : "on-time"
    : l.unstartedRefund !== null || (l.startDeadline !== null && l.startDeadline <= opts.now)
      ? "never"
      : "waiting";
  const by = l.closedBy?.toLowerCase() ?? null;
  const byProvider = by !== null && (by === l.provider.toLowerCase() || by === opts.operator?.toLowerCase());
  return {
    start,
    secondsToStart: l.attestedAt
      ? Math.max(0, Math.round((l.attestedAt.getTime() - settled.getTime()) / 1000))
      : null,
    endedEarly:
      l.status === "closed" &&
      l.unstartedRefund === null &&
      byProvider &&
      l.closedAt !== null &&
      l.endsAt !== null &&
      l.closedAt < l.endsAt,
  };
}
