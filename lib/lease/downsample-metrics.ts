import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/lib/market/rows";

// Keeps a lease's usage history for its whole life at a bounded cost: raw samples (one per pod and
// poll, and one per container: `container` '' is the pod's total) for 6 hours, 1-minute buckets for 7 days, 15-minute buckets for ever (96 rows per pod-day).
// Buckets hold sums, counts and maxima, so averages stay exact however they are merged.
//
// Each run rebuilds, from the finer level, every bucket from a little before its resolution's cursor
// up to the last closed bucket, and replaces what was stored (upsert, never add): running twice, or
// after a crash between steps, counts every sample once. A level's rows are deleted only below the
// cursor of the level built from them, so nothing is pruned before it has been rolled up.

export const RAW_RETENTION_MS = 6 * 3600_000;
export const MINUTE_RETENTION_MS = 7 * 24 * 3600_000;
const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
/** Rebuilt behind each cursor on every run, for samples that land late (a slow poll). */
const REDO_MINUTE_MS = 2 * MINUTE;
const REDO_QUARTER_MS = QUARTER;
/** Catch-up after downtime proceeds in chunks, each in its own transaction. */
const MINUTE_CHUNK_MS = 3600_000;
const QUARTER_CHUNK_MS = 24 * 3600_000;

export interface DownsampleMetricsOptions {
  db: Db;
  now?: Date;
  /** A minute is closed this long after it ends: a poll may still be writing its samples. Default 60 s. */
  settleMs?: number;
  rawRetentionMs?: number;
  minuteRetentionMs?: number;
}

export interface DownsampleSummary {
  /** Minute buckets before this are final (null: no sample yet). */
  minuteDoneUntil: Date | null;
  quarterDoneUntil: Date | null;
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const iso = (t: number) => new Date(t).toISOString();

async function cursor(db: Db, resolutionS: number): Promise<number | null> {
  const [row] = rowsOf<{ done_until: Date | string }>(
    await db.execute(sql`select done_until from metric_rollup_cursors where resolution_s = ${resolutionS}`),
  );
  return row ? new Date(row.done_until).getTime() : null;
}

/** Moves a resolution's cursor forward (never back), in the transaction that wrote its buckets. */
async function advanceCursor(tx: Pick<Db, "execute">, resolutionS: number, to: number): Promise<void> {
  await tx.execute(sql`
    insert into metric_rollup_cursors (resolution_s, done_until) values (${resolutionS}, ${iso(to)}::timestamptz)
    on conflict (resolution_s) do update set done_until = greatest(metric_rollup_cursors.done_until, excluded.done_until)`);
}

async function earliest(db: Db, query: ReturnType<typeof sql>): Promise<number | null> {
  const [row] = rowsOf<{ t: Date | string | null }>(await db.execute(query));
  return row?.t ? new Date(row.t).getTime() : null;
}

export async function downsampleMetrics(opts: DownsampleMetricsOptions): Promise<DownsampleSummary> {
  const { db } = opts;
  const now = (opts.now ?? new Date()).getTime();
  const settleMs = opts.settleMs ?? MINUTE;
  const rawRetentionMs = opts.rawRetentionMs ?? RAW_RETENTION_MS;
  const minuteRetentionMs = opts.minuteRetentionMs ?? MINUTE_RETENTION_MS;

  // 1. Minute buckets from raw samples, up to the last closed minute.
  let minuteDone = await cursor(db, 60);
  const closedMinute = floorTo(now - settleMs, MINUTE);
  let from =
    minuteDone !== null
      ? minuteDone - REDO_MINUTE_MS
      : await earliest(db, sql`select min(taken_at) as t from metric_samples`);
  if (from !== null) {
    from = floorTo(from, MINUTE);
    while (from < closedMinute) {
      const to = Math.min(from + MINUTE_CHUNK_MS, closedMinute);
      await db.transaction(async (tx) => {
        await tx.execute(sql`
          insert into metric_rollups
            (lease_id, pod, container, resolution_s, bucket_start, samples, cpu_sum, cpu_max, memory_sum, memory_max)
          select lease_id, pod, container, 60, date_bin('60 seconds', taken_at, timestamptz '1970-01-01'),
            count(*)::int, sum(cpu_millis), max(cpu_millis), sum(memory_bytes), max(memory_bytes)
          from metric_samples
          where taken_at >= ${iso(from as number)}::timestamptz and taken_at < ${iso(to)}::timestamptz
          group by lease_id, pod, container, 5
          on conflict (lease_id, resolution_s, bucket_start, pod, container) do update set
            samples = excluded.samples, cpu_sum = excluded.cpu_sum, cpu_max = excluded.cpu_max,
            memory_sum = excluded.memory_sum, memory_max = excluded.memory_max`);
        await advanceCursor(tx, 60, to);
      });
      minuteDone = Math.max(minuteDone ?? to, to);
      from = to;
    }
  }

  // 2. Quarter-hour buckets from minute buckets, for every quarter whose minutes are all final.
  let quarterDone = await cursor(db, 900);
  if (minuteDone !== null) {
    const closedQuarter = floorTo(minuteDone, QUARTER);
    let qFrom =
      quarterDone !== null
        ? quarterDone - REDO_QUARTER_MS
        : await earliest(db, sql`select min(bucket_start) as t from metric_rollups where resolution_s = 60`);
    if (qFrom !== null) {
      qFrom = floorTo(qFrom, QUARTER);
      while (qFrom < closedQuarter) {
        const to = Math.min(qFrom + QUARTER_CHUNK_MS, closedQuarter);
        await db.transaction(async (tx) => {
          await tx.execute(sql`
            insert into metric_rollups
              (lease_id, pod, container, resolution_s, bucket_start, samples, cpu_sum, cpu_max, memory_sum, memory_max)
            select lease_id, pod, container, 900, date_bin('900 seconds', bucket_start, timestamptz '1970-01-01'),
              sum(samples)::int, sum(cpu_sum), max(cpu_max), sum(memory_sum), max(memory_max)
            from metric_rollups
            where resolution_s = 60
              and bucket_start >= ${iso(qFrom as number)}::timestamptz and bucket_start < ${iso(to)}::timestamptz
            group by lease_id, pod, container, 5
            on conflict (lease_id, resolution_s, bucket_start, pod, container) do update set
              samples = excluded.samples, cpu_sum = excluded.cpu_sum, cpu_max = excluded.cpu_max,
              memory_sum = excluded.memory_sum, memory_max = excluded.memory_max`);
          await advanceCursor(tx, 900, to);
        });
        quarterDone = Math.max(quarterDone ?? to, to);
        qFrom = to;
      }
    }
  }

  // 3. Prune what is past its retention and already rolled up (never what a redo will read again).
  if (minuteDone !== null) {
    const cutoff = Math.min(floorTo(now - rawRetentionMs, MINUTE), minuteDone - REDO_MINUTE_MS);
    await db.execute(sql`delete from metric_samples where taken_at < ${iso(cutoff)}::timestamptz`);
  }
  if (quarterDone !== null) {
    const cutoff = Math.min(floorTo(now - minuteRetentionMs, QUARTER), quarterDone - REDO_QUARTER_MS);
    await db.execute(
      sql`delete from metric_rollups where resolution_s = 60 and bucket_start < ${iso(cutoff)}::timestamptz`,
    );
  }

  return {
    minuteDoneUntil: minuteDone !== null ? new Date(minuteDone) : null,
    quarterDoneUntil: quarterDone !== null ? new Date(quarterDone) : null,
  };
}
