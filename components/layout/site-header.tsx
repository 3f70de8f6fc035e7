"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { AlertBell } from "@/components/alerts/alert-bell";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { useDismiss } from "@/components/ui/use-dismiss";
import { WalletButton } from "@/components/wallet/wallet-button";

const nav = [
  { href: "/", label: "Market" },
  { href: "/deploy", label: "Deploy" },
  { href: "/leases", label: "Leases" },
  { href: "/provider", label: "Provider" },
] as const;

// Below the `md` breakpoint the navigation and the wallet fold into a menu under a toggle button
// (a disclosure: the same elements, shown as a panel), so a 390 px phone reaches every page and the
// wallet. They are rendered once, not once per layout, so their test ids stay unique.

export function SiteHeader() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  // Navigating closes the menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on route change only
  useEffect(() => setOpen(false), [pathname]);

  useDismiss({ open, close, panel: panelRef, toggle: toggleRef });

  return (
    <header className="sticky top-0 z-40 border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/80">
      <div className="relative mx-auto flex h-14 max-w-7xl items-center gap-2 px-4 sm:px-6 md:gap-6">
        <Link
          href="/"
          className="flex shrink-0 items-center gap-2 font-semibold tracking-tight"
          data-testid="brand"
        >
          <span
            aria-hidden
            className="grid h-7 w-7 place-items-center rounded-md bg-brand-600 text-xs font-bold text-white"
          >
            KB
          </span>
          KubeBid
        </Link>
        <div
          id="site-menu"
          ref={panelRef}
          data-testid="site-menu"
          data-open={open}
          className={`${
            open ? "flex" : "hidden"
          } absolute inset-x-0 top-14 flex-col gap-4 border-b border-zinc-200 bg-white p-4 shadow-lg dark:border-zinc-800 dark:bg-zinc-950 md:static md:flex md:flex-1 md:flex-row md:items-center md:border-0 md:bg-transparent md:p-0 md:shadow-none md:dark:bg-transparent`}
        >
          <nav aria-label="Main" className="flex flex-col gap-1 text-sm md:flex-row md:items-center">
            {nav.map((item) => {
              const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
              return (
                <Link
                  key={item.href}
                  href={item.href}
                  aria-current={active ? "page" : undefined}
                  className={`rounded-md px-3 py-2 transition-colors md:py-1.5 ${
                    active
                      ? "bg-zinc-100 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-white"
                      : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white"
                  }`}
                >
                  {item.label}
                </Link>
              );
            })}
          </nav>
          <div className="md:ml-auto">
            <WalletButton />
          </div>
        </div>
        <div className="ml-auto flex items-center gap-1 md:ml-0">
          <AlertBell />
          <ThemeToggle />
          <button
            ref={toggleRef}
            type="button"
            data-testid="menu-toggle"
            aria-expanded={open}
            aria-controls="site-menu"
            onClick={() => setOpen((v) => !v)}
            className="grid h-9 w-9 place-items-center rounded-md text-zinc-700 hover:bg-zinc-100 md:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            <span className="sr-only">Menu</span>
            <svg
              viewBox="0 0 24 24"
              className="h-5 w-5"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              aria-hidden
            >
              {open ? <path d="M6 6l12 12M18 6L6 18" /> : <path d="M4 7h16M4 12h16M4 17h16" />}
            </svg>
          </button>
        </div>
      </div>
    </header>
  );
}
