"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { useSession } from "@/components/wallet/use-session";
import { fetchJson } from "@/lib/api/fetch-json";
import type { TenantActivity } from "@/lib/lease/list-tenant-activity";
import { timeAgo } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";

export function LeaseList() {
  const { signedIn, signIn, session } = useSession();
  const query = useQuery({
    queryKey: ["my-leases"],
    queryFn: () => fetchJson<TenantActivity>("/api/leases"),
    enabled: signedIn,
    refetchInterval: 5000,
  });
  if (!signedIn)
    return (
      <EmptyState
        testId="leases-sign-in"
        title="Sign in to see your leases"
        action={
          <Button
            data-testid="sign-in"
            disabled={signIn.isPending || session.isLoading}
            onClick={() => signIn.mutate()}
          >
            Sign in with your wallet
          </Button>
        }
      >
        Connect your wallet (in the header), then sign in. Signing in costs nothing.
      </EmptyState>
    );
  const data = query.data;
  if (!data) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>;
  if (data.leases.length === 0 && data.orders.length === 0)
    return (
      <EmptyState
        testId="leases-empty"
        title="No leases yet"
        action={
          <Link href="/deploy" className={buttonClass()}>
            Deploy something
          </Link>
        }
      >
        Your orders and leases appear here.
      </EmptyState>
    );
  return (
    <div className="space-y-6">
      {data.orders.length > 0 && (
        <Card title="Orders in auction">
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {data.orders.map((o) => (
              <li key={o.id} className="flex items-center justify-between py-2" data-testid="order-item">
                <Link
                  href={`/orders/${o.id}`}
                  className="font-medium text-brand-600 dark:text-brand-400 hover:underline"
                >
                  Order #{o.id}
                </Link>
                <span className="text-zinc-600 dark:text-zinc-400">
                  {o.bidCount} bids · best {o.bestPrice ? `${formatTokenAmount(o.bestPrice)}/h` : "—"} ·{" "}
                  <Badge>{o.status}</Badge>
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Leases">
        <Table label="Leases">
          <THead>
            <Th>Lease</Th>
            <Th>Provider</Th>
            <Th>Price</Th>
            <Th>Workload</Th>
            <Th>Started</Th>
          </THead>
          <TBody>
            {data.leases.map((l) => (
              <tr key={l.id} data-testid="lease-item">
                <td>
                  <Link
                    href={`/leases/${l.id}`}
                    className="font-medium text-brand-600 dark:text-brand-400 hover:underline"
                  >
                    Lease #{l.id}
                  </Link>{" "}
                  {l.role === "provider" && <Badge tone="blue">as provider</Badge>}
                </td>
                <td>{l.providerName ?? l.provider.slice(0, 10)}</td>
                <td className="tabular-nums">{formatTokenAmount(l.pricePerHour)}/h</td>
                <td>
                  <Badge
                    tone={l.status === "closed" ? "gray" : l.deployState === "running" ? "green" : "amber"}
                  >
                    {l.status === "closed" ? "closed" : l.deployState.replace("_", " ")}
                  </Badge>
                </td>
                <td className="text-zinc-600 dark:text-zinc-400" suppressHydrationWarning>
                  {timeAgo(l.startedAt)}
                </td>
              </tr>
            ))}
          </TBody>
        </Table>
      </Card>
    </div>
  );
}
