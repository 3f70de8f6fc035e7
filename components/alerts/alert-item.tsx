"use client";

import Link from "next/link";
import { type AlertView, alertKinds } from "@/lib/alerts/alert-kinds";
import { timeAgo } from "@/lib/market/format";

// One alert in the bell's panel and on the notifications page: its kind, message, age and a link to
// the lease or order it is about. Unread alerts carry a dot (and say so to screen readers).

export function alertHref(alert: Pick<AlertView, "leaseId" | "orderId">): string | null {
  if (alert.leaseId) return `/leases/${alert.leaseId}`;
  if (alert.orderId) return `/orders/${alert.orderId}`;
  return null;
}

export function AlertItem(props: { alert: AlertView; onOpen?: () => void; action?: React.ReactNode }) {
  const { alert } = props;
  const label = alertKinds.find((k) => k.kind === alert.kind)?.label ?? alert.kind;
  const href = alertHref(alert);
  return (
    <div className="flex items-start gap-3 py-3" data-testid="alert-item" data-read={alert.read}>
      <span
        aria-hidden
        className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${alert.read ? "bg-transparent" : "bg-brand-600 dark:bg-brand-400"}`}
      />
      <div className="min-w-0 flex-1 space-y-0.5">
        <p className="text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          {label}
          {!alert.read && <span className="sr-only"> (unread)</span>}
        </p>
        <p className="break-words text-sm text-zinc-900 dark:text-zinc-100">
          {href ? (
            <Link href={href} onClick={props.onOpen} className="hover:underline">
              {alert.message}
            </Link>
          ) : (
            alert.message
          )}
        </p>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          <time dateTime={alert.createdAt}>{timeAgo(alert.createdAt)}</time>
        </p>
      </div>
      {props.action}
    </div>
  );
}
