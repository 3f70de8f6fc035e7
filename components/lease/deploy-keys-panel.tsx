"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { getAddress, isAddress } from "viem";
import { useMarketTx } from "@/components/market/use-market-tx";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, inputClass } from "@/components/ui/field";
import { fetchJson } from "@/lib/api/fetch-json";
import { shortHex, timeAgo } from "@/lib/market/format";

// The tenant's deploy keys (ComputeMarket delegates) that may update this lease: granted for it alone or
// for all of the tenant's leases. Granting and revoking are setDelegate from the tenant's wallet; the list
// comes from the indexer, so after a change it is polled until the indexed events show it.

type Scope = "lease" | "all";
type Pending = { delegate: string; scope: Scope; allowed: boolean };
/** The route's answer as JSON (lib/lease/list-lease-deploy-keys.ts). */
type Grant = { delegate: string; leaseId: string; grantedAt: string };
type DeployKeys = { thisLease: Grant[]; allLeases: Grant[] };

/** What the tenant typed as a deploy key's address, or why it cannot be one. */
function checkDelegate(
  text: string,
  tenant: string,
): { ok: true; address: `0x${string}` } | { ok: false; error: string } {
  const value = text.trim();
  if (value === "") return { ok: false, error: "Enter the deploy key's address." };
  if (!isAddress(value))
    return { ok: false, error: "Not an address: 0x and 40 hex digits (mixed case must match its checksum)." };
  if (BigInt(value) === 0n) return { ok: false, error: "The zero address cannot be a deploy key." };
  if (value.toLowerCase() === tenant.toLowerCase())
    return { ok: false, error: "That is your own address: you can already update your leases." };
  return { ok: true, address: getAddress(value) };
}

export function DeployKeysPanel(props: { leaseId: string; tenant: string }) {
  const tx = useMarketTx();
  const [input, setInput] = useState("");
  const [scope, setScope] = useState<Scope>("lease");
  const [pending, setPending] = useState<Pending | null>(null);
  const keys = useQuery({
    queryKey: ["deploy-keys", props.leaseId],
    queryFn: () => fetchJson<DeployKeys>(`/api/leases/${props.leaseId}/delegates`),
    refetchInterval: pending ? 2_000 : false,
  });
  // Stop polling once the indexed list shows the change we sent.
  useEffect(() => {
    if (!pending || !keys.data) return;
    const list = pending.scope === "lease" ? keys.data.thisLease : keys.data.allLeases;
    const listed = list.some((g) => g.delegate === pending.delegate.toLowerCase());
    if (listed === pending.allowed) setPending(null);
  }, [keys.data, pending]);

  const check = checkDelegate(input, props.tenant);
  const send = async (delegate: `0x${string}`, where: Scope, allowed: boolean) => {
    const id = where === "lease" ? BigInt(props.leaseId) : 0n;
    const label = allowed ? "Adding the deploy key…" : "Revoking the deploy key…";
    if (await tx.run({ fn: "setDelegate", delegate, id, allowed }, label)) {
      setPending({ delegate, scope: where, allowed });
      if (allowed) setInput("");
      void keys.refetch();
    }
  };

  const rows = keys.data
    ? [
        ...keys.data.thisLease.map((g) => ({ ...g, scope: "lease" as const })),
        ...keys.data.allLeases.map((g) => ({ ...g, scope: "all" as const })),
      ]
    : [];
  return (
    <Card title="Deploy keys" testId="deploy-keys">
      <p className="mb-3 text-xs text-zinc-600 dark:text-zinc-400">
        A deploy key (e.g. your CI) can update this lease's spec (a new image, replicas…); it cannot close the
        lease, withdraw, or top up.
      </p>
      {keys.isError ? (
        <ErrorNote testId="deploy-keys-load-error">{(keys.error as Error).message}</ErrorNote>
      ) : !keys.data ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="deploy-keys-empty">
          No deploy keys: only your wallet can update this lease.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" data-testid="deploy-keys-list">
          {rows.map((g) => (
            <li
              key={`${g.scope}-${g.delegate}`}
              className="flex items-center justify-between gap-2 py-2"
              data-testid="deploy-key"
            >
              <span>
                <span className="font-mono" title={g.delegate}>
                  {shortHex(g.delegate, 6)}
                </span>{" "}
                <span className="text-xs text-zinc-600 dark:text-zinc-400">
                  {g.scope === "lease" ? "this lease" : "all your leases"} · added {timeAgo(g.grantedAt)}
                </span>
              </span>
              <Button
                variant="ghost"
                size="sm"
                data-testid="deploy-key-revoke"
                disabled={Boolean(tx.pending)}
                onClick={() => send(g.delegate as `0x${string}`, g.scope, false)}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}

      <div className="mt-4 space-y-2 border-t border-zinc-100 pt-4 dark:border-zinc-800">
        <div className="flex flex-wrap items-center gap-2">
          <input
            aria-label="Deploy key address"
            data-testid="deploy-key-address"
            placeholder="0x…"
            className={`${inputClass.replace("w-full ", "")} w-full font-mono sm:w-96`}
            aria-invalid={input !== "" && !check.ok}
            aria-describedby={input !== "" && !check.ok ? "deploy-key-address-error" : undefined}
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
          <select
            aria-label="Scope"
            data-testid="deploy-key-scope"
            className={`${inputClass.replace("w-full ", "")} w-auto`}
            value={scope}
            onChange={(e) => setScope(e.target.value as Scope)}
          >
            <option value="lease">This lease</option>
            <option value="all">All my leases</option>
          </select>
          <Button
            data-testid="deploy-key-add"
            disabled={Boolean(tx.pending) || !check.ok}
            onClick={() => check.ok && send(check.address, scope, true)}
          >
            Add
          </Button>
        </div>
        {input !== "" && !check.ok && (
          <p id="deploy-key-address-error" role="alert" className="text-xs text-red-600 dark:text-red-400">
            {check.error}
          </p>
        )}
        {tx.pending && <p className="text-xs text-zinc-600 dark:text-zinc-400">{tx.pending}</p>}
        {pending && !tx.pending && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="deploy-keys-syncing">
            Confirmed on chain; waiting for the indexer to list it…
          </p>
        )}
        {tx.error && <ErrorNote testId="deploy-keys-error">{tx.error}</ErrorNote>}
      </div>
    </Card>
  );
}
