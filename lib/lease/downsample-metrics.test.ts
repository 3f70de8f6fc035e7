import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { metricRollupCursors, metricRollups, metricSamples } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { downsampleMetrics } from "@/lib/lease/downsample-metrics";
import { getMetricHistory, historyResolution } from "@/lib/lease/get-metric-history";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => handle.close());
beforeEach(async () => {
  await handle.db.delete(metricSamples);
  await handle.db.delete(metricRollups);
  await handle.db.delete(metricRollupCursors);
});

const T0 = Date.parse("2026-03-01T00:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Samples every 5 s from `from` to `to` (ms), cpu and memory derived from the time so sums are known. */
function samplesBetween(leaseId: string, pod: string, from: number, to: number, container = "") {
  const rows: (typeof metricSamples.$inferInsert)[] = [];
  // A container's figures differ from its pod's (and from another container's) so a mix-up shows.
  const k = container === "" ? 1 : 1 + container.length;
  for (let t = from; t < to; t += 5_000) {
    const i = (t - T0) / 5_000;
    rows.push({
      leaseId,
      pod,
      container,
      takenAt: new Date(t),
      cpuMillis: (100 + (i % 13) * 10) * k,
      memoryBytes: (1_000_000 + (i % 7) * 1000) * k,
    });
  }
  return rows;
}

async function insert(rows: (typeof metricSamples.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += 5_000)
    await handle.db.insert(metricSamples).values(rows.slice(i, i + 5_000));
}

async function rollups(resolutionS: number) {
  return handle.db
    .select()
    .from(metricRollups)
    .where(eq(metricRollups.resolutionS, resolutionS))
    .orderBy(asc(metricRollups.bucketStart), asc(metricRollups.pod));
}

function expected(rows: (typeof metricSamples.$inferInsert)[], from: number, to: number) {
  const inside = rows.filter(
    (r) => (r.takenAt as Date).getTime() >= from && (r.takenAt as Date).getTime() < to,
  );
  return {
    samples: inside.length,
    cpuSum: inside.reduce((n, r) => n + r.cpuMillis, 0),
    cpuMax: Math.max(...inside.map((r) => r.cpuMillis)),
    memorySum: inside.reduce((n, r) => n + r.memoryBytes, 0),
    memoryMax: Math.max(...inside.map((r) => r.memoryBytes)),
  };
}

describe("downsampleMetrics", () => {
  it("builds minute and quarter-hour buckets with exact sums, counts and maxima, for closed buckets only", async () => {
    const rows = [
      ...samplesBetween("1", "web-a", T0, T0 + 40 * MIN),
      ...samplesBetween("1", "web-b", T0, T0 + 40 * MIN),
    ];
    await insert(rows);
    const summary = await downsampleMetrics({
      db: handle.db,
      now: new Date(T0 + 40 * MIN + 30_000),
      settleMs: 60_000,
    });
    // now − settle = 39:30: minutes up to 39:00 are closed, quarters up to 30:00.
    expect(summary.minuteDoneUntil?.toISOString()).toBe(new Date(T0 + 39 * MIN).toISOString());
    expect(summary.quarterDoneUntil?.toISOString()).toBe(new Date(T0 + 30 * MIN).toISOString());

    const minutes = await rollups(60);
    expect(minutes).toHaveLength(39 * 2);
    const a7 = minutes.find((m) => m.pod === "web-a" && m.bucketStart.getTime() === T0 + 7 * MIN);
    expect(a7).toMatchObject(
      expected(
        rows.filter((r) => r.pod === "web-a"),
        T0 + 7 * MIN,
        T0 + 8 * MIN,
      ),
    );
    expect(a7?.samples).toBe(12);

    const quarters = await rollups(900);
    expect(quarters.map((q) => [q.pod, q.bucketStart.getTime() - T0])).toEqual([
      ["web-a", 0],
      ["web-b", 0],
      ["web-a", 15 * MIN],
      ["web-b", 15 * MIN],
    ]);
    expect(quarters[2]).toMatchObject(
      expected(
        rows.filter((r) => r.pod === "web-a"),
        T0 + 15 * MIN,
        T0 + 30 * MIN,
      ),
    );
  });

  it("is idempotent: a second run, or a run after a crash, changes nothing and counts every sample once", async () => {
    const rows = samplesBetween("2", "web", T0, T0 + 50 * MIN);
    await insert(rows);
    const now = new Date(T0 + 50 * MIN);
    await downsampleMetrics({ db: handle.db, now });
    const first = [await rollups(60), await rollups(900)];
    await downsampleMetrics({ db: handle.db, now });
    await downsampleMetrics({ db: handle.db, now: new Date(now.getTime() + 1000) });
    expect([await rollups(60), await rollups(900)]).toEqual(first);

    // A cursor lost (as if the process died before writing it): the same buckets are rebuilt, not added to.
    await handle.db.delete(metricRollupCursors);
    await downsampleMetrics({ db: handle.db, now });
    expect([await rollups(60), await rollups(900)]).toEqual(first);

    const [minutes, quarters] = first as [
      Awaited<ReturnType<typeof rollups>>,
      Awaited<ReturnType<typeof rollups>>,
    ];
    const minuteDone = T0 + 49 * MIN;
    expect(minutes.reduce((n, m) => n + m.samples, 0)).toBe(expected(rows, T0, minuteDone).samples);
    expect(quarters.reduce((n, q) => n + q.samples, 0)).toBe(expected(rows, T0, T0 + 45 * MIN).samples);
    expect(quarters.reduce((n, q) => n + q.cpuSum, 0)).toBe(expected(rows, T0, T0 + 45 * MIN).cpuSum);
  });

  it("takes in a sample that lands late in an already rolled-up minute, without counting the others twice", async () => {
    const rows = samplesBetween("3", "web", T0, T0 + 20 * MIN);
    await insert(rows);
    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 20 * MIN) });
    // 18:00 is rolled up (cursor at 19:00) and inside the redo window; a slow poll writes into it now.
    const late = {
      leaseId: "3",
      pod: "web",
      takenAt: new Date(T0 + 18 * MIN + 2_500),
      cpuMillis: 9_999,
      memoryBytes: 5,
    };
    await insert([late]);
    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 20 * MIN + 10_000) });
    const [bucket] = await handle.db
      .select()
      .from(metricRollups)
      .where(and(eq(metricRollups.resolutionS, 60), eq(metricRollups.bucketStart, new Date(T0 + 18 * MIN))));
    expect(bucket).toMatchObject(expected([...rows, late], T0 + 18 * MIN, T0 + 19 * MIN));
    expect(bucket?.samples).toBe(13);
    expect(bucket?.cpuMax).toBe(9_999);
  });

  it("prunes raw samples after 6 h and minute buckets after 7 days, keeping quarter-hours for the lease's life", async () => {
    const rows = samplesBetween("4", "web", T0, T0 + 2 * HOUR);
    await insert(rows);
    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 2 * HOUR + 2 * MIN) });
    const minutesBefore = await rollups(60);
    expect(minutesBefore).toHaveLength(120);

    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 9 * HOUR) });
    const left = await handle.db.select({ n: sql<number>`count(*)::int` }).from(metricSamples);
    expect(left[0]?.n).toBe(0);
    expect(await rollups(60)).toEqual(minutesBefore);

    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 8 * DAY) });
    expect(await rollups(60)).toHaveLength(0);
    const quarters = await rollups(900);
    expect(quarters).toHaveLength(8);
    expect(quarters.reduce((n, q) => n + q.samples, 0)).toBe(rows.length);
    expect(quarters.reduce((n, q) => n + q.memorySum, 0)).toBe(expected(rows, T0, T0 + 2 * HOUR).memorySum);
  });

  it("never prunes raw samples it has not rolled up, even when they are past retention", async () => {
    // Samples from 10 hours ago and no cursor yet (say, the job was off): rolled up first, then pruned.
    const rows = samplesBetween("5", "web", T0, T0 + 30 * MIN);
    await insert(rows);
    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 10 * HOUR) });
    const minutes = await rollups(60);
    expect(minutes.reduce((n, m) => n + m.samples, 0)).toBe(rows.length);
    expect((await handle.db.select().from(metricSamples)).length).toBe(0);
  });
});

