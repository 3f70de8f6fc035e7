import { MarketView } from "@/components/market/market-view";
import { getDb } from "@/db";
import { getMarketOverview } from "@/lib/market/get-market-overview";

export default async function MarketPage() {
  const overview = await getMarketOverview({ db: await getDb() });
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Market</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Kubernetes capacity offered by providers right now. Prices are set by reverse auction: providers bid
          down, the lowest bid wins.
        </p>
      </div>
      <MarketView initial={overview} />
    </div>
  );
}
