import { desc, eq } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import {
  bidClaims,
  bidDecisions,
  bidSecrets,
  clusters,
  type InventoryNode,
  inventorySnapshots,
  manifests,
  orders,
  providers,
} from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { attributeId } from "@/lib/chain/order-types";
import { sealedCommitment } from "@/lib/market/bid-engine/sealed-commitment";
import { bondRequired } from "@/lib/market/bond-required";
import { fitOrder, manifestWorkload } from "@/lib/market/fit-order";
import { canonicalizeManifest } from "@/lib/market/manifest";
import { decideBid } from "./decide-bid";
import { type BidChain, runBidEngineTick } from "./run-bid-engine";

const OPERATOR = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" as Address;
const ZERO_HASH = `0x${"0".repeat(64)}` as Hex;
const PROVIDER = "0x14dc79964da2c08b23698b3d3cc7ca32193d9955";
const RIVAL = "0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f" as Address;
const GIB = 1024 ** 3;
const REGION = attributeId("region", "eu-north-1");

function node(
  name: string,
  cpu: number,
  memGib: number,
  gpus = 0,
  model: string | null = null,
): InventoryNode {
  const amounts = { cpuMillis: cpu * 1000, memoryBytes: memGib * GIB, pods: 110, gpus };
  return {
    name,
    region: "eu-north-1",
    ready: true,
    schedulable: true,
    allocatable: amounts,
    free: { ...amounts },
    gpuModel: gpus ? model : null,
  };
}

/** A chain that records bids and keeps the best one, like the contract. */
class FakeChain implements BidChain {
  operator = OPERATOR;
  best = new Map<bigint, { provider: Address; price: bigint }>();
  sent: { orderId: bigint; price: bigint }[] = [];
  failNext: string | null = null;
  /** Keeps each bid in flight this long, like a real send + receipt wait. */
  delayMs = 0;
  attributes = new Set<Hex>([REGION]);
  async getProvider() {
    return { registered: true, operator: OPERATOR, reputation: this.reputation };
  }
  reputation = 50;
  /** Free bond per provider (lower case); unlisted: plenty. */
  free = new Map<string, bigint>();
  async bondRequired(price: bigint, duration: number) {
    return bondRequired(price, duration, { bondBps: 2000, bondCap: 1_000_000_000n });
  }
  async freeBond(provider: Address) {
    return this.free.get(provider.toLowerCase()) ?? 10n ** 18n;
  }
  commits = new Map<string, { commitment: Hex; revealed: boolean; price?: bigint }>();
  async getCommit(orderId: bigint, provider: Address) {
    return (
      this.commits.get(`${orderId}:${provider.toLowerCase()}`) ?? { commitment: ZERO_HASH, revealed: false }
    );
  }
  async commitBid(a: { orderId: bigint; provider: Address; commitment: Hex }) {
    this.commits.set(`${a.orderId}:${a.provider.toLowerCase()}`, {
      commitment: a.commitment,
      revealed: false,
    });
    return `0x${"cc".repeat(32)}` as Hex;
  }
  async revealBid(a: { orderId: bigint; provider: Address; price: bigint; salt: Hex }) {
    const key = `${a.orderId}:${a.provider.toLowerCase()}`;
    const c = this.commits.get(key);
    if (!c || c.commitment !== sealedCommitment(a)) throw new Error("InvalidReveal");
    this.commits.set(key, { ...c, revealed: true, price: a.price });
    return `0x${"dd".repeat(32)}` as Hex;
  }
  async hasAttribute(_p: Address, a: Hex) {
    return this.attributes.has(a);
  }
  async bestBid(orderId: bigint) {
    return this.best.get(orderId) ?? null;
  }
  async placeBid(a: { orderId: bigint; provider: Address; price: bigint }) {
    if (this.failNext) {
      const m = this.failNext;
      this.failNext = null;
      throw new Error(m);
    }
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    this.sent.push({ orderId: a.orderId, price: a.price });
    this.best.set(a.orderId, { provider: a.provider, price: a.price });
    return `0x${"ab".repeat(32)}` as Hex;
  }
}

let h: DbHandle;
let chain: FakeChain;
let clusterId: string;
let nextOrder = 1;

beforeAll(async () => {
  h = await createTestDb();
});
afterAll(async () => {
  await h.close();
});

