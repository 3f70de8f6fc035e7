"use client";

import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import type { ClusterView } from "@/lib/provider/provider-clusters";
import { ClusterPanel } from "./provider-console";
import { SignInPanel } from "./sign-in-gate";

// One cluster of the signed-in provider; anyone else gets a clean refusal, not an error page.

const back = (
  <Link href="/provider" className={buttonClass()}>
    Go to your console
  </Link>
);

export function ClusterPage(props: {
  state: "ok" | "forbidden" | "not-found" | "signed-out";
  cluster?: ClusterView;
}) {
  if (props.state === "signed-out")
    return (
      <Card title="Sign in to see this cluster">
        <SignInPanel />
      </Card>
    );
  if (props.state === "forbidden")
    return (
      <EmptyState
        level={1}
        testId="cluster-forbidden"
        title="This cluster belongs to another provider"
        action={back}
      >
        You can only see and manage the clusters your own wallet listed.
      </EmptyState>
    );
  if (props.state === "not-found" || !props.cluster)
    return (
      <EmptyState level={1} testId="cluster-not-found" title="No such cluster" action={back}>
        It may have been removed.
      </EmptyState>
    );
  return (
    <div className="space-y-4">
      <Link href="/provider" className="text-sm text-brand-700 hover:underline dark:text-brand-400">
        ← Provider console
      </Link>
      <ClusterPanel cluster={props.cluster} />
    </div>
  );
}
