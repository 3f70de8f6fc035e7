// Screening (what the deploy page shows as able to take an order) and the bid engine (who bids) must
// agree. The seeded demo providers (dev/seed.ts over dev/k8s-sim/default-clusters.ts), their
// inventories read by the real inventory code from the simulator, and 100 random orders from a seeded
// PRNG, v1 manifests and v2 deployments of several services with volumes (StorageClasses the
// providers offer or not) and ports exposed over HTTP, TCP or UDP (the demo clusters differ in what
// they offer): for each, the providers the screening calls eligible are exactly those that bid, at
// the price the screening shows, and each "cannot take" the engine records is the screening's
// reasons. Bids on earlier orders are promised capacity that both count.
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
import { demoClusterOffers, demoPricing, demoProfiles } from "@/dev/seed";
import { encryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { readInventory } from "@/lib/k8s/read-inventory";
import { simClient, simKubeconfig } from "@/lib/k8s/sim-test-client";
import { sealedCommitment } from "@/lib/market/bid-engine/sealed-commitment";
import { bondRequired } from "@/lib/market/bond-required";
import { type BidChain, runBidEngineTick } from "./bid-engine/run-bid-engine";
import { getOffers } from "./get-offers";
import { canonicalizeManifest, type ManifestInput, manifestTotals } from "./manifest";
import { screenOrder } from "./screen-order";

const OPERATOR = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" as Address;
const ZERO_HASH = `0x${"0".repeat(64)}` as Hex;
const PROVIDERS = [
  "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
];

/** Every provider registered with our operator; each sees no rival bid, so each that may bid, bids. */
class OpenChain implements BidChain {
  operator = OPERATOR;
  bidders: string[] = [];
  prices = new Map<string, bigint>();
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
  async hasAttribute() {
    return true;
  }
  async bestBid() {
    return null;
  }
  async placeBid(a: { provider: Address; price: bigint }) {
    this.bidders.push(a.provider.toLowerCase());
    this.prices.set(a.provider.toLowerCase(), a.price);
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
      // The floor strategy bids its own price, so the bid can be compared with the screening's.
      bidStrategy: "floor",
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
        ...demoClusterOffers(profile, cluster.name),
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
  it("offers the browser each cluster's StorageClasses and only the exposure the fit reads", async () => {
    const { offers } = await getOffers({ db: h.db });
    const lionCity = offers.find((o) => o.name === "Lion City Metal")?.clusters[0];
    expect(lionCity?.storageClasses).toEqual([{ name: "standard", pricePerGiBHour: "120" }]);
    expect(lionCity?.exposure).toEqual({
      ingressClass: "nginx",
      baseDomain: "apps.sgp-mixed.localhost",
      ports: "nodeport",
    });
  });

  it("agree on 100 random orders against the seeded providers", async () => {
    const rand = prng(20261130);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const models = ["NVIDIA-A100-SXM4-80GB", "NVIDIA-L4", "NVIDIA-H100-80GB-HBM3", null];
    const GIB = 1024;
    const seen = {
      eligible: 0,
      refused: 0,
      gpuBids: 0,
      promised: 0,
      v2Bids: 0,
      storageClass: 0,
      exposure: 0,
    };

    /** A v1 manifest: one container, replicas of up to 24 cores, 96 GiB, 220 GiB ephemeral (nodes have ~194). */
    const v1 = (name: string): ManifestInput => {
      const gpu = rand() < 0.3 ? 1 + Math.floor(rand() * 4) : 0;
      const model = gpu ? pick(models) : null;
      return {
        name,
        image: "nginx:1.27",
        replicas: 1 + Math.floor(rand() * 4),
        resources: {
          cpu: 100 + Math.floor(rand() * 24_000),
          memory: 128 + Math.floor(rand() * 96 * GIB),
          storage: Math.floor(rand() * 220 * GIB),
          gpu: { count: gpu, ...(model ? { model } : {}) },
        },
      };
    };
    /** A v2 deployment of 1–3 services; some with a volume, some exposed over HTTP, TCP or UDP. */
    const v2 = (name: string): ManifestInput => {
      const gpu = rand() < 0.2 ? 1 + Math.floor(rand() * 2) : 0;
      const model = gpu ? pick(models) : null;
      const count = 1 + Math.floor(rand() * 3);
      const services = Array.from({ length: count }, (_, k) => {
        const volume = rand() < 0.35;
        const expose = pick(["http", "http", "tcp", "udp", "internal", "none"] as const);
        return {
          name: `s${k}`,
          image: "nginx:1.27",
          replicas: volume ? 1 : 1 + Math.floor(rand() * 3),
          ...(expose === "none"
            ? {}
            : {
                ports: [
                  {
                    port: 8000 + k,
                    protocol: expose === "udp" ? ("UDP" as const) : ("TCP" as const),
                    expose,
                  },
                ],
              }),
          resources: {
            cpu: 100 + Math.floor(rand() * 6_000),
            memory: 64 + Math.floor(rand() * 24 * GIB),
            storage: Math.floor(rand() * 60 * GIB),
            ...(k === 0 && gpu ? { gpu: { count: gpu, ...(model ? { model } : {}) } } : {}),
          },
          ...(volume
            ? {
                volumes: [
                  {
                    name: "data",
                    mount: "/data",
                    size: 1 + Math.floor(rand() * 200 * GIB),
                    storageClass: pick(["standard", "standard", "fast-ssd", "fast-ssd", "nvme"]),
                  },
                ],
              }
            : {}),
        };
      });
      return { version: 2, name, services };
    };

    for (let i = 1; i <= 100; i++) {
      const { manifest, specHash } = canonicalizeManifest(rand() < 0.4 ? v1(`o-${i}`) : v2(`o-${i}`));
      const t = manifestTotals(manifest);
      const resources = {
        cpuMillis: t.cpuMillis,
        memoryMiB: t.memoryMiB,
        storageMiB: t.storageMiB,
        gpuCount: t.gpuCount,
        gpuModel: t.gpuModel,
      };

      const { offers } = await getOffers({ db: h.db });
      const screened = screenOrder(offers, { manifest, region: null, maxPricePerHour: null });

      await h.db.insert(manifests).values({
        specHash,
        tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
        body: manifest,
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
        manifest,
        screened: screened.map((x) => [x.address, x.reasons, x.pricePerHour?.toString()]),
        decisions: decisions.map((d) => d.reason),
      });
      expect(chain.bidders.sort(), context).toEqual(eligible.sort());
      for (const s of screened.filter((x) => x.eligible))
        expect(chain.prices.get(s.address), context).toBe(s.pricePerHour);
      for (const s of screened.filter((x) => !x.eligible)) {
        const d = decisions.find((x) => x.provider === s.address);
        expect(d?.action, context).toBe("skip");
        expect(d?.reason, context).toBe(`skipped: ${s.reasons.join("; ")}`);
        if (s.reasons.some((r) => r.includes("StorageClass"))) seen.storageClass++;
        if (s.reasons.some((r) => r.includes("does not expose"))) seen.exposure++;
      }
      seen.eligible += eligible.length;
      seen.refused += screened.length - eligible.length;
      if (resources.gpuCount > 0) seen.gpuBids += chain.bidders.length;
      if (manifest.version === 2 && manifest.services.length > 1) seen.v2Bids += chain.bidders.length;

      // Orders come in runs of four: the bids on the earlier ones of a run are promised capacity that
      // both must count for the later ones; then the market starts empty again.
      if (chain.bidders.length > 0 && i % 4 !== 0) seen.promised++;
      if (i % 4 === 0) {
        await h.db.delete(bidDecisions);
        await h.db.delete(bidClaims);
        await h.db.delete(orders);
        await h.db.delete(manifests);
      }
    }
    // The sample covers both answers, GPU bids, multi-service bids and each kind of refusal.
    expect(seen.eligible, JSON.stringify(seen)).toBeGreaterThan(20);
    expect(seen.refused, JSON.stringify(seen)).toBeGreaterThan(20);
    expect(seen.gpuBids, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.promised, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.v2Bids, JSON.stringify(seen)).toBeGreaterThan(5);
    expect(seen.storageClass, JSON.stringify(seen)).toBeGreaterThan(3);
    expect(seen.exposure, JSON.stringify(seen)).toBeGreaterThan(3);
  }, 120_000);
});
