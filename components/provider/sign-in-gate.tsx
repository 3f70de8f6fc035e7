"use client";

import { useAccount, useConnect } from "wagmi";
import { Button } from "@/components/ui/button";
import { ErrorNote } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { useSession } from "@/components/wallet/use-session";
import { shortMessage } from "@/lib/wagmi/short-message";

// For pages that need a signed-in wallet: the two steps to get there (connect, then Sign-In with
// Ethereum), each with its own button and its error in words.

export function SignInPanel(props: { title?: string }) {
  const { address } = useAccount();
  const { connectors, connect, isPending, error: connectError } = useConnect();
  const { signIn, session } = useSession();
  if (session.isLoading) return <Spinner label="Checking your session…" />;
  return (
    <div className="space-y-4" data-testid="sign-in-panel">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {props.title ??
          "Providers are identified by their wallet. Connect it, then sign a message to prove it is yours — no transaction, no gas."}
      </p>
      <ol className="space-y-3">
        <li className="flex flex-wrap items-center gap-3">
          <span className="text-sm font-medium">1. Connect your wallet</span>
          {address ? (
            <span className="text-sm text-emerald-700 dark:text-emerald-400">Connected ✓</span>
          ) : (
            connectors.map((c) => (
              <Button
                key={c.uid}
                variant="secondary"
                disabled={isPending}
                data-testid={`gate-connect-${c.id}`}
                onClick={() => connect({ connector: c })}
              >
                {c.id === "mock" ? "Test wallet (dev)" : c.name}
              </Button>
            ))
          )}
        </li>
        <li className="flex flex-wrap items-center gap-3">
          <span className="text-sm font-medium">2. Sign in with Ethereum</span>
          <Button
            data-testid="sign-in"
            disabled={!address || signIn.isPending}
            onClick={() => signIn.mutate()}
          >
            {signIn.isPending ? "Waiting for your signature…" : "Sign in"}
          </Button>
        </li>
      </ol>
      {connectError && <ErrorNote>{shortMessage(connectError)}</ErrorNote>}
      {signIn.error && <ErrorNote testId="sign-in-error">{shortMessage(signIn.error)}</ErrorNote>}
    </div>
  );
}