describe("downsampleMetrics per container", () => {
  it("rolls up a pod's total and each of its containers as separate series, exactly", async () => {
    const series = [
      samplesBetween("3", "web-a", T0, T0 + 40 * MIN),
      samplesBetween("3", "web-a", T0, T0 + 40 * MIN, "app"),
      samplesBetween("3", "web-a", T0, T0 + 40 * MIN, "sidecar"),
    ];
    await insert(series.flat());
    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 40 * MIN + 30_000), settleMs: 60_000 });
    for (const resolution of [60, 900] as const) {
      const stored = (await rollups(resolution)).filter((r) => r.bucketStart.getTime() === T0);
      expect(stored.map((r) => r.container).sort()).toEqual(["", "app", "sidecar"]);
      for (const rows of series) {
        const bucket = stored.find((r) => r.container === rows[0]?.container);
        expect(bucket).toMatchObject(expected(rows, T0, T0 + resolution * 1000));
      }
    }
    const history = await getMetricHistory({
      db: handle.db,
      leaseId: "3",
      since: new Date(T0),
      now: new Date(T0 + 3 * DAY),
    });
    const first = history.filter((p) => p.at === new Date(T0).toISOString());
    expect(first.map((p) => p.container)).toEqual(["", "app", "sidecar"]);
    for (const rows of series) {
      const e = expected(rows, T0, T0 + 15 * MIN);
      expect(first.find((p) => p.container === rows[0]?.container)).toMatchObject({
        pod: "web-a",
        cpuMillis: Math.round(e.cpuSum / e.samples),
        cpuMaxMillis: e.cpuMax,
        memoryMaxBytes: e.memoryMax,
      });
    }
  });
});

