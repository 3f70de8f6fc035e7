"use client";

import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

// The provider console's charts, in their own module so the console loads them after the page.

const time = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function EarningsChart(props: { points: { t: string; earned: number; withdrawn: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={props.points}>
        <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.1} />
        <XAxis dataKey="t" tickFormatter={time} fontSize={11} stroke="currentColor" strokeOpacity={0.5} />
        <YAxis fontSize={11} stroke="currentColor" strokeOpacity={0.5} width={60} />
        <Tooltip labelFormatter={(v) => time(String(v))} />
        <Legend />
        <Area
          type="monotone"
          dataKey="earned"
          name="Earned"
          stroke="#6366f1"
          fill="#6366f1"
          fillOpacity={0.2}
        />
        <Area
          type="monotone"
          dataKey="withdrawn"
          name="Withdrawn"
          stroke="#10b981"
          fill="#10b981"
          fillOpacity={0.2}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function CapacityChart(props: {
  points: { t: string; cpuFree: number; cpuTotal: number; memFreeGib: number }[];
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={props.points}>
        <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.1} />
        <XAxis dataKey="t" tickFormatter={time} fontSize={11} stroke="currentColor" strokeOpacity={0.5} />
        <YAxis fontSize={11} stroke="currentColor" strokeOpacity={0.5} width={40} />
        <Tooltip labelFormatter={(v) => time(String(v))} />
        <Legend />
        <Line type="stepAfter" dataKey="cpuFree" name="CPU free" stroke="#6366f1" dot={false} />
        <Line
          type="stepAfter"
          dataKey="cpuTotal"
          name="CPU total"
          stroke="#a1a1aa"
          dot={false}
          strokeDasharray="4 2"
        />
        <Line type="stepAfter" dataKey="memFreeGib" name="Memory free (GiB)" stroke="#10b981" dot={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
