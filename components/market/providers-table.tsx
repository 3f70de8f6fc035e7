"use client";

import { useMemo, useState } from "react";
import { inputClass } from "@/components/ui/field";
import { formatBytes, formatCores, formatDuration, shortHex, timeAgo } from "@/lib/market/format";
import type { MarketProviderRow } from "@/lib/market/get-market-overview";
import { formatTokenAmount } from "@/lib/market/price-order";

// Providers with filters (region, GPU model, minimum free CPU and memory) and sortable columns.

const compact = inputClass.replace("w-full ", "");

type SortKey = "name" | "cpu" | "memory" | "gpus" | "price" | "leases" | "online" | "seen";

export function ProvidersTable(props: { providers: MarketProviderRow[]; now: number }) {
  const [region, setRegion] = useState("");
  const [gpu, setGpu] = useState("");
  const [minCpu, setMinCpu] = useState("");
  const [minMem, setMinMem] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "cpu", desc: true });

  const regions = useMemo(() => [...new Set(props.providers.flatMap((p) => p.regions))].sort(), [props.providers]);
  const gpus = useMemo(() => [...new Set(props.providers.flatMap((p) => p.gpuModels))].sort(), [props.providers]);

  const rows = useMemo(() => {
    const cpu = Number(minCpu) * 1000 || 0;
    const mem = Number(minMem) * 2 ** 30 || 0;
    const value = (p: MarketProviderRow): number | string => {
      switch (sort.key) {
        case "name":
          return (p.name ?? p.address).toLowerCase();
        case "cpu":
          return p.free.cpuMillis;
        case "memory":
          return p.free.memoryBytes;
        case "gpus":
          return p.free.gpus;
        case "price":
          return p.pricing ? Number(p.pricing.cpuCoreHour) : Number.POSITIVE_INFINITY;
        case "leases":
          return p.activeLeases;
        case "online":
          return p.onlineSince ? -Date.parse(p.onlineSince) : 0;
        case "seen":
          return p.lastSeenAt ? Date.parse(p.lastSeenAt) : 0;
      }
    };
    return props.providers
      .filter(
        (p) =>
          (!region || p.regions.includes(region)) &&
          (!gpu || p.gpuModels.includes(gpu)) &&
          p.free.cpuMillis >= cpu &&
          p.free.memoryBytes >= mem,
      )
      .sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const c = x < y ? -1 : x > y ? 1 : 0;
        return sort.desc ? -c : c;
      });
  }, [props.providers, region, gpu, minCpu, minMem, sort]);

  const header = (key: SortKey, label: string) => (
    <th className="py-2 pr-4 font-medium" aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : undefined}>
      <button
        type="button"
        onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== "name" && key !== "price" }))}
        className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-white"
      >
        {label}
        {sort.key === key ? (sort.desc ? "↓" : "↑") : ""}
      </button>
    </th>
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="space-y-1">
          <span className="block text-xs text-zinc-500">Region</span>
          <select data-testid="filter-region" className={`${compact} w-44`} value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="">all regions</option>
            {regions.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-zinc-500">GPU model</span>
          <select data-testid="filter-gpu" className={`${compact} w-56`} value={gpu} onChange={(e) => setGpu(e.target.value)}>
            <option value="">any</option>
            {gpus.map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-zinc-500">Min free CPU (cores)</span>
          <input data-testid="filter-cpu" className={`${compact} w-28`} inputMode="decimal" value={minCpu} onChange={(e) => setMinCpu(e.target.value)} />
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-zinc-500">Min free memory (GiB)</span>
          <input data-testid="filter-memory" className={`${compact} w-28`} inputMode="decimal" value={minMem} onChange={(e) => setMinMem(e.target.value)} />
        </label>
        <span className="ml-auto text-xs text-zinc-500">
          {rows.length} of {props.providers.length} providers
        </span>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="providers-table">
          <thead className="text-xs tracking-wide text-zinc-500">
            <tr>
              {header("name", "Provider")}
              <th className="py-2 pr-4 font-medium uppercase">Region</th>
              <th className="py-2 pr-4 font-medium uppercase">GPU models</th>
              {header("cpu", "Free CPU")}
              {header("memory", "Free memory")}
              {header("gpus", "Free GPUs")}
              {header("price", "Price / unit·h")}
              {header("leases", "Leases")}
              {header("online", "Online")}
              {header("seen", "Last seen")}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {rows.map((p) => (
              <tr key={p.address} data-testid="provider-row">
                <td className="py-2 pr-4">
                  <span className="font-medium">{p.name ?? "Unnamed"}</span>
                  <span className="block font-mono text-xs text-zinc-500">{shortHex(p.address)}</span>
                </td>
                <td className="py-2 pr-4">{p.regions.join(", ") || p.region || "—"}</td>
                <td className="py-2 pr-4 text-xs">{p.gpuModels.join(", ") || "—"}</td>
                <td className="py-2 pr-4 tabular-nums">{formatCores(p.free.cpuMillis)}</td>
                <td className="py-2 pr-4 tabular-nums">{formatBytes(p.free.memoryBytes)}</td>
                <td className="py-2 pr-4 tabular-nums">{p.free.gpus}</td>
                <td className="py-2 pr-4 text-xs tabular-nums">
                  {p.pricing ? (
                    <>
                      {formatTokenAmount(p.pricing.cpuCoreHour)} / core
                      <br />
                      {formatTokenAmount(p.pricing.memoryGibHour)} / GiB
                      {Object.entries(p.pricing.gpuHour)[0] && (
                        <>
                          <br />
                          {formatTokenAmount(Object.values(p.pricing.gpuHour).sort((a, b) => Number(a) - Number(b))[0] ?? "0")} / GPU
                        </>
                      )}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="py-2 pr-4 tabular-nums">{p.activeLeases}</td>
                <td className="py-2 pr-4 text-xs" suppressHydrationWarning>
                  {p.onlineSince ? formatDuration((props.now - Date.parse(p.onlineSince)) / 1000) : "—"}
                </td>
                <td className="py-2 pr-4 text-xs" suppressHydrationWarning>
                  {timeAgo(p.lastSeenAt, props.now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
