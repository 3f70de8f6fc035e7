import type { Metadata } from "next";
import { AlertSettings } from "@/components/alerts/alert-settings";

export const metadata: Metadata = { title: "Alert settings" };

export default function AlertSettingsPage() {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Alert settings</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          What to be told about, and where: here (the bell), a webhook, an email address.
        </p>
      </div>
      <AlertSettings />
    </div>
  );
}