describe("getMetricHistory", () => {
  it("picks the resolution by range", () => {
    const now = new Date(T0 + 30 * DAY);
    const ago = (ms: number) => new Date(now.getTime() - ms);
    expect(historyResolution(ago(15 * MIN), now)).toEqual({ stepS: 0, level: 0 });
    expect(historyResolution(ago(HOUR), now)).toEqual({ stepS: 0, level: 0 });
    expect(historyResolution(ago(6 * HOUR), now)).toEqual({ stepS: 60, level: 60 });
    expect(historyResolution(ago(DAY), now)).toEqual({ stepS: 300, level: 60 });
    expect(historyResolution(ago(7 * DAY), now)).toEqual({ stepS: 900, level: 900 });
    expect(historyResolution(ago(30 * DAY), now)).toEqual({ stepS: 3600, level: 900 });
  });

  it("reads buckets from each level for its own time range and merges them exactly, with no gap at the end", async () => {
    // Three hours of samples; the job ran at 2:20, so the last 40 minutes exist only as raw samples.
    const rows = samplesBetween("6", "web", T0, T0 + 3 * HOUR);
    await insert(rows.filter((r) => (r.takenAt as Date).getTime() < T0 + 2 * HOUR + 20 * MIN));
    await downsampleMetrics({ db: handle.db, now: new Date(T0 + 2 * HOUR + 20 * MIN + 60_000) });
    await insert(rows.filter((r) => (r.takenAt as Date).getTime() >= T0 + 2 * HOUR + 20 * MIN));
    const now = new Date(T0 + 3 * HOUR);

    const sixHours = await getMetricHistory({
      db: handle.db,
      leaseId: "6",
      since: new Date(now.getTime() - 6 * HOUR),
      now,
    });
    expect(sixHours).toHaveLength(180);
    expect(sixHours.reduce((n, p) => n + (p.cpuMillis > 0 ? 1 : 0), 0)).toBe(180);
    const m100 = sixHours.find((p) => p.at === new Date(T0 + 100 * MIN).toISOString());
    const e = expected(rows, T0 + 100 * MIN, T0 + 101 * MIN);
    expect(m100).toMatchObject({
      cpuMillis: Math.round(e.cpuSum / e.samples),
      cpuMaxMillis: e.cpuMax,
      memoryMaxBytes: e.memoryMax,
    });
    const last = sixHours.at(-1);
    expect(last?.at).toBe(new Date(T0 + 179 * MIN).toISOString());

    // A week: quarter-hours, from stored quarters, minutes not yet in a quarter, and raw samples.
    const week = await getMetricHistory({
      db: handle.db,
      leaseId: "6",
      since: new Date(now.getTime() - 7 * DAY),
      now,
    });
    expect(week.map((p) => p.at)).toEqual(
      Array.from({ length: 12 }, (_, i) => new Date(T0 + i * 15 * MIN).toISOString()),
    );
    for (const [i, p] of week.entries()) {
      const q = expected(rows, T0 + i * 15 * MIN, T0 + (i + 1) * 15 * MIN);
      expect(p.cpuMillis).toBe(Math.round(q.cpuSum / q.samples));
      expect(p.memoryBytes).toBe(Math.round(q.memorySum / q.samples));
      expect(p.cpuMaxMillis).toBe(q.cpuMax);
    }

    // An hour: the raw samples themselves.
    const hour = await getMetricHistory({
      db: handle.db,
      leaseId: "6",
      since: new Date(now.getTime() - HOUR),
      now,
    });
    expect(hour).toHaveLength(719);
    expect(hour[0]).not.toHaveProperty("cpuMaxMillis");
  });
});
