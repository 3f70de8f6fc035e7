// Screening (what the deploy page shows as able to take an order) and the bid engine (who bids) must
// agree. The seeded demo providers (dev/seed.ts over dev/k8s-sim/default-clusters.ts), their
// inventories read by the real inventory code from the simulator, and 100 random orders from a seeded
// PRNG: for each, the providers the screening calls eligible are exactly those that bid, and each
// "cannot take" the engine records is among the screening's reasons. Bids on earlier orders are
// promised capacity that both count.
import { randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bidClaims,
  bidDecisions,
  clusters,
  inventorySnapshots,
  manifests,
  orders,
  providers,
} from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { defaultClusters } from "@/dev/k8s-sim/default-clusters";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { demoPricing, demoProfiles } from "@/dev/seed";
import { encryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { readInventory } from "@/lib/k8s/read-inventory";
import { simClient, simKubeconfig } from "@/lib/k8s/sim-test-client";
import { type BidChain, runBidEngineTick } from "./bid-engine/run-bid-engine";
import { getOffers } from "./get-offers";
import { screenOrder } from "./screen-order";

const OPERATOR = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" as Address;
const PROVIDERS = [
  "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
];

/** Every provider registered with our operator; each sees no rival bid, so each that may bid, bids. */
class OpenChain implements BidChain {
  operator = OPERATOR;
  bidders: string[] = [];
  async getProvider() {
    return { registered: true, operator: OPERATOR };
  }
  async hasAttribute() {
    return true;
  }
  async bestBid() {
    return null;
  }
  async placeBid(a: { provider: Address }) {
    this.bidders.push(a.provider.toLowerCase());
    return `0x${"ab".repeat(32)}` as Hex;
  }
}

// mulberry32: small, seeded, good enough to spread orders over the space.
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sim: Simulator;
let h: Awaited<ReturnType<typeof createTestDb>>;

beforeAll(async () => {
  [sim, h] = await Promise.all([startSimulator({ clusters: defaultClusters }), createTestDb()]);
  const key = randomBytes(32);
  for (const [i, cluster] of sim.clusters.entries()) {
    const spec = defaultClusters.find((c) => c.name === cluster.name);
    const profile = demoProfiles[i];
    const address = PROVIDERS[i];
    if (!spec || !profile || !address) throw new Error(`no demo provider for ${cluster.name}`);
    await h.db.insert(providers).values({
      address,
      name: profile.name,
      region: spec.region ?? null,
      pricing: demoPricing(profile.pricing, spec),
      bidStrategy: "undercut",
      undercutStep: "1000",
      autoBid: true,
      registered: true,
    });
    const [row] = await h.db
      .insert(clusters)
      .values({
        providerAddress: address,
        name: cluster.name,
        server: cluster.server,
        kubeconfigEnc: encryptKubeconfig(simKubeconfig(cluster), key),
        region: spec.region ?? null,
        status: "up",
      })
      .returning({ id: clusters.id });
    const inv = await readInventory(simClient(cluster));
    await h.db.insert(inventorySnapshots).values({
      clusterId: row?.id ?? "",
      region: inv.region,
      allocatable: inv.allocatable,
      free: inv.free,
      nodes: inv.nodes,
    });
  }
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  await h?.close();
});

describe("screening and the bid engine", () => {
  it("agree on 100 random orders against the seeded providers", async () => {
    const rand = prng(20261130);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const models = ["NVIDIA-A100-SXM4-80GB", "NVIDIA-L4", "NVIDIA-H100-80GB-HBM3", null];
    let eligibleSeen = 0;
    let refusedSeen = 0;
    let gpuBids = 0;
    let promisedSeen = 0;
    for (let i = 1; i <= 100; i++) {
      const replicas = 1 + Math.floor(rand() * 4);
      const gpu = rand() < 0.3 ? 1 + Math.floor(rand() * 4) : 0;
      // Per replica: up to 24 cores, 96 GiB memory, 220 GiB ephemeral storage (nodes have ~194 GiB).
      const per = {
        cpuMillis: 100 + Math.floor(rand() * 24_000),
        memoryMiB: 128 + Math.floor(rand() * 96 * 1024),
        storageMiB: Math.floor(rand() * 220 * 1024),
      };
      const resources = {
        cpuMillis: per.cpuMillis * replicas,
        memoryMiB: per.memoryMiB * replicas,
        storageMiB: per.storageMiB * replicas,
        gpuCount: gpu * replicas,
        gpuModel: gpu ? pick(models) : null,
      };
      const specHash = `0x${i.toString(16).padStart(64, "0")}`;

      const { offers } = await getOffers({ db: h.db });
      const screened = screenOrder(offers, { resources, replicas, region: null, maxPricePerHour: null });

      await h.db.insert(manifests).values({
        specHash,
        tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
        body: { replicas },
        signature: "0x",
        order: {},
      });
      await h.db.insert(orders).values({
        id: String(i),
        tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
        specHash,
        resources,
        requiredAttributes: [],
        maxPricePerHour: "1000000000000",
        durationSeconds: 3600,
        deposit: "1",
        bidWindowEndsAt: new Date(Date.now() + 3_600_000),
        createdBlock: 1n,
        txHash: "0x",
      });
      const chain = new OpenChain();
      await runBidEngineTick({ db: h.db, chain });
      const decisions = (await h.db.select().from(bidDecisions)).filter((d) => d.orderId === String(i));

      const eligible = screened.filter((s) => s.eligible).map((s) => s.address);
      const context = JSON.stringify({
        resources,
        replicas,
        screened: screened.map((x) => [x.address, x.reasons]),
        decisions: decisions.map((d) => d.reason),
      });
      expect(chain.bidders.sort(), context).toEqual(eligible.sort());
      for (const s of screened.filter((x) => !x.eligible)) {
        const d = decisions.find((x) => x.provider === s.address);
        expect(d?.action, context).toBe("skip");
        expect(
          s.reasons.map((r) => `skipped: ${r}`),
          context,
        ).toContain(d?.reason);
      }
      eligibleSeen += eligible.length;
      refusedSeen += screened.length - eligible.length;
      if (resources.gpuCount > 0) gpuBids += chain.bidders.length;

      // Orders come in runs of four: the bids on the earlier ones of a run are promised capacity that
      // both must count for the later ones; then the market starts empty again.
      if (chain.bidders.length > 0 && i % 4 !== 0) promisedSeen++;
      if (i % 4 === 0) {
        await h.db.delete(bidDecisions);
        await h.db.delete(bidClaims);
        await h.db.delete(orders);
        await h.db.delete(manifests);
      }
    }
    // The sample covers both answers and GPU bids.
    expect(eligibleSeen).toBeGreaterThan(20);
    expect(refusedSeen).toBeGreaterThan(20);
    expect(gpuBids).toBeGreaterThan(0);
    expect(promisedSeen).toBeGreaterThan(0);
  }, 120_000);
});
