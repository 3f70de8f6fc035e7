"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { inputClass } from "@/components/ui/field";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { fetchJson } from "@/lib/api/fetch-json";
import { formatBytes, formatCores, formatDuration, shortHex, timeAgo } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";
import type { ProviderPage, ProviderSortKey } from "@/lib/market/query-providers";
import { ClusterOffers } from "./cluster-offers";
import { ReputationBadge } from "./reputation-badge";

// Providers with filters (region, GPU model, minimum free CPU and memory), sortable columns and
// "show more" paging. Filtering and sorting run on the server (/api/market/providers), so a
// market of thousands of providers sends the browser one page; the first page comes with the
// market overview. Each provider's name and reputation link to its page (/providers/[address]).

const compact = inputClass.replace("w-full ", "");
const PAGE = 50;

type SortKey = ProviderSortKey;

export function ProvidersTable(props: { initial: ProviderPage; now: number }) {
  const [region, setRegion] = useState("");
  const [gpu, setGpu] = useState("");
  const [minCpu, setMinCpu] = useState("");
  const [minMem, setMinMem] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "cpu", desc: true });
  const [limit, setLimit] = useState(PAGE);

  const params = new URLSearchParams({
    sort: sort.key,
    dir: sort.desc ? "desc" : "asc",
    limit: String(limit),
  });
  if (region) params.set("region", region);
  if (gpu) params.set("gpu", gpu);
  if (/^\d+(\.\d+)?$/.test(minCpu)) params.set("minCpu", minCpu);
  if (/^\d+(\.\d+)?$/.test(minMem)) params.set("minMemory", minMem);
  const search = useDeferredValue(params.toString());
  const isDefault =
    search === new URLSearchParams({ sort: "cpu", dir: "desc", limit: String(PAGE) }).toString();

  const { data, isFetching, error } = useQuery({
    queryKey: ["market-providers", search],
    queryFn: ({ signal }) => fetchJson<ProviderPage>(`/api/market/providers?${search}`, { signal }),
    initialData: isDefault ? props.initial : undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const page = data ?? props.initial;
  const rows = page.rows;
  const { regions, gpuModels: gpus } = page.facets;

  const header = (key: SortKey, label: string) => (
    <Th aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : undefined}>
      <button
        type="button"
        onClick={() => {
          setLimit(PAGE);
          setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== "name" && key !== "price" }));
        }}
        className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-zinc-900 dark:hover:text-white"
      >
        {label}
        {sort.key === key ? (sort.desc ? "↓" : "↑") : ""}
      </button>
    </Th>
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="space-y-1">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">Region</span>
          <select
            data-testid="filter-region"
            className={`${compact} w-44`}
            value={region}
            onChange={(e) => {
              setLimit(PAGE);
              setRegion(e.target.value);
            }}
          >
            <option value="">all regions</option>
            {regions.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">GPU model</span>
          <select
            data-testid="filter-gpu"
            className={`${compact} w-56`}
            value={gpu}
            onChange={(e) => {
              setLimit(PAGE);
              setGpu(e.target.value);
            }}
          >
            <option value="">any</option>
            {gpus.map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">Min free CPU (cores)</span>
          <input
            data-testid="filter-cpu"
            className={`${compact} w-28`}
            inputMode="decimal"
            value={minCpu}
            onChange={(e) => setMinCpu(e.target.value)}
          />
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">Min free memory (GiB)</span>
          <input
            data-testid="filter-memory"
            className={`${compact} w-28`}
            inputMode="decimal"
            value={minMem}
            onChange={(e) => setMinMem(e.target.value)}
          />
        </label>
        <span
          className="ml-auto text-xs text-zinc-600 dark:text-zinc-400"
          aria-live="polite"
          data-testid="providers-count"
        >
          {isFetching && data !== props.initial ? "updating… " : ""}
          {page.matched} of {page.total} providers
        </span>
      </div>
      <Table label="Providers" testId="providers-table">
        <THead>
          {header("name", "Provider")}
          {header("reputation", "Reputation")}
          <Th>Region</Th>
          <Th>GPU models</Th>
          <Th>Access</Th>
          <Th>Exposure & volumes</Th>
          {header("cpu", "Free CPU")}
          {header("memory", "Free memory")}
          {header("gpus", "Free GPUs")}
          {header("price", "Price / unit·h")}
          {header("leases", "Leases")}
          {header("online", "Online")}
          {header("seen", "Last seen")}
        </THead>
        <TBody>
          {rows.map((p) => (
            <tr key={p.address} data-testid="provider-row">
              <td>
                <Link
                  href={`/providers/${p.address}`}
                  className="font-medium text-brand-700 hover:underline dark:text-brand-400"
                  data-testid="provider-link"
                >
                  {p.name ?? "Unnamed"}
                </Link>
                <span className="block font-mono text-xs text-zinc-600 dark:text-zinc-400">
                  {shortHex(p.address)}
                </span>
              </td>
              <td className="min-w-36">
                <ReputationBadge address={p.address} reputation={p.reputation} parts="short" />
              </td>
              <td>{p.regions.join(", ") || p.region || "—"}</td>
              <td className="text-xs">{p.gpuModels.join(", ") || "—"}</td>
              <td>
                <span className="flex flex-wrap gap-1">
                  <Badge tone={p.leastPrivilege ? "green" : "amber"} testId="provider-least-privilege">
                    {p.leastPrivilege ? "least privilege" : "broad access"}
                  </Badge>
                  <Badge
                    tone={p.networkIsolation === "enforced" ? "green" : "gray"}
                    testId="provider-network"
                  >
                    network isolation: {p.networkIsolation === "enforced" ? "enforced" : "not verified"}
                  </Badge>
                </span>
              </td>
              <td className="min-w-48">
                <ClusterOffers offers={p.clusterOffers} />
              </td>
              <td className="tabular-nums" data-testid="provider-free-cpu">
                {formatCores(p.free.cpuMillis)}
              </td>
              <td className="tabular-nums" data-testid="provider-free-memory">
                {formatBytes(p.free.memoryBytes)}
              </td>
              <td className="tabular-nums">{p.free.gpus}</td>
              <td className="text-xs tabular-nums">
                {p.pricing ? (
                  <>
                    {formatTokenAmount(p.pricing.cpuCoreHour)} / core
                    <br />
                    {formatTokenAmount(p.pricing.memoryGibHour)} / GiB
                    {Object.entries(p.pricing.gpuHour)[0] && (
                      <>
                        <br />
                        {formatTokenAmount(
                          Object.values(p.pricing.gpuHour).sort((a, b) => Number(a) - Number(b))[0] ?? "0",
                        )}{" "}
                        / GPU
                      </>
                    )}
                  </>
                ) : (
                  "—"
                )}
              </td>
              <td className="tabular-nums">{p.activeLeases}</td>
              <td className="text-xs" suppressHydrationWarning>
                {p.onlineSince ? formatDuration((props.now - Date.parse(p.onlineSince)) / 1000) : "—"}
              </td>
              <td className="text-xs" suppressHydrationWarning>
                {timeAgo(p.lastSeenAt, props.now)}
              </td>
            </tr>
          ))}
        </TBody>
      </Table>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          Could not load providers: {error.message}
        </p>
      )}
      {page.matched === 0 && (
        <p className="py-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
          No provider matches these filters.
        </p>
      )}
      {page.matched > rows.length && (
        <div className="text-center">
          <button
            type="button"
            data-testid="providers-more"
            onClick={() => setLimit((n) => Math.min(n + PAGE, 200))}
            disabled={limit >= 200}
            className="rounded-md border border-zinc-200 px-3 py-1.5 text-sm hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            {limit >= 200
              ? "Narrow the filters to see more"
              : `Show more (${page.matched - rows.length} more)`}
          </button>
        </div>
      )}
    </div>
  );
}
