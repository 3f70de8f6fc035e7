import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/db";
import { getMarketSummary } from "@/lib/market/get-market-summary";

export default async function MarketPage() {
  const summary = await getMarketSummary({ db: await getDb() });
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Market</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Kubernetes capacity offered by providers right now. Prices are set by reverse auction: providers bid
          down, the lowest bid wins.
        </p>
      </div>
      {summary.clusters === 0 ? (
        <EmptyState
          testId="market-empty"
          title="No capacity listed yet"
          action={
            <Link
              href="/provider/onboard"
              className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
            >
              List your cluster
            </Link>
          }
        >
          No provider has a cluster online. Providers with spare Kubernetes capacity can onboard a cluster in
          a few minutes and start earning from it.
        </EmptyState>
      ) : (
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="market-totals">
          <Stat label="Providers" value={String(summary.providers)} />
          <Stat label="Free CPU" value={`${(summary.cpuMillis / 1000).toFixed(1)} cores`} />
          <Stat label="Free memory" value={`${(summary.memoryBytes / 2 ** 30).toFixed(0)} GiB`} />
          <Stat label="Free GPUs" value={String(Object.values(summary.gpus).reduce((a, b) => a + b, 0))} />
        </dl>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
    </div>
  );
}
