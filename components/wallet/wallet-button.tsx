"use client";

import { useEffect, useRef, useState } from "react";
import { useAccount, useConnect, useDisconnect, useSwitchChain } from "wagmi";
import { usePublicConfig } from "@/components/public-config";
import { useSession } from "@/components/wallet/use-session";
import { shortMessage } from "@/lib/wagmi/short-message";

export function shortAddress(address: string): string {
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

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => {
      if (menuRef.current && !menuRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  if (status === "connected" && address) {
    const wrongChain = chainId !== publicConfig.chainId;
    return (
      <div className="flex items-center gap-2">
        {wrongChain && (
          <button
            type="button"
            onClick={() => switchChain({ chainId: publicConfig.chainId })}
            className="rounded-md bg-amber-500 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-600"
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
          className="rounded-md px-2 py-1.5 text-sm text-zinc-500 hover:text-zinc-900 dark:hover:text-white"
        >
          Disconnect
        </button>
      </div>
    );
  }

  return (
    <div className="relative" ref={menuRef}>
      <button
        type="button"
        data-testid="wallet-connect"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => {
          reset();
          setOpen((v) => !v);
        }}
        disabled={isPending || status === "reconnecting"}
        className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {isPending ? "Connecting…" : status === "reconnecting" ? "Reconnecting…" : "Connect wallet"}
      </button>
      {open && (
        <div
          role="menu"
          className="absolute right-0 mt-2 w-64 rounded-lg border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {connectors.map((connector) => (
            <button
              key={connector.uid}
              type="button"
              role="menuitem"
              data-testid={`connector-${connector.id}`}
              onClick={() => {
                connect({ connector, chainId: publicConfig.chainId }, { onSuccess: () => setOpen(false) });
              }}
              className="flex w-full items-center justify-between rounded-md px-3 py-2 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <span>{connector.id === "mock" ? "Test wallet (dev)" : connector.name}</span>
            </button>
          ))}
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
