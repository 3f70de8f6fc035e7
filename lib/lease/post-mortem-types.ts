import type { LeaseEvent, LeasePod } from "@/lib/lease/types";

// A closed lease's post-mortem as stored (lease_post_mortems.body) and shown on its page. Client-safe.
// Everything in it came from the provider's cluster: lib/lease/capture-post-mortem.ts validates it and
// keeps it within these bounds.

/** Lines kept per log (the last ones). */
export const POST_MORTEM_LOG_LINES = 1_000;
/** Characters kept per log line; a longer line ends in "…". */
export const POST_MORTEM_LINE_CHARS = 2_000;
/** Logs captured at most (a container's current and previous each count); the rest are listed as left out. */
export const POST_MORTEM_MAX_LOGS = 48;

export interface PostMortemLog {
  pod: string;
  container: string;
  /** The previous (terminated) instance of the container, as `kubectl logs --previous`. */
  previous: boolean;
  lines: string[];
  /** Lines or characters were cut (more than POST_MORTEM_LOG_LINES, or a line too long). */
  truncated: boolean;
  /** Why this log could not be read, or was left out. */
  error: string | null;
}

export interface PostMortem {
  /** What ended the workload: the lease closed on chain, or it ran out (escrow or duration). */
  trigger: "closed" | "exhausted";
  /** The on-chain close reason as text (LeaseClosed's `reason`), when it was closed with one. */
  closeReason: string | null;
  /** When the pods and events were read: at capture, or when the status store last saw them. */
  observedAt: string | null;
  /** Why the cluster could not be read at close (then pods and events are what was last seen). */
  clusterError: string | null;
  pods: LeasePod[];
  events: LeaseEvent[];
  logs: PostMortemLog[];
}

/** A post-mortem as the lease page reads it (GET /api/leases/[id]/post-mortem). */
export interface PostMortemView {
  capturedAt: string;
  /** false: the cluster did not answer at close; pods and events are what was last seen. */
  reachable: boolean;
  body: PostMortem;
}
