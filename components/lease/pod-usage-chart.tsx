"use client";

import {
  Area,
  AreaChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

// One pod's usage over time against what it requested and its limit: the request is what the lease
// guarantees, the limit where the cluster throttles (CPU) or kills (memory).

export interface UsagePoint {
  t: number;
  value: number;
}

export function PodUsageChart(props: {
  title: string;
  points: UsagePoint[];
  request: number | null;
  limit: number | null;
  format: (value: number) => string;
  color: string;
  windowMs: number;
  testId?: string;
}) {
  const now = props.points.at(-1)?.t ?? Date.now();
  // The window, but no wider than the history we have: a young pod's line fills the chart.
  const from = Math.max(now - props.windowMs, props.points[0]?.t ?? now - props.windowMs);
  const sameLine = props.request !== null && props.request === props.limit;
  const max = Math.max(props.limit ?? 0, props.request ?? 0, ...props.points.map((p) => p.value)) * 1.1 || 1;
  const latest = props.points.at(-1)?.value;
  const id = `grad-${props.testId ?? props.title}`.replace(/[^a-zA-Z0-9-]/g, "");
  return (
    <div data-testid={props.testId} data-points={props.points.length} data-latest={latest ?? ""}>
      <div className="mb-1 flex items-baseline justify-between text-xs">
        <span className="font-medium text-zinc-700 dark:text-zinc-300">{props.title}</span>
        <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
          {latest !== undefined ? props.format(latest) : "—"}
          {props.request !== null && <> · req {props.format(props.request)}</>}
          {props.limit !== null && <> · lim {props.format(props.limit)}</>}
        </span>
      </div>
      <div className="h-40">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={props.points} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            <defs>
              <linearGradient id={id} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={props.color} stopOpacity={0.35} />
                <stop offset="100%" stopColor={props.color} stopOpacity={0.02} />
              </linearGradient>
            </defs>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.1} />
            <XAxis
              dataKey="t"
              type="number"
              domain={[from, now]}
              tickFormatter={(t: number) =>
                props.windowMs > 86_400_000
                  ? new Date(t).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit" })
                  : new Date(t).toLocaleTimeString([], {
                      hour: "2-digit",
                      minute: "2-digit",
                      second: "2-digit",
                    })
              }
              tick={{ fontSize: 10, fill: "currentColor", fillOpacity: 0.6 }}
              stroke="currentColor"
              strokeOpacity={0.2}
              minTickGap={40}
            />
            <YAxis
              domain={[0, max]}
              tickFormatter={(v: number) => props.format(v)}
              tick={{ fontSize: 10, fill: "currentColor", fillOpacity: 0.6 }}
              stroke="currentColor"
              strokeOpacity={0.2}
              width={64}
            />
            <Tooltip
              labelFormatter={(t) =>
                props.windowMs > 86_400_000
                  ? new Date(Number(t)).toLocaleString()
                  : new Date(Number(t)).toLocaleTimeString()
              }
              formatter={(v) => [props.format(Number(v)), props.title]}
              contentStyle={{ fontSize: 12, borderRadius: 8 }}
            />
            {props.request !== null && (
              <ReferenceLine
                y={props.request}
                stroke="#10b981"
                strokeDasharray="4 4"
                label={{
                  value: sameLine ? "request = limit" : "request",
                  position: "insideTopRight",
                  fontSize: 10,
                  fill: "#10b981",
                }}
              />
            )}
            {props.limit !== null && !sameLine && (
              <ReferenceLine
                y={props.limit}
                stroke="#ef4444"
                strokeDasharray="4 4"
                label={{ value: "limit", position: "insideTopLeft", fontSize: 10, fill: "#ef4444" }}
              />
            )}
            <Area
              type="monotone"
              dataKey="value"
              stroke={props.color}
              strokeWidth={2}
              fill={`url(#${id})`}
              isAnimationActive={false}
              dot={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
