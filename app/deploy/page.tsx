import type { Metadata } from "next";
import { DeployForm } from "@/components/deploy/deploy-form";
import { getDb } from "@/db";
import { getOffers } from "@/lib/market/get-offers";

export const metadata: Metadata = { title: "Deploy" };

export default async function DeployPage() {
  const offers = await getOffers({ db: await getDb() });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Deploy</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Describe your workload, set your terms and sign one order. Providers then bid the price down; the
          lowest bid wins.
        </p>
      </div>
      <DeployForm initialOffers={offers} />
    </div>
  );
}
