import "server-only";
import { createHash } from "node:crypto";
import { and, eq, gte, inArray, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertSettings, type Lease, leaseStatus, leases, orders } from "@/db/schema";
import { type EffectiveAlertSettings, effectiveSettings } from "@/lib/alerts/alert-settings";
import { type AlertCandidate, raiseAlert } from "@/lib/alerts/raise-alert";
import { type LeaseTerms, leaseMoneyAt } from "@/lib/lease/lease-money-at";
import { formatDuration } from "@/lib/market/format";

// One pass of the alerts loop: every condition worth an alert, read from what the database already
// holds (leases and orders from the indexer, pods from the lease controller's lease_status rows) and
// the lease's money terms from the chain (runway, computed as the lease page does). Every condition
// seen is raised on every pass; raiseAlert's unique (kind, subject, episode) keeps one alert per
// episode, so a pass is idempotent and a standby that takes over repeats nothing.
//
// Alerts go to the lease's or order's tenant. Closed leases and bid-less orders are looked at for
// LOOKBACK_MS after the fact, so a first start does not alert on the whole history.

const LOOKBACK_MS = 24 * 3600_000;

export interface EvaluateAlertsOptions {
  db: Db;
  now: Date;
  /** Chain time (seconds) for runway; the wall clock or the chain's latest block, whichever is later. */
  chainSeconds: number;
  /** A lease's money terms (lib/lease/read-lease-terms.ts; tests pass fixed terms). */
  readTerms: (lease: Lease) => Promise<LeaseTerms>;
  emailEnabled: boolean;
}

export async function evaluateAlerts(opts: EvaluateAlertsOptions): Promise<number> {
  const { db, now } = opts;
  const since = new Date(now.getTime() - LOOKBACK_MS);
  const activeLeases = await db.select().from(leases).where(eq(leases.status, "active"));
  const closedLeases = await db
    .select()
    .from(leases)
    .where(and(eq(leases.status, "closed"), gte(leases.closedAt, since)));
  const unbidOrders = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.bidCount, 0),
        inArray(orders.status, ["open", "expired"]),
        lte(orders.bidWindowEndsAt, now),
        gte(orders.bidWindowEndsAt, since),
      ),
    );
  const statuses = activeLeases.length
    ? await db
        .select()
        .from(leaseStatus)
        .where(
          inArray(
            leaseStatus.leaseId,
            activeLeases.map((l) => l.id),
          ),
        )
    : [];

  const wallets = new Set(
    [...activeLeases, ...closedLeases, ...unbidOrders].map((r) => r.tenant.toLowerCase()),
  );
  const settingsRows = wallets.size
    ? await db
        .select()
        .from(alertSettings)
        .where(inArray(alertSettings.wallet, [...wallets]))
    : [];
  const byWallet = new Map(settingsRows.map((r) => [r.wallet, r]));
  const settingsOf = (wallet: string) =>
    effectiveSettings(wallet.toLowerCase(), byWallet.get(wallet.toLowerCase()));

  let raised = 0;
  const raise = async (settings: EffectiveAlertSettings, alert: AlertCandidate) => {
    const id = await raiseAlert({ db, settings, alert, emailEnabled: opts.emailEnabled, now });
    if (id !== null) raised++;
  };

  for (const lease of activeLeases) {
    const settings = settingsOf(lease.tenant);
    if (settings.kinds.includes("runway-low")) {
      const terms = await opts.readTerms(lease);
      const runway = leaseMoneyAt(terms, opts.chainSeconds).runwaySeconds;
      const threshold = settings.runwayThresholdSeconds;
      if (terms.status === "active" && runway < threshold)
        await raise(settings, {
          kind: "runway-low",
          subject: `lease:${lease.id}`,
          // The escrow only grows (top-ups) and runway only shrinks between top-ups: one crossing per
          // (escrow, threshold). A top-up or a new threshold starts a new episode.
          episode: `${terms.escrow}@${threshold}`,
          leaseId: lease.id,
          message: `Lease #${lease.id} has ${formatDuration(runway)} of runway left, below your ${formatDuration(threshold)} threshold. Top up its escrow to keep it running.`,
        });
    }
    if (lease.deployState === "failed")
      await raise(settings, {
        kind: "deploy-failed",
        subject: `lease:${lease.id}`,
        episode: shortHash(lease.deployError ?? ""),
        leaseId: lease.id,
        message: `Lease #${lease.id} could not be deployed: ${lease.deployError ?? "no reason given"}.`,
      });
  }

  const tenantOf = new Map(activeLeases.map((l) => [l.id, l.tenant]));
  for (const row of statuses) {
    const tenant = tenantOf.get(row.leaseId);
    if (!tenant) continue;
    const settings = settingsOf(tenant);
    for (const pod of row.status.pods) {
      const reasons = new Set([...(pod.reasons ?? []), ...(pod.reason ? [pod.reason] : [])]);
      const subject = `lease:${row.leaseId}/pod:${pod.name}`;
      if (reasons.has("CrashLoopBackOff"))
        await raise(settings, {
          kind: "pod-crash-loop",
          subject,
          episode: "CrashLoopBackOff",
          leaseId: row.leaseId,
          message: `Pod ${pod.name} of lease #${row.leaseId} is crash-looping (${pod.restarts} restarts).`,
        });
      if (reasons.has("OOMKilled"))
        await raise(settings, {
          kind: "pod-oom-killed",
          subject,
          episode: "OOMKilled",
          leaseId: row.leaseId,
          message: `A container of pod ${pod.name} (lease #${row.leaseId}) was OOMKilled: it used more memory than its limit.`,
        });
    }
  }

  for (const lease of closedLeases)
    await raise(settingsOf(lease.tenant), {
      kind: "lease-closed",
      subject: `lease:${lease.id}`,
      episode: "closed",
      leaseId: lease.id,
      message: `Lease #${lease.id} was closed${lease.closeReason ? ` (${lease.closeReason})` : ""}.`,
    });

  for (const order of unbidOrders)
    await raise(settingsOf(order.tenant), {
      kind: "order-no-bids",
      subject: `order:${order.id}`,
      episode: "window-ended",
      orderId: order.id,
      message: `Order #${order.id}'s bid window ended without a bid. Raise the maximum price or relax its requirements and order again.`,
    });

  return raised;
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