beforeEach(async () => {
  chain = new FakeChain();
  await h.db.delete(bidDecisions);
  await h.db.delete(bidClaims);
  await h.db.delete(bidSecrets);
  await h.db.delete(orders);
  await h.db.delete(manifests);
  await h.db.delete(inventorySnapshots);
  await h.db.delete(clusters);
  await h.db.delete(providers);
  await h.db.insert(providers).values({
    address: PROVIDER,
    name: "Test",
    region: "eu-north-1",
    // 0.01 per core-hour, 0.002 per GiB-hour, storage free, A100 at 1.00
    pricing: {
      cpuCoreHour: "10000",
      memoryGibHour: "2000",
      storageGibHour: "0",
      gpuHour: { A100: "1000000" },
    },
    bidStrategy: "undercut",
    undercutStep: "1000",
    autoBid: true,
  });
  const [c] = await h.db
    .insert(clusters)
    .values({ providerAddress: PROVIDER, name: "lab", kubeconfigEnc: "x", server: "https://x", status: "up" })
    .returning();
  clusterId = c!.id;
  await h.db.insert(inventorySnapshots).values({
    clusterId,
    allocatable: { cpuMillis: 0, memoryBytes: 0, gpus: {} },
    free: { cpuMillis: 0, memoryBytes: 0, gpus: {} },
    nodes: [node("cpu-1", 8, 32), node("gpu-1", 16, 64, 1, "A100")],
  });
});

const TENANT = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";

/** A one-service (v1) manifest of these totals over `replicas`, stored, and the order that buys it. */
async function addOrder(
  resources: { cpuMillis: number; memoryMiB: number; gpuCount?: number; gpuModel?: string },
  maxPrice: string,
  replicas = 1,
  extra: Partial<typeof orders.$inferInsert> = {},
): Promise<bigint> {
  const id = BigInt(nextOrder++);
  const gpu = resources.gpuCount ?? 0;
  const { manifest, specHash } = canonicalizeManifest({
    name: `app-${id}`,
    image: "nginx:1.27",
    replicas,
    resources: {
      cpu: resources.cpuMillis / replicas,
      memory: resources.memoryMiB / replicas,
      storage: 0,
      gpu: { count: gpu / replicas, ...(resources.gpuModel ? { model: resources.gpuModel } : {}) },
    },
  });
  await h.db
    .insert(manifests)
    .values({ specHash, tenant: TENANT, body: manifest, signature: "0x", order: {} });
  await h.db.insert(orders).values({
    id: id.toString(),
    tenant: TENANT,
    specHash,
    resources: { storageMiB: 0, gpuCount: 0, gpuModel: null, ...resources },
    requiredAttributes: [REGION],
    maxPricePerHour: maxPrice,
    durationSeconds: 3600,
    deposit: "1000000",
    bidWindowEndsAt: new Date(Date.now() + 60_000),
    createdBlock: 1n,
    txHash: "0x",
    ...extra,
  });
  return id;
}

async function decisions() {
  return h.db.select().from(bidDecisions).orderBy(desc(bidDecisions.id));
}

