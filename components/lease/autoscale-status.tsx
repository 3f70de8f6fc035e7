"use client";

import { Card } from "@/components/ui/card";
import { autoscaleSummary } from "@/lib/lease/autoscale-summary";
import type { LeaseAutoscaler } from "@/lib/lease/types";

// The lease's autoscaled services: replicas against the maximum bought, each target's utilisation,
// and why the autoscaler cannot act when it cannot (e.g. the cluster has no metrics API).

export function AutoscaleStatus(props: { autoscalers: LeaseAutoscaler[] }) {
  if (props.autoscalers.length === 0) return null;
  return (
    <Card title="Autoscaling" testId="autoscaling">
      <ul className="space-y-2 text-sm">
        {props.autoscalers.map((a) => (
          <li key={a.service} data-testid={`autoscaler-${a.service}`}>
            <span className="font-medium">{a.service}</span>: {autoscaleSummary(a)}
            {a.inactive && (
              <p className="text-xs text-amber-700 dark:text-amber-400">Not scaling: {a.inactive}</p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
