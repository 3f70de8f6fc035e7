"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ClusterOffers } from "@/components/market/cluster-offers";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ErrorNote } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { fetchJson } from "@/lib/api/fetch-json";
import type { TlsCheck } from "@/lib/k8s/check-exposure-tls";
import type { ExposureSettings } from "@/lib/provider/exposure-settings";
import type { ClusterView } from "@/lib/provider/provider-clusters";
import type { ClusterClasses } from "@/lib/provider/verify-exposure";
import { ExposureForm } from "./onboard/exposure-step";

// A cluster's exposure and storage offers in the console: what tenants get (as the market shows it),
// whether pods run in user namespaces, and the wizard's step-6 form to change them, fed with the
// classes the cluster has now.

export function ClusterExposurePanel(props: { cluster: ClusterView; onSaved: () => void }) {
  const c = props.cluster;
  const [editing, setEditing] = useState(false);
  const [tlsCheck, setTlsCheck] = useState<TlsCheck | null>(null);
  const queryClient = useQueryClient();
  const key = ["cluster-exposure", c.id];
  const live = useQuery({
    queryKey: key,
    queryFn: () =>
      fetchJson<{ settings: ExposureSettings | null; classes: ClusterClasses }>(
        `/api/clusters/${c.id}/exposure`,
      ),
    enabled: editing,
    staleTime: 30_000,
  });
  const e = c.exposure;
  const http = Boolean(e?.ingressClass && e.baseDomain);

  return (
    <section className="mt-3 space-y-2" data-testid="cluster-exposure">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="space-y-1 text-sm">
          <ClusterOffers
            offers={[
              {
                name: c.name,
                http,
                tls: http ? (e?.tls?.kind ?? null) : null,
                ports: e?.ports ?? "none",
                storageClasses: c.storageClasses,
              },
            ]}
          />
          {http && e && (
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              Lease hosts: <code>&lt;service&gt;-&lt;lease&gt;.{e.baseDomain}</code> via IngressClass{" "}
              <code>{e.ingressClass}</code>
            </p>
          )}
          <Badge tone={c.userNamespaces ? "green" : "gray"} testId="cluster-user-namespaces">
            user namespaces: {c.userNamespaces ? "yes" : "no"}
          </Badge>
          <Badge tone={c.gpuMetrics ? "green" : "gray"} testId="cluster-gpu-metrics">
            GPU metrics (DCGM exporter): {c.gpuMetrics ? "detected" : "not detected"}
          </Badge>
        </div>
        <Button
          variant="secondary"
          className="!px-3 !py-1 text-xs"
          onClick={() => setEditing((v) => !v)}
          aria-expanded={editing}
          data-testid="cluster-exposure-edit"
        >
          {e ? "Edit exposure & storage" : "Declare exposure & storage"}
        </Button>
      </div>
      {editing &&
        (live.isPending ? (
          <Spinner label="Reading the cluster's classes…" />
        ) : live.error ? (
          <ErrorNote>{live.error.message}</ErrorNote>
        ) : (
          <div className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <ExposureForm
              idPrefix="cluster-exposure"
              ingressClasses={live.data.classes.ingressClasses}
              storageClasses={live.data.classes.storageClasses}
              initial={live.data.settings}
              tlsCheck={tlsCheck}
              submitLabel="Save"
              onSubmit={async (settings) => {
                const r = await fetchJson<{ tls: TlsCheck }>(`/api/clusters/${c.id}/exposure`, {
                  method: "PUT",
                  body: settings,
                });
                setTlsCheck(r.tls);
                await queryClient.invalidateQueries({ queryKey: key });
                props.onSaved();
              }}
            />
          </div>
        ))}
    </section>
  );
}
