import type { LeaseStatusView, LiveMessage } from "@/lib/lease/types";

// The in-process fan-out of live lease data: the metrics poller publishes one message per lease and
// poll, every browser watching that lease (an SSE stream) gets it. Nobody subscribing never causes a
// cluster request, and a thousand subscribers cause none either: the poller polls, the hub only copies.
// It keeps the last status so a new subscriber sees pods at once, with when its events and endpoints
// were last read (the poller reads them only for watched leases).

type Listener = (message: LiveMessage) => void;

export class MetricsHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly lastStatus = new Map<
    string,
    { at: string; status: LeaseStatusView; detailsAt: string | null }
  >();
  /** Set by a metrics poller running in this process; otherwise streams fall back to the database. */
  pollerActive = false;

  subscribe(leaseId: string, listener: Listener): () => void {
    let set = this.listeners.get(leaseId);
    if (!set) {
      set = new Set();
      this.listeners.set(leaseId, set);
    }
    set.add(listener);
    const last = this.lastStatus.get(leaseId);
    if (last) listener({ type: "status", at: last.at, status: last.status });
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(leaseId);
    };
  }

  /** `detailsAt`: when a status message's events and endpoints were read (default: with its pods). */
  publish(leaseId: string, message: LiveMessage, opts: { detailsAt?: string | null } = {}): void {
    if (message.type === "status")
      this.lastStatus.set(leaseId, {
        at: message.at,
        status: message.status,
        detailsAt: opts.detailsAt === undefined ? message.at : opts.detailsAt,
      });
    for (const listener of this.listeners.get(leaseId) ?? []) {
      try {
        listener(message);
      } catch {
        // a broken subscriber must not stop the others
      }
    }
  }

  latestStatus(leaseId: string) {
    return this.lastStatus.get(leaseId) ?? null;
  }

  forget(leaseId: string): void {
    this.lastStatus.delete(leaseId);
  }

  subscriberCount(leaseId?: string): number {
    if (leaseId) return this.listeners.get(leaseId)?.size ?? 0;
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}

const globalForHub = globalThis as unknown as { kubebidMetricsHub?: MetricsHub };

/** The process's hub (one per process, shared by the poller and the SSE routes). */
export function getMetricsHub(): MetricsHub {
  globalForHub.kubebidMetricsHub ??= new MetricsHub();
  return globalForHub.kubebidMetricsHub;
}
