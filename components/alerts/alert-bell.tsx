"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { AlertItem } from "@/components/alerts/alert-item";
import { useAlerts } from "@/components/alerts/use-alerts";
import { Button } from "@/components/ui/button";
import { useDismiss } from "@/components/ui/use-dismiss";

// The header's bell: the unread count on a button that opens the latest alerts (a disclosure, like
// the header's menu: Escape or a click outside closes it and focus returns to the bell). The count
// is announced politely when it changes, not on every poll. Shown only to a signed-in wallet.

const SHOWN = 8;

export function AlertBell() {
  const { signedIn, query, markRead } = useAlerts();
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  const pathname = usePathname();

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on route change only
  useEffect(() => setOpen(false), [pathname]);

  useDismiss({ open, close, panel: panelRef, toggle: buttonRef, claimEscape: true });

  if (!signedIn) return null;
  const unread = query.data?.unread ?? 0;
  const alerts = query.data?.alerts.slice(0, SHOWN) ?? [];
  const countText = unread > 99 ? "99+" : String(unread);
  return (
    <div className="md:relative">
      <button
        ref={buttonRef}
        type="button"
        data-testid="alert-bell"
        aria-expanded={open}
        aria-controls="alert-panel"
        onClick={() => setOpen((v) => !v)}
        className="relative grid h-9 w-9 place-items-center rounded-md text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
      >
        <span className="sr-only">Notifications{unread > 0 ? `, ${unread} unread` : ""}</span>
        <svg
          viewBox="0 0 24 24"
          className="h-5 w-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          aria-hidden
        >
          <path d="M18 8a6 6 0 10-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 01-3.4 0" />
        </svg>
        {unread > 0 && (
          <span
            aria-hidden
            data-testid="alert-unread-count"
            className="absolute -right-0.5 -top-0.5 grid h-4 min-w-4 place-items-center rounded-full bg-red-600 px-1 text-[10px] font-semibold leading-none text-white"
          >
            {countText}
          </span>
        )}
      </button>
      <span className="sr-only" aria-live="polite" data-testid="alert-live">
        {query.data ? `${unread} unread ${unread === 1 ? "notification" : "notifications"}` : ""}
      </span>
      {open && (
        <section
          id="alert-panel"
          ref={panelRef}
          data-testid="alert-panel"
          aria-label="Notifications"
          className="absolute inset-x-2 top-14 z-50 rounded-xl border border-zinc-200 bg-white p-4 shadow-lg md:inset-x-auto md:right-0 md:top-11 md:w-96 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="mb-1 flex items-center justify-between gap-2">
            <h2 className="text-sm font-semibold">Notifications</h2>
            <Button
              variant="ghost"
              size="sm"
              data-testid="alert-mark-all-read"
              disabled={unread === 0 || markRead.isPending}
              onClick={() => markRead.mutate("all")}
            >
              Mark all read
            </Button>
          </div>
          {alerts.length === 0 ? (
            <p className="py-6 text-center text-sm text-zinc-600 dark:text-zinc-400">No notifications yet.</p>
          ) : (
            <ul className="max-h-[60vh] divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
              {alerts.map((a) => (
                <li key={a.id}>
                  <AlertItem
                    alert={a}
                    onOpen={() => {
                      if (!a.read) markRead.mutate([a.id]);
                      setOpen(false);
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
          <div className="mt-2 flex flex-wrap justify-between gap-2 border-t border-zinc-100 pt-3 text-sm dark:border-zinc-800">
            <Link href="/alerts" className="font-medium text-brand-700 hover:underline dark:text-brand-400">
              All notifications
            </Link>
            <Link
              href="/settings/alerts"
              className="font-medium text-brand-700 hover:underline dark:text-brand-400"
            >
              Alert settings
            </Link>
          </div>
        </section>
      )}
    </div>
  );
}
