import "server-only";
import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { metricSamples } from "@/db/schema";
import { MINUTE_RETENTION_MS, RAW_RETENTION_MS } from "@/lib/lease/downsample-metrics";
import { rowsOf } from "@/lib/market/rows";

// A lease's usage history for the charts, per pod and per container, at a resolution picked by the
// range: raw samples up to an hour, then buckets sized for at most ~720 points per series (1 minute for 12 hours, 5 minutes for 2.5
// days, 15 minutes for a week, …) read from the downsampled levels (downsample-metrics.ts). The newest
// minutes, not rolled up yet, come from the finer level, so a chart has no gap at its right edge.

export interface HistoryPoint {
  pod: string;
  /** '' for the pod's total, else one of its containers. */
  container: string;
  /** Sample time, or the bucket's start. */
  at: string;
  /** The sample, or the bucket's average. */
  cpuMillis: number;
  memoryBytes: number;
  /** Bucket maxima (absent for raw samples). */
  cpuMaxMillis?: number;
  memoryMaxBytes?: number;
}

const RAW_MAX_RANGE_MS = 3600_000;
const MAX_POINTS = 720;
const STEPS_S = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400];

/** Seconds per point for a range ending now (0 = raw samples), and the stored level it reads. */
export function historyResolution(since: Date, now: Date): { stepS: number; level: 0 | 60 | 900 } {
  const range = now.getTime() - since.getTime();
  if (range <= RAW_MAX_RANGE_MS && since.getTime() >= now.getTime() - RAW_RETENTION_MS)
    return { stepS: 0, level: 0 };
  let stepS = STEPS_S.find((s) => range / (s * 1000) <= MAX_POINTS) ?? (STEPS_S.at(-1) as number);
  // Minute buckets exist for 7 days: an older start reads quarter-hours.
  const level = stepS < 900 && since.getTime() >= now.getTime() - MINUTE_RETENTION_MS ? 60 : 900;
  if (level === 900) stepS = Math.max(stepS, 900);
  return { stepS, level };
}

interface Partial {
  pod: string;
  container: string;
  bucket: Date | string;
  samples: number | string;
  cpu_sum: number | string;
  cpu_max: number | string;
  memory_sum: number | string;
  memory_max: number | string;
}

export async function getMetricHistory({
  db,
  leaseId,
  since,
  now = new Date(),
}: {
  db: Db;
  leaseId: string;
  since: Date;
  now?: Date;
}): Promise<HistoryPoint[]> {
  const { stepS, level } = historyResolution(since, now);
  if (stepS === 0) {
    const rows = await db
      .select({
        pod: metricSamples.pod,
        container: metricSamples.container,
        at: metricSamples.takenAt,
        cpuMillis: metricSamples.cpuMillis,
        memoryBytes: metricSamples.memoryBytes,
      })
      .from(metricSamples)
      .where(and(eq(metricSamples.leaseId, leaseId), gt(metricSamples.takenAt, since)))
      // Newest first, so a lease with more series than the cap keeps its latest points.
      .orderBy(desc(metricSamples.takenAt))
      .limit(40_000);
    return rows.reverse().map((r) => ({
      pod: r.pod,
      container: r.container,
      at: r.at.toISOString(),
      cpuMillis: r.cpuMillis,
      memoryBytes: r.memoryBytes,
    }));
  }

  const cursors = new Map(
    rowsOf<{ resolution_s: number; done_until: Date | string }>(
      await db.execute(sql`select resolution_s, done_until from metric_rollup_cursors`),
    ).map((r) => [Number(r.resolution_s), new Date(r.done_until)]),
  );
  const minuteDone = cursors.get(60) ?? since;
  const quarterDone = level === 900 ? (cursors.get(900) ?? since) : since;
  const step = sql.raw(`'${stepS} seconds'`);
  const origin = sql.raw(`timestamptz '1970-01-01'`);
  const at = (d: Date) => sql`${(d > since ? d : since).toISOString()}::timestamptz`;

  // Three disjoint time ranges, each from the level that holds it: quarter-hours before the quarter
  // cursor, minutes up to the minute cursor, raw samples after it.
  const rollup = (resolution: number, from: Date, to: Date | null) =>
    db.execute(sql`
      select pod, container, date_bin(${step}, bucket_start, ${origin}) as bucket, sum(samples) as samples,
        sum(cpu_sum) as cpu_sum, max(cpu_max) as cpu_max, sum(memory_sum) as memory_sum, max(memory_max) as memory_max
      from metric_rollups
      where lease_id = ${leaseId}::numeric and resolution_s = ${resolution}::int and bucket_start >= ${at(from)}
        ${to ? sql`and bucket_start < ${to.toISOString()}::timestamptz` : sql``}
      group by pod, container, 3`);
  const [quarters, minutes, raw] = await Promise.all([
    level === 900 ? rollup(900, since, quarterDone) : Promise.resolve([]),
    rollup(60, quarterDone, minuteDone),
    db.execute(sql`
      select pod, container, date_bin(${step}, taken_at, ${origin}) as bucket, count(*) as samples,
        sum(cpu_millis) as cpu_sum, max(cpu_millis) as cpu_max, sum(memory_bytes) as memory_sum,
        max(memory_bytes) as memory_max
      from metric_samples
      where lease_id = ${leaseId}::numeric and taken_at >= ${at(minuteDone)}
      group by pod, container, 3`),
  ]);

  // A display bucket may straddle two levels: merge its partial sums.
  const merged = new Map<
    string,
    { pod: string; container: string; at: number; n: number; cs: number; cm: number; ms: number; mm: number }
  >();
  for (const r of [...rowsOf<Partial>(quarters), ...rowsOf<Partial>(minutes), ...rowsOf<Partial>(raw)]) {
    const t = new Date(r.bucket).getTime();
    const key = `${r.pod}\u0000${r.container}\u0000${t}`;
    const m = merged.get(key) ?? {
      pod: r.pod,
      container: r.container,
      at: t,
      n: 0,
      cs: 0,
      cm: 0,
      ms: 0,
      mm: 0,
    };
    m.n += Number(r.samples);
    m.cs += Number(r.cpu_sum);
    m.cm = Math.max(m.cm, Number(r.cpu_max));
    m.ms += Number(r.memory_sum);
    m.mm = Math.max(m.mm, Number(r.memory_max));
    merged.set(key, m);
  }
  return [...merged.values()]
    .filter((m) => m.n > 0)
    .sort((a, b) => a.at - b.at || a.pod.localeCompare(b.pod) || a.container.localeCompare(b.container))
    .map((m) => ({
      pod: m.pod,
      container: m.container,
      at: new Date(m.at).toISOString(),
      cpuMillis: Math.round(m.cs / m.n),
      memoryBytes: Math.round(m.ms / m.n),
      cpuMaxMillis: m.cm,
      memoryMaxBytes: m.mm,
    }));
}
