import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, clusterUptime, leaseDowntime, leaseSla, leases, providers } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { getProviderProfile } from "./get-provider-profile";

// The public provider page's data from the indexer's and loops' rows (PGlite): clusters with their
// uptime, reputation with its parts, and recent leases with start, early end, measured uptime and SLA
// refunds; unknown and malformed addresses answer null (the page's 404).

const P = "0x00000000000000000000000000000000000000a1";
const OPERATOR = "0x00000000000000000000000000000000000000b2";
const TENANT = "0x00000000000000000000000000000000000000c3";
const NOW = new Date("2026-11-30T12:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  const db = handle.db;
  await db.insert(providers).values({ address: P, name: "Profile Lab", region: "eu", operator: OPERATOR });
  const [c] = await db
    .insert(clusters)
    .values({
      providerAddress: P,
      name: "edge-1",
      kubeconfigEnc: "x",
      server: "https://e.example",
      status: "up",
      region: "eu",
    })
    .returning({ id: clusters.id });
  const clusterId = c?.id ?? "";
  // 999 checks reached the cluster, 1 did not: 99.9 %.
  await db.insert(clusterUptime).values({ clusterId, day: "2026-11-30", upChecks: 999, downChecks: 1 });
  const lease = (id: string, v: Partial<typeof leases.$inferInsert>) =>
    db.insert(leases).values({
      id,
      orderId: id,
      tenant: TENANT,
      provider: P,
      pricePerHour: "3600000",
      deposit: "100000000",
      startedAt: at(-120),
      settledAt: at(-120),
      startDeadline: at(-110),
      endsAt: at(60),
      createdBlock: 1n,
      clusterId,
      ...v,
    });
  // 1: started 30 s after settlement, 5 minutes down within its 90 minutes, 0.30 refunded.
  await lease("1", { attestedAt: at(-119.5), slaRefunded: "300000", downtimeSeconds: 300 });
  await db.insert(leaseSla).values({ leaseId: "1", attestedAt: at(-90) });
  await db.insert(leaseDowntime).values({
    leaseId: "1",
    cause: "pods-not-ready",
    startedAt: at(-60),
    endedAt: at(-55),
  });
  // 2: closed by the provider's operator before its end.
  await lease("2", {
    startedAt: at(-100),
    settledAt: at(-100),
    startDeadline: at(-90),
    attestedAt: at(-99),
    status: "closed",
    closedAt: at(-30),
    closedBy: OPERATOR,
  });
  // 3: never started, cancelled by the keeper.
  await lease("3", {
    startedAt: at(-80),
    attestedAt: null,
    unstartedRefund: "100000000",
    unstartedSlash: "5000000",
    status: "closed",
    closedAt: at(-69),
  });
});
afterAll(async () => handle?.close());

describe("getProviderProfile", () => {
  it("a provider: clusters with uptime, reputation, recent leases (newest first) with how each went", async () => {
    const p = await getProviderProfile({
      db: handle.db,
      address: P.toUpperCase().replace("0X", "0x"),
      now: NOW,
    });
    expect(p).not.toBeNull();
    if (!p) return;
    expect(p.address).toBe(P);
    expect(p.clusters.map((c) => [c.name, c.uptimePercent])).toEqual([["edge-1", 99.9]]);
    expect(p.regions).toEqual(["eu"]);
    expect(p.activeLeases).toBe(1);
    expect(p.leases.map((l) => [l.id, l.start, l.endedEarly, l.secondsToStart])).toEqual([
      ["3", "never", false, null],
      ["2", "on-time", true, 60],
      ["1", "on-time", false, 30],
    ]);
    const first = p.leases.find((l) => l.id === "1");
    expect(first?.refunded).toBe("300000");
    expect(first?.downtimeSeconds).toBe(300);
    // 5 minutes down in 90 observed: 94.4 % (rounded down).
    expect(first?.uptimePercent).toBe(94.4);
    // Not attested on chain: nothing measured.
    expect(p.leases.find((l) => l.id === "3")?.uptimePercent).toBeNull();
    expect(p.reputation?.clusterUptimePercent).toBe(99.9);
    expect(p.reputation?.earlyEnds).toBe(1);
    expect(p.reputation?.slaRefunded).toBe("0"); // from indexed DowntimeRefunded events: none here
    expect(p.reputation?.score).toBeGreaterThan(0);
  });

  it("null for an address the market never saw, or not an address", async () => {
    expect(
      await getProviderProfile({ db: handle.db, address: "0x000000000000000000000000000000000000dead" }),
    ).toBeNull();
    expect(await getProviderProfile({ db: handle.db, address: "nope" })).toBeNull();
  });
});
