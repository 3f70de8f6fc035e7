"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useAccount, useSignTypedData } from "wagmi";
import { WorkloadFields } from "@/components/deploy/workload-fields";
import { usePublicConfig } from "@/components/public-config";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { fetchJson } from "@/lib/api/fetch-json";
import { type LeaseUpdate, leaseUpdateTypedData } from "@/lib/chain/lease-update-types";
import type { LeaseRevisions } from "@/lib/lease/list-lease-revisions";
import type { LeaseRolloutView } from "@/lib/lease/types";
import { type DraftManifest, draftFromSealed, sealUpdateDraft } from "@/lib/market/draft-manifest";
import { formatCores, formatMebibytes, shortHex, timeAgo } from "@/lib/market/format";
import { canonicalizeManifest, type Manifest, manifestTotals, type SecretValue } from "@/lib/market/manifest";
import { validateManifestDraft } from "@/lib/market/validate-manifest-draft";
import { shortMessage } from "@/lib/wagmi/short-message";

// The tenant's updates of a running lease: the rollout in progress, an editor over the current manifest
// (the deploy form's; a kept secret shows "set" and a Replace button, its value never comes back), a
// Replicas control per service, and the revision history with Rollback. Each change is a LeaseUpdate
// signed in the wallet and relayed by POST /api/leases/[id]/updates, which refuses what does not fit what
// the lease bought; the lease controller rolls the new spec out once the chain has it.

const UPDATE_DEADLINE_SECONDS = 3600;

