"use client";

import Link from "next/link";
import { AlertItem } from "@/components/alerts/alert-item";
import { useAlerts } from "@/components/alerts/use-alerts";
import { SignInPanel } from "@/components/provider/sign-in-gate";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorNote } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";

// The notifications page: every recent alert of the signed-in wallet, each marked read on its own
// or all at once.

export function AlertList() {
  const { signedIn, query, markRead } = useAlerts();
  if (!signedIn)
    return (
      <Card>
        <SignInPanel title="Notifications belong to a wallet. Connect it, then sign a message to prove it is yours — no transaction, no gas." />
      </Card>
    );
  if (query.error) return <ErrorNote>{query.error.message}</ErrorNote>;
  if (!query.data) return <Spinner label="Loading notifications…" />;
  const { alerts, unread } = query.data;
  if (alerts.length === 0)
    return (
      <EmptyState
        testId="alerts-empty"
        title="No notifications yet"
        action={
          <Link href="/settings/alerts" className={buttonClass("secondary")}>
            Alert settings
          </Link>
        }
      >
        Low runway, closed leases, crash-looping pods, failed deploys and orders without bids show up here.
      </EmptyState>
    );
  return (
    <Card
      testId="alert-list"
      title={`${unread} unread`}
      actions={
        <Button
          variant="secondary"
          size="sm"
          disabled={unread === 0 || markRead.isPending}
          onClick={() => markRead.mutate("all")}
        >
          Mark all read
        </Button>
      }
    >
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {alerts.map((a) => (
          <li key={a.id}>
            <AlertItem
              alert={a}
              action={
                !a.read && (
                  <Button
                    variant="ghost"
                    size="sm"
                    disabled={markRead.isPending}
                    onClick={() => markRead.mutate([a.id])}
                  >
                    Mark read
                  </Button>
                )
              }
            />
          </li>
        ))}
      </ul>
      {markRead.error && <ErrorNote>{markRead.error.message}</ErrorNote>}
    </Card>
  );
}
