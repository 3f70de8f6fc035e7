"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { ProvidersTable } from "@/components/market/providers-table";
import { buttonClass } from "@/components/ui/button";
import { Card, Stat } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { fetchJson } from "@/lib/api/fetch-json";
import { formatBytes, formatCores } from "@/lib/market/format";
import type { MarketOverview } from "@/lib/market/get-market-overview";

// The market page: totals and regions, the providers table, capacity and winning-price charts.
// Charts load after the page (recharts is the heaviest part of the bundle).

const CapacityChart = dynamic(
  () => import("@/components/market/market-charts").then((m) => m.CapacityChart),
  {
    ssr: false,
    loading: () => <div className="h-56" />,
  },
);
const WinningPriceChart = dynamic(
  () => import("@/components/market/market-charts").then((m) => m.WinningPriceChart),
  {
    ssr: false,
    loading: () => <div className="h-56" />,
  },
);

export function MarketView(props: { initial: MarketOverview }) {
  const { data } = useQuery({
    queryKey: ["market"],
    queryFn: () => fetchJson<MarketOverview>("/api/market"),
    initialData: props.initial,
    refetchInterval: 10_000,
  });
  const now = Date.parse(data.generatedAt);
  const gpuTotal = Object.values(data.totals.gpus).reduce((a, b) => a + b, 0);

  if (data.totals.clusters === 0)
    return (
      <EmptyState
        testId="market-empty"
        title="No capacity listed yet"
        action={
          <Link href="/provider/onboard" className={buttonClass()}>
            List your cluster
          </Link>
        }
      >
        No provider has a cluster online. Providers with spare Kubernetes capacity can onboard a cluster in a
        few minutes and start earning from it.
      </EmptyState>
    );

  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="market-totals">
        <Stat
          label="Providers"
          value={data.totals.providers}
          hint={`${data.totals.clusters} clusters online`}
        />
        <Stat
          label="Free CPU"
          value={formatCores(data.totals.cpuMillis)}
          hint={`of ${formatCores(data.totals.allocatableCpuMillis)}`}
        />
        <Stat
          label="Free memory"
          value={formatBytes(data.totals.memoryBytes)}
          hint={`of ${formatBytes(data.totals.allocatableMemoryBytes)}`}
        />
        <Stat
          label="Free GPUs"
          value={gpuTotal}
          hint={
            Object.entries(data.totals.gpus)
              .map(([m, n]) => `${n}× ${m}`)
              .join(", ") || "none"
          }
        />
      </dl>

      <Card title="By region" testId="market-regions">
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {data.regions.map((r) => (
            <div
              key={r.region}
              className="rounded-lg border border-zinc-100 p-3 text-sm dark:border-zinc-800"
            >
              <p className="font-medium">{r.region}</p>
              <p className="mt-1 text-zinc-600 dark:text-zinc-400">
                {formatCores(r.cpuMillis)} · {formatBytes(r.memoryBytes)}
              </p>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                {r.providers} provider{r.providers === 1 ? "" : "s"}
                {Object.entries(r.gpus).map(([m, n]) => ` · ${n}× ${m}`)}
              </p>
            </div>
          ))}
        </div>
      </Card>

      <Card
        title="Providers"
        actions={
          <Link href="/deploy" className={buttonClass()} data-testid="market-deploy">
            Deploy a workload
          </Link>
        }
      >
        <ProvidersTable initial={data.providers} now={now} />
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Free capacity over time (6 h)">
          <CapacityChart history={data.capacityHistory} />
        </Card>
        <Card title="Winning prices (USD per CPU core-hour)">
          <WinningPriceChart prices={data.winningPrices} />
        </Card>
      </div>
    </div>
  );
}