describe("bid engine", () => {
  it("bids on an order that fits, records the cluster, and does not repeat itself", async () => {
    // 2 cores + 4 GiB = 0.02 + 0.008 = 0.028/h; max 0.05: the undercut strategy opens at the max.
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000");
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toEqual([{ orderId: id, price: 50000n }]);
    const [d] = await decisions();
    expect(d).toMatchObject({ action: "bid", price: "50000", clusterId });
    expect(d!.reason).toMatch(/^bid 0.05\/h/);
    // Leading: nothing new on the next ticks.
    await runBidEngineTick({ db: h.db, chain });
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(1);
    expect(await decisions()).toHaveLength(1);
  });

  it("skips an order that does not fit on any single node", async () => {
    // 2 × A100 wanted, the cluster has one.
    await addOrder({ cpuMillis: 1000, memoryMiB: 1024, gpuCount: 2, gpuModel: "A100" }, "5000000");
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    const [d] = await decisions();
    expect(d).toMatchObject({ action: "skip" });
    expect(d!.reason).toBe("skipped: needs 2 × A100, 1 free");
    // 10 cores: no node has that much free.
    await addOrder({ cpuMillis: 20_000, memoryMiB: 1024 }, "5000000");
    await runBidEngineTick({ db: h.db, chain });
    expect((await decisions())[0]!.reason).toBe("skipped: needs 20 cores on one node, at most 16 cores free");
    // Still identical: no new rows.
    await runBidEngineTick({ db: h.db, chain });
    expect(await decisions()).toHaveLength(2);
  });

  it("counts capacity promised to its other open bids", async () => {
    await addOrder({ cpuMillis: 14_000, memoryMiB: 1024 }, "5000000");
    await addOrder({ cpuMillis: 14_000, memoryMiB: 1024 }, "5000000");
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(1);
    expect((await decisions()).find((d) => d.action === "skip")?.reason).toMatch(
      /needs 14 cores on one node/,
    );
  });

  it("skips when its price is above the order's max", async () => {
    await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "20000");
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    expect((await decisions())[0]!.reason).toBe("skipped: price 0.028/h above the order's max 0.02/h");
  });

  it("undercuts a rival by the step, then stops at its floor", async () => {
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000");
    chain.best.set(id, { provider: RIVAL, price: 40_000n });
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent.at(-1)).toEqual({ orderId: id, price: 39_000n });
    expect((await decisions())[0]).toMatchObject({ action: "undercut", price: "39000" });
    // The rival goes close to our floor: we bid the floor, not below.
    chain.best.set(id, { provider: RIVAL, price: 28_500n });
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent.at(-1)).toEqual({ orderId: id, price: 28_000n });
    // And below the floor we let it go.
    chain.best.set(id, { provider: RIVAL, price: 27_000n });
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(2);
    expect((await decisions())[0]!.reason).toBe("outbid at 0.027, floor 0.028");
  });

  it("records a failed transaction and retries on the next tick", async () => {
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000");
    chain.failNext = "BidNotLower";
    await runBidEngineTick({ db: h.db, chain });
    const [d] = await decisions();
    expect(d).toMatchObject({ action: "error" });
    expect(d!.reason).toMatch(/failed: BidNotLower \(retrying next tick\)/);
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toEqual([{ orderId: id, price: 50000n }]);
  });

  it("sends a bid once when two engines run at the same time (split brain)", async () => {
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000");
    chain.delayMs = 200;
    // Both read the chain before either bid lands, and both decide the same bid.
    const [a, b] = await Promise.all([
      runBidEngineTick({ db: h.db, chain }),
      runBidEngineTick({ db: h.db, chain }),
    ]);
    expect(a.bids + b.bids).toBe(1);
    expect(chain.sent).toEqual([{ orderId: id, price: 50000n }]);
    const [claim] = await h.db.select().from(bidClaims);
    expect(claim).toMatchObject({ orderId: id.toString(), provider: PROVIDER, price: "50000" });
    expect(claim?.txHash).toMatch(/^0x/);
  });

  it("leaves a bid claimed by another live process alone, and takes over one whose sender died", async () => {
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000");
    const key = { orderId: id.toString(), provider: PROVIDER, price: "50000" };
    await h.db.insert(bidClaims).values(key);
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    await h.db
      .update(bidClaims)
      .set({ claimedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(bidClaims.orderId, key.orderId));
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toEqual([{ orderId: id, price: 50000n }]);
  });

  it("bids its price on the cluster that offers the order's StorageClass, volumes priced at its rate", async () => {
    await h.db.update(providers).set({ bidStrategy: "floor" }).where(eq(providers.address, PROVIDER));
    const [disk] = await h.db
      .insert(clusters)
      .values({
        providerAddress: PROVIDER,
        name: "disk",
        kubeconfigEnc: "x",
        server: "https://y",
        status: "up",
        storageClasses: [{ name: "fast-ssd", pricePerGiBHour: "300" }],
      })
      .returning();
    await h.db.insert(inventorySnapshots).values({
      clusterId: disk!.id,
      allocatable: { cpuMillis: 0, memoryBytes: 0, gpus: {} },
      free: { cpuMillis: 0, memoryBytes: 0, gpus: {} },
      nodes: [node("disk-1", 8, 32)],
    });
    const { manifest, specHash } = canonicalizeManifest({
      version: 2,
      name: "db",
      services: [
        {
          name: "db",
          image: "postgres:16",
          resources: { cpu: 1000, memory: 1024, storage: 0 },
          volumes: [{ name: "data", mount: "/data", size: 10 * 1024, storageClass: "fast-ssd" }],
        },
      ],
    });
    await h.db
      .insert(manifests)
      .values({ specHash, tenant: TENANT, body: manifest, signature: "0x", order: {} });
    const id = BigInt(nextOrder++);
    await h.db.insert(orders).values({
      id: id.toString(),
      tenant: TENANT,
      specHash,
      resources: { cpuMillis: 1000, memoryMiB: 1024, storageMiB: 0, gpuCount: 0, gpuModel: null },
      requiredAttributes: [REGION],
      maxPricePerHour: "50000",
      durationSeconds: 3600,
      deposit: "1000000",
      bidWindowEndsAt: new Date(Date.now() + 60_000),
      createdBlock: 1n,
      txHash: "0x",
    });
    await runBidEngineTick({ db: h.db, chain });
    // 1 core 10000 + 1 GiB 2000 + 10 GiB of fast-ssd at 300 = 15000, on "disk" ("lab" offers no class).
    expect(chain.sent).toEqual([{ orderId: id, price: 15_000n }]);
    expect((await decisions())[0]).toMatchObject({ action: "bid", clusterId: disk!.id, price: "15000" });
  });

  it("skips an order whose manifest is not stored: nothing to size or deploy", async () => {
    const id = await addOrder({ cpuMillis: 1000, memoryMiB: 1024 }, "50000");
    await h.db.delete(manifests);
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    const [d] = await decisions();
    expect(d).toMatchObject({ orderId: id.toString(), action: "skip" });
    expect(d!.reason).toBe("skipped: no manifest stored for this order");
  });

  it("ignores providers without the required attribute and without auto-bid", async () => {
    chain.attributes.clear();
    await addOrder({ cpuMillis: 1000, memoryMiB: 1024 }, "50000");
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    expect((await decisions())[0]!.reason).toBe("skipped: lacks a required attribute (region eu-north-1)");
    await h.db.update(providers).set({ autoBid: false }).where(eq(providers.address, PROVIDER));
    chain.attributes.add(REGION);
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
  });
});