export function EditDeploymentPanel(props: { leaseId: string; rollouts: LeaseRolloutView[] | undefined }) {
  const config = usePublicConfig();
  const { address } = useAccount();
  const { signTypedDataAsync } = useSignTypedData();
  const query = useQuery({
    queryKey: ["lease-revisions", props.leaseId],
    queryFn: () => fetchJson<LeaseRevisions>(`/api/leases/${props.leaseId}/updates`),
    refetchInterval: 3000,
  });
  const data = query.data;
  const current = data?.revisions.find((r) => r.current);
  const [editing, setEditing] = useState<{ draft: unknown; kept: Record<string, string> } | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const checked = useMemo(() => (editing ? validateManifestDraft(editing.draft) : null), [editing]);
  const totals = checked?.manifest ? manifestTotals(checked.manifest) : null;

  const startEdit = (change?: (d: DraftManifest) => void) => {
    if (!current?.manifest) return;
    const { draft, kept } = draftFromSealed(current.manifest as unknown as Record<string, unknown>);
    change?.(draft);
    setEditing({ draft, kept });
    setMessage(null);
  };

  /** Signs a LeaseUpdate to `manifest` at the lease's revision and has the server relay it. */
  async function submit(manifest: Manifest | Record<string, unknown>, secrets: SecretValue[], what: string) {
    if (!data) return;
    setBusy(true);
    setMessage(null);
    try {
      if (!address) throw new Error("Connect your wallet first.");
      if (!config.marketAddress) throw new Error("No market contract is configured on this server.");
      const { specHash } = canonicalizeManifest(manifest);
      const update: LeaseUpdate = {
        leaseId: BigInt(props.leaseId),
        specHash,
        nonce: BigInt(data.revision),
        deadline: BigInt(Math.floor(Date.now() / 1000) + UPDATE_DEADLINE_SECONDS),
      };
      const signature = await signTypedDataAsync(
        leaseUpdateTypedData(update, config.chainId, config.marketAddress),
      );
      const res = await fetchJson<{ revision: number }>(`/api/leases/${props.leaseId}/updates`, {
        method: "POST",
        body: {
          manifest,
          secrets,
          update: {
            leaseId: props.leaseId,
            specHash,
            nonce: update.nonce.toString(),
            deadline: update.deadline.toString(),
          },
          signer: address,
          signature,
        },
      });
      setMessage({ tone: "ok", text: `${what}: revision ${res.revision} is on chain; rolling it out.` });
      setEditing(null);
      await query.refetch();
    } catch (error) {
      setMessage({ tone: "error", text: shortMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  const rollouts = props.rollouts ?? [];
  const pending = rollouts.filter((r) => !r.complete);
  const bought = data?.bought;

  return (
    <Card
      title="Deployment"
      testId="edit-deployment"
      actions={
        !editing &&
        current?.manifest && (
          <Button size="sm" data-testid="edit-deployment-open" onClick={() => startEdit()}>
            Edit deployment
          </Button>
        )
      }
    >
      <div className="space-y-4 text-sm">
        {data && pending.length > 0 && (
          <p data-testid="rollout-progress" className="text-amber-700 dark:text-amber-300">
            Rolling out revision {data.revision}: {sum(pending, "updatedReplicas")}/{sum(pending, "replicas")}{" "}
            pods updated, {sum(pending, "availableReplicas")} available
          </p>
        )}
        {message && (
          <p
            role={message.tone === "error" ? "alert" : "status"}
            data-testid="update-message"
            className={
              message.tone === "error"
                ? "text-red-700 dark:text-red-400"
                : "text-green-700 dark:text-green-400"
            }
          >
            {message.text}
          </p>
        )}
        {bought && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            Bought: {formatCores(bought.cpuMillis)}, {formatMebibytes(bought.memoryMiB)} memory,{" "}
            {formatMebibytes(bought.storageMiB)} ephemeral storage
            {bought.gpuCount > 0 ? `, ${bought.gpuCount} GPU` : ""}. An update may use up to this; volumes
            keep their class and never shrink.
          </p>
        )}

        {!editing && current?.manifest && (
          <ReplicaControls
            manifest={current.manifest}
            onChange={(service, replicas) =>
              startEdit((d) => {
                const svc = d.services.find((s) => s.name === service);
                if (svc) svc.replicas = replicas;
              })
            }
          />
        )}

        {editing && (
          <div className="space-y-3">
            <WorkloadFields
              draft={editing.draft}
              onChange={(draft) => setEditing({ ...editing, draft })}
              issues={checked?.issues ?? []}
              gpuModels={bought?.gpuModel ? [bought.gpuModel] : []}
              // Autoscaling targets CPU and memory; GPU utilisation is not a signal KubeBid uses yet.
              gpuMetrics={false}
            />
            {totals && (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                Needs {formatCores(totals.cpuMillis)}, {formatMebibytes(totals.memoryMiB)} memory in total (
                {totals.replicas} {totals.replicas === 1 ? "pod" : "pods"}).
              </p>
            )}
            <div className="flex gap-2">
              <Button
                data-testid="update-sign"
                disabled={busy || !checked?.manifest}
                onClick={() => {
                  const sealed = sealUpdateDraft(editing.draft as DraftManifest, editing.kept);
                  void submit(sealed.manifest, sealed.secrets, "Updated");
                }}
              >
                {busy ? "Signing…" : "Sign and update"}
              </Button>
              <Button variant="secondary" disabled={busy} onClick={() => setEditing(null)}>
                Cancel
              </Button>
            </div>
          </div>
        )}

        {data && (
          <section>
            <h3 className="mb-2 text-sm font-semibold">Revisions</h3>
            <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="revisions">
              {data.revisions.map((r) => (
                <li
                  key={r.revision}
                  data-testid={`revision-${r.revision}`}
                  className="flex flex-wrap items-center gap-3 py-2"
                >
                  <span className="font-medium">#{r.revision}</span>
                  <span className="font-mono text-xs" title={r.specHash}>
                    {shortHex(r.specHash, 6)}
                  </span>
                  <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400" title={r.signer}>
                    {shortHex(r.signer)}
                  </span>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400" title={r.at}>
                    {timeAgo(r.at)}
                  </span>
                  {r.current ? (
                    <Badge tone="green">current</Badge>
                  ) : (
                    r.manifest &&
                    r.specHash !== data.specHash && (
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={busy}
                        data-testid={`rollback-${r.revision}`}
                        onClick={() =>
                          r.manifest && void submit(r.manifest, [], `Rolled back to #${r.revision}`)
                        }
                      >
                        Rollback
                      </Button>
                    )
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </Card>
  );
}

function sum(rollouts: LeaseRolloutView[], key: "replicas" | "updatedReplicas" | "availableReplicas") {
  return rollouts.reduce((n, r) => n + r[key], 0);
}

/** Per service of the current revision: its image, and − replicas + (each click prepares an update to review and sign). */
function ReplicaControls(props: {
  manifest: Manifest;
  onChange: (service: string, replicas: number) => void;
}) {
  const services = props.manifest.version === 2 ? props.manifest.services : [];
  if (services.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-4" data-testid="replica-controls">
      {services.map((s) => (
        <li key={s.name} className="flex items-center gap-2">
          <span>{s.name}</span>
          <code className="font-mono text-xs" data-testid={`deployment-image-${s.name}`}>
            {s.image}
          </code>
          <span className="text-xs text-zinc-600 dark:text-zinc-400">Replicas</span>
          <Button
            size="sm"
            variant="secondary"
            aria-label={`Fewer replicas of ${s.name}`}
            disabled={s.replicas <= 1}
            onClick={() => props.onChange(s.name, s.replicas - 1)}
          >
            −
          </Button>
          <span data-testid={`replicas-${s.name}`}>{s.replicas}</span>
          <Button
            size="sm"
            variant="secondary"
            aria-label={`More replicas of ${s.name}`}
            onClick={() => props.onChange(s.name, s.replicas + 1)}
          >
            +
          </Button>
        </li>
      ))}
    </ul>
  );
}
