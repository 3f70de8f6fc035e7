"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useAccount } from "wagmi";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { useSession } from "@/components/wallet/use-session";
import { shortMessage } from "@/lib/wagmi/short-message";

// What a lease page shows instead of the lease: sign in first, "not yours", or "not indexed yet".

export function LeaseGate(props: { reason: "unauthenticated" | "forbidden" | "not_found"; leaseId: string }) {
  const router = useRouter();
  const { status } = useAccount();
  const { signIn, signedIn } = useSession();

  useEffect(() => {
    if (props.reason === "unauthenticated" && signedIn) router.refresh();
  }, [props.reason, signedIn, router]);
  useEffect(() => {
    if (props.reason !== "not_found") return;
    const t = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(t);
  }, [props.reason, router]);

  if (props.reason === "forbidden")
    return (
      <EmptyState
        level={1}
        testId="not-yours"
        title="This lease is not yours"
        action={
          <Link href="/leases" className="text-sm text-brand-600 dark:text-brand-400 hover:underline">
            See your leases
          </Link>
        }
      >
        Only the tenant who rented it and the provider running it can see its pods, metrics, logs and events.
      </EmptyState>
    );
  if (props.reason === "not_found")
    return (
      <EmptyState level={1} testId="lease-waiting" title={`Waiting for lease #${props.leaseId}`}>
        The lease is being indexed from the chain; this page updates by itself.
      </EmptyState>
    );
  return (
    <EmptyState
      level={1}
      testId="lease-sign-in"
      title="Sign in to see this lease"
      action={
        status === "connected" ? (
          <div className="space-y-2">
            <Button data-testid="sign-in" disabled={signIn.isPending} onClick={() => signIn.mutate()}>
              {signIn.isPending ? "Signing in…" : "Sign in with your wallet"}
            </Button>
            {signIn.error && <p className="text-xs text-red-600">{shortMessage(signIn.error)}</p>}
          </div>
        ) : (
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            Connect your wallet first (in the header).
          </span>
        )
      }
    >
      Pods, live metrics and logs are private to the lease's tenant and provider. Signing in costs nothing.
    </EmptyState>
  );
}
