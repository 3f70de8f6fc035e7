import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { bidSecrets, manifests, orders } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { canonicalizeManifest } from "@/lib/market/manifest";
import { loadPromisedCapacity, promisedOn } from "./load-promised-capacity";

// Room a provider has promised on a sealed order: from the commitment it stored before sending, on the
// cluster it was sized for, until the order settles; a commitment that never landed promises nothing.

const provider = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const clusterA = "11111111-1111-4111-8111-111111111111";
const clusterB = "22222222-2222-4222-8222-222222222222";
const body = canonicalizeManifest({
  name: "web",
  image: "nginx:1.27",
  resources: { cpu: 1500, memory: 512 },
}).manifest;
const specHash = `0x${"a".repeat(64)}`;

let handle: DbHandle;

const order = (id: string, over: Partial<typeof orders.$inferInsert> = {}) => ({
  id,
  tenant,
  specHash,
  resources: {},
  maxPricePerHour: "1000",
  durationSeconds: 3600,
  deposit: "1000",
  bidWindowEndsAt: new Date(Date.now() + 60_000),
  auctionFormat: "sealed" as const,
  revealWindowSeconds: 60,
  createdBlock: 1n,
  txHash: `0x${id.padStart(64, "0")}`,
  ...over,
});
const secret = (orderId: string, over: Partial<typeof bidSecrets.$inferInsert> = {}) => ({
  orderId,
  provider,
  price: "500",
  salt: `0x${"1".repeat(64)}`,
  commitment: `0x${"2".repeat(64)}`,
  clusterId: clusterA,
  ...over,
});

beforeAll(async () => {
  handle = await createTestDb();
  await handle.db.insert(manifests).values({ specHash, tenant, body, signature: "0x", order: {} });
  await handle.db.insert(orders).values([
    order("1"), // committed on chain
    order("2"), // stored, being sent
    order("3"), // never landed: marked done without a reveal
    order("4", { status: "leased" }), // settled: the lease (or its absence) speaks now
  ]);
  const now = new Date();
  await handle.db
    .insert(bidSecrets)
    .values([
      secret("1", { committedAt: now, commitTxHash: `0x${"3".repeat(64)}` }),
      secret("2", { clusterId: null }),
      secret("3", { revealedAt: now }),
      secret("4", { committedAt: now }),
    ]);
});
afterAll(async () => {
  await handle?.close();
});

describe("promised capacity of sealed commitments", () => {
  it("counts an open sealed order the provider committed to, on its cluster; not one never sent", async () => {
    const c = await loadPromisedCapacity({ db: handle.db });
    expect([...c.sealedCommits.entries()].sort()).toEqual([
      [`1:${provider}`, clusterA],
      [`2:${provider}`, null],
    ]);
    // Cluster A: order 1 (sized for it) and order 2 (no cluster named: counts on each).
    const onA = promisedOn(c, { provider, clusterId: clusterA });
    expect(onA).toHaveLength(2);
    expect(onA[0]?.groups.map((g) => [g.name, g.replicas])).toEqual([["web", 1]]);
    expect(promisedOn(c, { provider, clusterId: clusterB })).toHaveLength(1);
    // The order being decided is not counted against itself; another provider has promised nothing.
    expect(promisedOn(c, { provider, clusterId: clusterA, exceptOrder: "1" })).toHaveLength(1);
    expect(promisedOn(c, { provider: tenant, clusterId: clusterA })).toEqual([]);
  });
});