describe("bid engine: bonds, reputation and sealed auctions", () => {
  it("skips, with its reason, an order whose bond lock its free bond cannot cover, then bids once it can", async () => {
    // Undercut opens at the max 0.05/h × 24 h: the lease is worth 1.2, 20 % of it (0.24) is locked.
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000", 1, { durationSeconds: 86_400 });
    chain.free.set(PROVIDER, 200_000n);
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    const [d] = await decisions();
    expect(d).toMatchObject({ action: "skip", price: "50000" });
    expect(d!.reason).toBe("skipped: a bid at 0.05/h locks 0.24 of bond, 0.20 free (deposit more bond)");
    chain.free.set(PROVIDER, 240_000n);
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toEqual([{ orderId: id, price: 50_000n }]);
  });

  it("skips an order whose minimum reputation the provider's on-chain score misses", async () => {
    await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000", 1, { minReputation: 60 });
    chain.reputation = 59;
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    expect((await decisions())[0]!.reason).toBe(
      "skipped: on-chain reputation 59 is below the order's minimum 60",
    );
    chain.reputation = 60;
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(1);
  });

  it("commits a sealed bid at the floor with its secret stored first, and reveals it after the window, across a restart", async () => {
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000", 1, {
      auctionFormat: "sealed",
      revealWindowSeconds: 600,
    });
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.sent).toHaveLength(0);
    const [secret] = await h.db.select().from(bidSecrets);
    // The floor (0.028/h), whatever the open-auction strategy (undercut would open at the max).
    expect(secret).toMatchObject({ orderId: id.toString(), provider: PROVIDER, price: "28000" });
    expect(secret!.salt).toMatch(/^0x[0-9a-f]{64}$/);
    expect(secret!.committedAt).not.toBeNull();
    expect(chain.commits.get(`${id}:${PROVIDER}`)?.commitment).toBe(secret!.commitment);
    expect((await decisions())[0]).toMatchObject({ action: "commit", price: "28000" });
    // More ticks in the window: no second commit.
    await runBidEngineTick({ db: h.db, chain });
    expect(await decisions()).toHaveLength(1);

    // A "restart": a fresh engine with only the database, after the bid window.
    const after = new Date(Date.now() + 120_000);
    const restarted = Object.assign(new FakeChain(), { commits: chain.commits });
    const tick = await runBidEngineTick({ db: h.db, chain: restarted, now: after });
    expect(tick.reveals).toBe(1);
    expect(restarted.commits.get(`${id}:${PROVIDER}`)).toMatchObject({ revealed: true, price: 28_000n });
    expect((await decisions())[0]).toMatchObject({ action: "reveal", price: "28000" });
    await runBidEngineTick({ db: h.db, chain: restarted, now: after });
    expect(await decisions()).toHaveLength(2);
  });

  it("resends a commit whose sender crashed before it landed, with the same price and salt", async () => {
    const id = await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000", 1, {
      auctionFormat: "sealed",
      revealWindowSeconds: 600,
    });
    // A previous process stored the secret and died before the commit was mined.
    const salt = `0x${"11".repeat(32)}` as Hex;
    const commitment = sealedCommitment({ orderId: id, provider: PROVIDER as Hex, price: 30_000n, salt });
    await h.db.insert(bidSecrets).values({
      orderId: id.toString(),
      provider: PROVIDER,
      price: "30000",
      salt,
      commitment,
      updatedAt: new Date(Date.now() - 120_000),
    });
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.commits.get(`${id}:${PROVIDER}`)?.commitment).toBe(commitment);
    const [secret] = await h.db.select().from(bidSecrets);
    expect(secret).toMatchObject({ price: "30000", salt });
    expect(secret!.committedAt).not.toBeNull();
  });

  it("does not commit to a sealed order whose max-price lock its free bond cannot cover", async () => {
    await addOrder({ cpuMillis: 2000, memoryMiB: 4096 }, "50000", 1, {
      auctionFormat: "sealed",
      revealWindowSeconds: 600,
      durationSeconds: 86_400,
    });
    chain.free.set(PROVIDER, 0n);
    await runBidEngineTick({ db: h.db, chain });
    expect(chain.commits.size).toBe(0);
    expect(await h.db.select().from(bidSecrets)).toHaveLength(0);
    expect((await decisions())[0]!.reason).toBe(
      "skipped: a sealed commit (locked at the max price) at 0.05/h locks 0.24 of bond, 0.00 free (deposit more bond)",
    );
  });
});

