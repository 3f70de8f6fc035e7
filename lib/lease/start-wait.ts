// Whether a lease's workload has been attested Running, and if not, how long the provider has left:
// past the start deadline unattested, the tenant is owed the whole escrow back plus part of the
// provider's bond (the keeper calls cancelUnstarted; anyone may). Client-safe, ticked each second.

export type StartWait =
  | { state: "started"; attestedAt: number; secondsToRunning: number }
  | { state: "waiting"; deadline: number; secondsLeft: number }
  | { state: "overdue"; deadline: number }
  | { state: "cancelled" }
  | { state: "unknown" };

export interface StartWaitInput {
  status: "active" | "closed";
  /** Chain seconds: settlement, attestation (null: none yet), the absolute start deadline (null: unknown). */
  settledAt: number;
  attestedAt: number | null;
  startDeadline: number | null;
  /** The lease was closed by cancelUnstarted (LeaseUnstarted indexed). */
  unstarted: boolean;
  nowSeconds: number;
}

export function startWait(input: StartWaitInput): StartWait {
  if (input.attestedAt !== null)
    return {
      state: "started",
      attestedAt: input.attestedAt,
      secondsToRunning: Math.max(0, input.attestedAt - input.settledAt),
    };
  if (input.unstarted) return { state: "cancelled" };
  if (input.status !== "active" || input.startDeadline === null) return { state: "unknown" };
  const left = input.startDeadline - Math.floor(input.nowSeconds);
  return left > 0
    ? { state: "waiting", deadline: input.startDeadline, secondsLeft: left }
    : { state: "overdue", deadline: input.startDeadline };
}
