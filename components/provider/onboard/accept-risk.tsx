"use client";

import { useMutation } from "@tanstack/react-query";
import { ErrorNote } from "@/components/ui/field";
import { fetchJson } from "@/lib/api/fetch-json";
import type { ProbeResult, PublicDraft } from "@/lib/provider/onboarding-draft";

// The verify step's way past over-privileged credentials: shown only when the failed checks are all
// "excess" ones (KubeBid could do more than it needs). Ticking it is an explicit, stored decision;
// the market then shows the provider without the least-privilege badge.

export function AcceptRisk(props: { result: ProbeResult; onChange: (probe: ProbeResult) => void }) {
  const accept = useMutation({
    mutationFn: (value: boolean) =>
      fetchJson<PublicDraft>("/api/provider/draft/accept-risk", { method: "POST", body: { accept: value } }),
    onSuccess: (draft) => {
      if (draft.probe) props.onChange(draft.probe);
    },
  });
  const excess = props.result.checks.filter((c) => c.kind === "excess" && c.status === "fail");
  return (
    <div className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950/40">
      <p className="font-medium">These credentials can do more than KubeBid needs.</p>
      <p className="text-zinc-700 dark:text-zinc-300">
        KubeBid stores them encrypted, but if they ever leaked they would reach beyond your lease namespaces (
        {excess.map((c) => c.label.toLowerCase()).join("; ")} failed). The least-privilege setup above avoids
        this. Tenants see on the market whether a provider runs least-privilege.
      </p>
      <label className="flex items-start gap-2">
        <input
          type="checkbox"
          className="mt-0.5"
          data-testid="accept-risk"
          checked={props.result.riskAccepted === true}
          disabled={accept.isPending}
          onChange={(e) => accept.mutate(e.target.checked)}
        />
        <span>
          I understand and accept the risk of giving KubeBid over-privileged credentials for this cluster.
        </span>
      </label>
      {accept.error && <ErrorNote>{(accept.error as Error).message}</ErrorNote>}
    </div>
  );
}
