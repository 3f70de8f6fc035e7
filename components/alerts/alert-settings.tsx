"use client";

import { useQuery } from "@tanstack/react-query";
import { AlertPreferencesForm } from "@/components/alerts/alert-preferences-form";
import { DeliveryLog } from "@/components/alerts/delivery-log";
import { EmailSection } from "@/components/alerts/email-section";
import { SignInPanel } from "@/components/provider/sign-in-gate";
import { Card } from "@/components/ui/card";
import { ErrorNote } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { useSession } from "@/components/wallet/use-session";
import type { AlertSettingsView } from "@/lib/alerts/alert-kinds";
import { fetchJson } from "@/lib/api/fetch-json";

// The alert settings page: kinds, runway threshold and webhook; the email address and its
// verification; the delivery log. Each section saves on its own.

export function AlertSettings() {
  const { signedIn } = useSession();
  const settings = useQuery({
    queryKey: ["alert-settings"],
    queryFn: () => fetchJson<AlertSettingsView>("/api/alerts/settings"),
    enabled: signedIn,
  });
  if (!signedIn)
    return (
      <Card>
        <SignInPanel title="Alert settings belong to a wallet. Connect it, then sign a message to prove it is yours — no transaction, no gas." />
      </Card>
    );
  if (settings.error) return <ErrorNote>{settings.error.message}</ErrorNote>;
  if (!settings.data) return <Spinner label="Loading your alert settings…" />;
  return (
    <div className="space-y-6">
      <AlertPreferencesForm settings={settings.data} />
      <EmailSection settings={settings.data} />
      <DeliveryLog />
    </div>
  );
}
