import type { Metadata } from "next";
import Link from "next/link";
import { AlertList } from "@/components/alerts/alert-list";

export const metadata: Metadata = { title: "Notifications" };

export default function AlertsPage() {
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Notifications</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Alerts about your leases and orders, newest first.
          </p>
        </div>
        <Link
          href="/settings/alerts"
          className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-400"
        >
          Alert settings
        </Link>
      </div>
      <AlertList />
    </div>
  );
}
