"use client";

import { useEffect, useRef, useState } from "react";
import { useAccount, useConnect, useDisconnect, useSwitchChain } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import { useSession } from "@/components/wallet/use-session";
import { shortMessage } from "@/lib/wagmi/short-message";

function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

export function WalletButton() {
  const { address, status, chainId } = useAccount();
  const { connectors, connect, error, isPending, reset } = useConnect();
  const { disconnect } = useDisconnect();
  const { signedIn, signOut } = useSession();
  const { switchChain } = useSwitchChain();
  const publicConfig = usePublicConfig();
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  // Which menu item has focus when the menu is open (WAI-ARIA menu button pattern: roving focus).
  const [active, setActive] = useState(0);

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  };
  const openAt = (index: number) => {
    reset();
    setActive(index);
    setOpen(true);
  };

  useEffect(() => {
    if (open) itemRefs.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onClick = (e: MouseEvent) => {
      if (menuRef.current && !menuRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onClick);
    return () => document.removeEventListener("mousedown", onClick);
  }, [open]);

  if (status === "connected" && address) {
    const wrongChain = chainId !== publicConfig.chainId;
    return (
      <div className="flex items-center gap-2">
        {wrongChain && (
          <button
            type="button"
            onClick={() => switchChain({ chainId: publicConfig.chainId })}
            className="rounded-md bg-amber-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800"
          >
            Switch network
          </button>
        )}
        <span
          data-testid="wallet-address"
          title={address}
          data-signed-in={signedIn}
          className="inline-flex items-center gap-2 rounded-md border border-zinc-200 px-3 py-1.5 font-mono text-sm dark:border-zinc-700"
        >
          {signedIn && (
            <span className="h-2 w-2 rounded-full bg-emerald-500" title="Signed in">
              <span className="sr-only">signed in as</span>
            </span>
          )}
          {shortAddress(address)}
        </span>
        <button
          type="button"
          onClick={() => {
            // Leaving with the wallet ends the server session too (the httpOnly cookie).
            if (signedIn) signOut.mutate();
            disconnect();
          }}
          data-testid="wallet-disconnect"
          className="rounded-md px-2 py-1.5 text-sm text-zinc-600 dark:text-zinc-400 hover:text-zinc-900 dark:hover:text-white"
        >
          Disconnect
        </button>
      </div>
    );
  }

  return (
    <div className="relative" ref={menuRef}>
      <button
        ref={buttonRef}
        type="button"
        id="wallet-menu-button"
        data-testid="wallet-connect"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? "wallet-menu" : undefined}
        onClick={() => (open ? close(false) : openAt(0))}
        onKeyDown={(e) => {
          // Enter and Space would also click; handled here so the first item gets focus either way.
          if (e.key === "Enter" || e.key === " " || e.key === "ArrowDown") {
            e.preventDefault();
            openAt(0);
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            openAt(connectors.length - 1);
          }
        }}
        disabled={isPending || status === "reconnecting"}
        className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {isPending ? "Connecting…" : status === "reconnecting" ? "Reconnecting…" : "Connect wallet"}
      </button>
      {open && (
        <div className="absolute left-0 z-50 mt-2 w-64 rounded-lg border border-zinc-200 bg-white p-2 shadow-lg md:left-auto md:right-0 dark:border-zinc-700 dark:bg-zinc-900">
          <div
            role="menu"
            id="wallet-menu"
            aria-labelledby="wallet-menu-button"
            tabIndex={-1}
            onKeyDown={(e) => {
              const last = connectors.length - 1;
              const moves: Record<string, number> = {
                ArrowDown: active >= last ? 0 : active + 1,
                ArrowUp: active <= 0 ? last : active - 1,
                Home: 0,
                End: last,
              };
              if (e.key in moves) {
                e.preventDefault();
                setActive(moves[e.key] ?? 0);
              } else if (e.key === "Escape") {
                // Marked as handled: the header's phone menu also closes on Escape, one press closes one menu.
                e.preventDefault();
                close(true);
              }
            }}
            onBlur={(e) => {
              // Tab (or a click) took focus out of the menu: close it, focus goes where it was sent.
              if (!menuRef.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
            }}
          >
            {connectors.map((connector, i) => (
              <button
                key={connector.uid}
                ref={(el) => {
                  itemRefs.current[i] = el;
                }}
                type="button"
                role="menuitem"
                tabIndex={i === active ? 0 : -1}
                data-testid={`connector-${connector.id}`}
                onClick={() => {
                  connect({ connector, chainId: publicConfig.chainId }, { onSuccess: () => setOpen(false) });
                }}
                className="flex w-full items-center justify-between rounded-md px-3 py-2 text-left text-sm hover:bg-zinc-100 focus:bg-zinc-100 dark:hover:bg-zinc-800 dark:focus:bg-zinc-800"
              >
                <span>{connector.id === "mock" ? "Test wallet (dev)" : connector.name}</span>
              </button>
            ))}
          </div>
          {error && (
            <p
              role="alert"
              className="mt-2 rounded-md bg-red-50 px-3 py-2 text-xs text-red-700 dark:bg-red-950 dark:text-red-300"
            >
              {/no provider|not found/i.test(error.message)
                ? "No browser wallet found. Install MetaMask or another wallet."
                : shortMessage(error)}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
