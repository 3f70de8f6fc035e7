"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, inputClass } from "@/components/ui/field";
import { fetchJson } from "@/lib/api/fetch-json";
import type { Reachability } from "@/lib/lease/domains/check-reachability";
import type { CustomDomainView } from "@/lib/lease/domains/manage-custom-domains";
import { type PublicEndpoint, withLiveAddresses } from "@/lib/lease/public-endpoints";
import type { LeaseEndpoint } from "@/lib/lease/types";

// The lease page's "Public URLs": each exposed port with its address and, for HTTP, a dot saying
// whether it answers (checked by the server every 15 s while the page is visible: react-query pauses
// interval refetches in a hidden tab), then the tenant's custom domains with what their CNAME must be.

const CHECK_EVERY_MS = 15_000;

const domainTone = { pending: "amber", verified: "green", failed: "red" } as const;

export function PublicUrls(props: {
  leaseId: string;
  active: boolean;
  isTenant: boolean;
  endpoints: PublicEndpoint[];
  liveEndpoints: LeaseEndpoint[] | null | undefined;
  domains: CustomDomainView[];
  onChange: () => void;
}) {
  const rows = withLiveAddresses(props.endpoints, props.liveEndpoints);
  const httpServices = [
    ...new Set(props.endpoints.filter((r) => r.kind === "http" && r.url).map((r) => r.service)),
  ];
  return (
    <Card title="Public URLs" testId="public-urls">
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No port of this lease is exposed outside it.
        </p>
      ) : (
        <ul className="space-y-2 text-sm">
          {rows.map((r) => (
            <li
              key={r.key}
              data-testid="public-url-row"
              data-kind={r.kind}
              className="flex flex-wrap items-center gap-2"
            >
              {r.kind === "http" && r.url && props.active && (
                <ReachabilityDot leaseId={props.leaseId} service={r.service} domain={r.domain} />
              )}
              <span className="font-medium">{r.service}</span>
              <Badge>{r.kind === "http" ? (r.domain ? "domain" : "http") : `${r.kind} ${r.port}`}</Badge>
              {r.url ? (
                <a
                  href={r.url}
                  target="_blank"
                  rel="noreferrer noopener"
                  className="break-all font-mono text-xs text-brand-600 hover:underline dark:text-brand-400"
                  data-testid="public-url"
                >
                  {r.url}
                </a>
              ) : r.address ? (
                <span className="font-mono text-xs" data-testid="public-address">
                  {r.address}
                </span>
              ) : r.nodePort ? (
                <span className="font-mono text-xs" data-testid="node-port">
                  node port {r.nodePort}
                  <span className="font-sans text-zinc-600 dark:text-zinc-400">
                    {" "}
                    on the provider's node addresses
                  </span>
                </span>
              ) : (
                <span className="text-xs text-zinc-600 dark:text-zinc-400">{r.note}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {(props.domains.length > 0 || (props.isTenant && httpServices.length > 0 && props.active)) && (
        <CustomDomains {...props} httpServices={httpServices} />
      )}
    </Card>
  );
}

function ReachabilityDot(props: { leaseId: string; service: string; domain: string | null }) {
  const q = new URLSearchParams({
    service: props.service,
    ...(props.domain ? { domain: props.domain } : {}),
  });
  const check = useQuery({
    queryKey: ["reachability", props.leaseId, props.service, props.domain],
    queryFn: () => fetchJson<Reachability>(`/api/leases/${props.leaseId}/reachability?${q}`),
    refetchInterval: CHECK_EVERY_MS,
    retry: false,
  });
  const r = check.data;
  const state = check.isError ? "error" : !r ? "checking" : r.reachable ? "up" : "down";
  const label =
    state === "checking"
      ? "checking…"
      : state === "error"
        ? `not checked: ${(check.error as Error).message}`
        : r?.reachable
          ? `reachable: HTTP ${r.status} in ${r.latencyMs} ms${r.reason ? `, ${r.reason}` : ""}`
          : `unreachable: ${r?.reason ?? "no answer"}`;
  const color = {
    up: "bg-emerald-500",
    down: "bg-red-500",
    checking: "bg-zinc-300 dark:bg-zinc-600",
    error: "bg-amber-500",
  }[state];
  return (
    <span className="inline-flex items-center" title={label} data-testid="reachability" data-state={state}>
      <span className={`inline-block h-2.5 w-2.5 rounded-full ${color}`} aria-hidden />
      <span className="sr-only">{label}</span>
    </span>
  );
}

function CustomDomains(props: {
  leaseId: string;
  active: boolean;
  isTenant: boolean;
  domains: CustomDomainView[];
  httpServices: string[];
  onChange: () => void;
}) {
  const [service, setService] = useState(props.httpServices[0] ?? "");
  const [domain, setDomain] = useState("");
  const add = useMutation({
    mutationFn: () =>
      fetchJson<CustomDomainView>(`/api/leases/${props.leaseId}/domains`, {
        method: "POST",
        body: { service, domain },
      }),
    onSuccess: () => {
      setDomain("");
      props.onChange();
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => fetchJson(`/api/leases/${props.leaseId}/domains/${id}`, { method: "DELETE" }),
    onSuccess: props.onChange,
  });
  return (
    <div className="mt-5 border-t border-zinc-200 pt-4 dark:border-zinc-800" data-testid="custom-domains">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
        Custom domains
      </h3>
      <ul className="space-y-3 text-sm">
        {props.domains.map((d) => (
          <li key={d.id} data-testid="domain-row" data-status={d.status}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-xs">{d.domain}</span>
              <Badge tone={domainTone[d.status]}>
                {d.status === "verified" && !d.served ? "verified, routing…" : d.status}
              </Badge>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">→ {d.service}</span>
              {props.isTenant && (
                <Button
                  variant="secondary"
                  size="sm"
                  data-testid="domain-remove"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(d.id)}
                >
                  Remove
                </Button>
              )}
            </div>
            {d.status !== "verified" && d.target && (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                Add a DNS record{" "}
                <span className="font-mono">
                  {d.domain} CNAME {d.target}
                </span>
                {d.detail ? `. Last check: ${d.detail}.` : "."}
              </p>
            )}
            {d.status === "verified" && d.detail && (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{d.detail}</p>
            )}
          </li>
        ))}
      </ul>
      {props.isTenant && props.active && props.httpServices.length > 0 && (
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          {props.httpServices.length > 1 && (
            <label className="text-xs">
              <span className="mb-1 block text-zinc-600 dark:text-zinc-400">Service</span>
              <select
                className={inputClass}
                value={service}
                onChange={(e) => setService(e.target.value)}
                data-testid="domain-service"
              >
                {props.httpServices.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
          )}
          <label className="min-w-48 flex-1 text-xs">
            <span className="mb-1 block text-zinc-600 dark:text-zinc-400">Your domain</span>
            <input
              className={inputClass}
              value={domain}
              placeholder="app.example.com"
              onChange={(e) => setDomain(e.target.value)}
              data-testid="domain-input"
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <Button type="submit" size="sm" disabled={!domain.trim() || add.isPending} data-testid="domain-add">
            {add.isPending ? "Checking…" : "Add domain"}
          </Button>
        </form>
      )}
      {add.error && <ErrorNote testId="domain-error">{(add.error as Error).message}</ErrorNote>}
      {remove.error && <ErrorNote testId="domain-error">{(remove.error as Error).message}</ErrorNote>}
    </div>
  );
}
