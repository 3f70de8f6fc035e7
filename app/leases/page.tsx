import type { Metadata } from "next";
import { LeaseList } from "@/components/lease/lease-list";

export const metadata: Metadata = { title: "Leases" };

export default function LeasesPage() {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Your leases</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Orders still in auction and leases you rent or provide.
        </p>
      </div>
      <LeaseList />
    </div>
  );
}
