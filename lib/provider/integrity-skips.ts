// The bid engine's skips that the provider can act on (client-safe): orders it could not cover with
// its free bond, and orders whose minimum reputation it misses. The console sums them up above the
// decision log, with the latest reason, so a provider sees why it stopped winning and what to do.

export type IntegritySkipCause = "bond" | "reputation";

export interface SkipDecision {
  action: string;
  reason: string;
  orderId: string;
  at: string;
}

/** Which integrity rule a skip decision's reason names, if any (the bid engine's reasons say "bond" or "reputation"). */
export function integritySkipCause(d: Pick<SkipDecision, "action" | "reason">): IntegritySkipCause | null {
  if (d.action !== "skip") return null;
  if (/\bbond\b/i.test(d.reason)) return "bond";
  if (/\breputation\b/i.test(d.reason)) return "reputation";
  return null;
}

export interface IntegritySkipSummary {
  cause: IntegritySkipCause;
  /** Distinct orders skipped for it. */
  orders: number;
  /** The most recent such decision (decisions come newest first). */
  latest: SkipDecision;
}

/** Per cause, how many distinct orders were skipped and the latest reason; causes in a fixed order. */
export function summarizeIntegritySkips(decisions: SkipDecision[]): IntegritySkipSummary[] {
  const byCause = new Map<IntegritySkipCause, { orders: Set<string>; latest: SkipDecision }>();
  for (const d of decisions) {
    const cause = integritySkipCause(d);
    if (!cause) continue;
    const entry = byCause.get(cause);
    if (entry) entry.orders.add(d.orderId);
    else byCause.set(cause, { orders: new Set([d.orderId]), latest: d });
  }
  return (["bond", "reputation"] as const).flatMap((cause) => {
    const e = byCause.get(cause);
    return e ? [{ cause, orders: e.orders.size, latest: e.latest }] : [];
  });
}
