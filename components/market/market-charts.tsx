"use client";

import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { MarketOverview } from "@/lib/market/get-market-overview";

// Capacity offered over time (free CPU cores and memory) and the prices auctions settled at.

const axis = {
  tick: { fontSize: 10, fill: "currentColor", fillOpacity: 0.6 },
  stroke: "currentColor",
  strokeOpacity: 0.2,
};
const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function CapacityChart(props: { history: MarketOverview["capacityHistory"] }) {
  const data = props.history.map((p) => ({
    t: Date.parse(p.at),
    cores: p.cpuMillis / 1000,
    memory: p.memoryBytes / 2 ** 30,
  }));
  if (data.length === 0)
    return (
      <p className="py-10 text-center text-sm text-zinc-600 dark:text-zinc-400">No capacity readings yet.</p>
    );
  return (
    <div className="h-56" data-testid="capacity-chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.1} />
          <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={time} {...axis} />
          <YAxis yAxisId="cores" {...axis} width={44} />
          <YAxis
            yAxisId="memory"
            orientation="right"
            {...axis}
            width={52}
            tickFormatter={(v: number) => `${v.toFixed(0)}G`}
          />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            contentStyle={{ fontSize: 12, borderRadius: 8 }}
          />
          <Area
            yAxisId="cores"
            type="stepAfter"
            dataKey="cores"
            name="free CPU cores"
            stroke="#2563eb"
            fill="#2563eb"
            fillOpacity={0.15}
            isAnimationActive={false}
          />
          <Area
            yAxisId="memory"
            type="stepAfter"
            dataKey="memory"
            name="free memory (GiB)"
            stroke="#a855f7"
            fill="#a855f7"
            fillOpacity={0.1}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

export function WinningPriceChart(props: { prices: MarketOverview["winningPrices"] }) {
  const data = props.prices.map((p) => ({
    t: Date.parse(p.at),
    perCore: p.cpuMillis > 0 ? (Number(p.pricePerHour) / 1e6) * (1000 / p.cpuMillis) : null,
    price: Number(p.pricePerHour) / 1e6,
  }));
  if (data.length === 0)
    return (
      <p className="py-10 text-center text-sm text-zinc-600 dark:text-zinc-400">
        No auction has settled yet.
      </p>
    );
  return (
    <div className="h-56" data-testid="price-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.1} />
          <XAxis
            dataKey="t"
            type="number"
            domain={["dataMin", "dataMax"]}
            tickFormatter={time}
            {...axis}
            name="time"
          />
          <YAxis
            dataKey="perCore"
            {...axis}
            width={52}
            name="USD per core-hour"
            tickFormatter={(v: number) => v.toFixed(3)}
          />
          <Tooltip
            contentStyle={{ fontSize: 12, borderRadius: 8 }}
            formatter={(v, name) =>
              name === "time" ? new Date(Number(v)).toLocaleString() : Number(v).toFixed(4)
            }
          />
          <Scatter data={data} fill="#10b981" name="winning price" isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