describe("decideBid", () => {
  const base = { floor: 100n, maxPricePerHour: 200n, undercutStep: 10n, provider: PROVIDER, best: null };
  it("bids the floor with the floor strategy", () => {
    expect(decideBid({ ...base, strategy: "floor" })).toMatchObject({ action: "bid", price: 100n });
    expect(decideBid({ ...base, strategy: "floor", best: { provider: RIVAL, price: 150n } })).toMatchObject({
      action: "bid",
      price: 100n,
    });
  });
  it("holds while leading", () => {
    expect(
      decideBid({ ...base, strategy: "undercut", best: { provider: PROVIDER, price: 150n } }).action,
    ).toBe("hold");
  });
  it("never bids below the floor", () => {
    expect(
      decideBid({ ...base, strategy: "undercut", best: { provider: RIVAL, price: 105n } }),
    ).toMatchObject({
      action: "undercut",
      price: 100n,
    });
    expect(decideBid({ ...base, strategy: "undercut", best: { provider: RIVAL, price: 100n } }).action).toBe(
      "skip",
    );
  });
});

describe("fitOrder", () => {
  const open = { exposure: null, storageClasses: [] };
  const workload = (cpu: number, replicas: number) =>
    manifestWorkload(
      canonicalizeManifest({
        name: "app",
        image: "nginx:1.27",
        replicas,
        resources: { cpu, memory: 1024, storage: 0 },
      }).manifest,
    );
  it("keeps the share the provider does not offer", () => {
    const nodes = [node("n", 10, 10)];
    const order = workload(6000, 1);
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order, ...open }).ok).toBe(true);
    expect(fitOrder({ nodes, offerPercent: 50, promised: [], order, ...open }).ok).toBe(false);
  });
  it("places each replica on one node", () => {
    const nodes = [node("a", 4, 16), node("b", 4, 16)];
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order: workload(3000, 2), ...open })).toEqual({
      ok: true,
      nodes: ["a", "b"],
    });
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order: workload(3000, 3), ...open }).ok).toBe(
      false,
    );
  });
});
