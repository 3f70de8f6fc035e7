"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import type { DeliveryView } from "@/lib/alerts/alert-kinds";
import { fetchJson } from "@/lib/api/fetch-json";
import { timeAgo } from "@/lib/market/format";

// Every webhook and email delivery of the wallet's alerts (and webhook tests): where to, how many
// attempts, the outcome and the last error, so a receiver's problem can be found here.

const tone = { sent: "green", pending: "amber", failed: "red" } as const;

export function DeliveryLog() {
  const query = useQuery({
    queryKey: ["alert-deliveries"],
    queryFn: () => fetchJson<{ deliveries: DeliveryView[] }>("/api/alerts/deliveries"),
    refetchInterval: 10_000,
  });
  const rows = query.data?.deliveries ?? [];
  return (
    <Card title="Delivery log" testId="delivery-log">
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {query.isLoading ? "Loading…" : "Nothing sent yet."}
        </p>
      ) : (
        <Table label="Delivery log" testId="delivery-table">
          <THead>
            <Th>When</Th>
            <Th>Channel</Th>
            <Th>To</Th>
            <Th>Status</Th>
            <Th>Attempts</Th>
            <Th>Last error</Th>
          </THead>
          <TBody>
            {rows.map((d) => (
              <tr key={d.id} data-testid="delivery-row" className="align-top">
                <td className="whitespace-nowrap">
                  <time dateTime={d.createdAt}>{timeAgo(d.createdAt)}</time>
                </td>
                <td>{d.alertId === null ? `${d.channel} (test)` : d.channel}</td>
                <td className="min-w-56 break-all">{d.target}</td>
                <td>
                  <Badge tone={tone[d.status]}>{d.status}</Badge>
                  {d.nextAttemptAt && (
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      next try{" "}
                      <time dateTime={d.nextAttemptAt}>{new Date(d.nextAttemptAt).toLocaleTimeString()}</time>
                    </span>
                  )}
                </td>
                <td className="tabular-nums">{d.attempts}</td>
                <td className="min-w-48 break-words text-xs text-zinc-600 dark:text-zinc-400">
                  {d.lastError ?? (d.responseStatus ? `HTTP ${d.responseStatus}` : "—")}
                </td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
