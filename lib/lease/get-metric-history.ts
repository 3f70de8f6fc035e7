import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { metricSamples } from "@/db/schema";

/** Usage samples of a lease since a time (history for the charts), oldest first. */
export async function getMetricHistory({ db, leaseId, since }: { db: Db; leaseId: string; since: Date }) {
  const rows = await db
    .select({
      pod: metricSamples.pod,
      at: metricSamples.takenAt,
      cpuMillis: metricSamples.cpuMillis,
      memoryBytes: metricSamples.memoryBytes,
    })
    .from(metricSamples)
    .where(and(eq(metricSamples.leaseId, leaseId), gt(metricSamples.takenAt, since)))
    .orderBy(asc(metricSamples.takenAt))
    .limit(20_000);
  return rows.map((r) => ({
    pod: r.pod,
    at: r.at.toISOString(),
    cpuMillis: r.cpuMillis,
    memoryBytes: r.memoryBytes,
  }));
}
