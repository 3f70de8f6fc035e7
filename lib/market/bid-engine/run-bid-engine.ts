import "server-only";
import { and, desc, eq, gt, inArray } from "drizzle-orm";
import type { Address, Hex } from "viem";
import type { Db } from "@/db/client";
import {
  bidDecisions,
  clusters,
  type InventoryNode,
  inventorySnapshots,
  orders,
  type Provider,
  providers,
} from "@/db/schema";
import { attributeId, GPU_KEY, REGION_KEY } from "@/lib/chain/order-types";
import { chooseCluster, clusterOffers } from "@/lib/market/choose-cluster";
import { inventoryNodesSchema, manifestWorkload } from "@/lib/market/fit-order";
import { loadPromisedCapacity, manifestOfOrder, promisedOn } from "@/lib/market/load-promised-capacity";
import { manifestTotals } from "@/lib/market/manifest";
import { formatTokenAmount, providerPricingSchema } from "@/lib/market/price-order";
import { claimBid, markBidSent, releaseBid } from "./claim-bid";
import { decideBid } from "./decide-bid";

// One tick of the bid engine. For each open order still in its bid window (orders table, written by
// the indexer) and each provider with auto-bid on that names our operator on-chain and holds the
// order's required attributes: choose the cluster the order fits and costs least on (choose-cluster.ts
// over lib/market/fit-order.ts, exactly as the deploy page's screening does, sized from the stored
// manifest), its price there by the provider's pricing is the floor; decide (decide-bid.ts), and bid through the operator key. Bids go
// out one at a time, each waiting for its receipt, so one operator key serves every provider
// without nonce races. Every distinct decision is written to bid_decisions; a decision identical to
// the last one for the same (order, provider) is not repeated. Each bid is claimed in bid_claims before
// it is sent, so no two processes ever send the same (order, provider, price).

export interface ChainProvider {
  registered: boolean;
  operator: Address;
}

/** What the bid engine needs from the chain; the real one is chain-bidder.ts, tests pass a fake. */
export interface BidChain {
  operator: Address;
  getProvider(provider: Address): Promise<ChainProvider>;
  hasAttribute(provider: Address, attribute: Hex): Promise<boolean>;
  bestBid(orderId: bigint): Promise<{ provider: Address; price: bigint } | null>;
  /** Sends placeBid and waits for the receipt; throws a readable Error on revert or failure. */
  placeBid(args: {
    orderId: bigint;
    provider: Address;
    price: bigint;
    requiredAttributes: Hex[];
  }): Promise<Hex>;
}

export interface TickResult {
  considered: number;
  bids: number;
  decisions: number;
}

type Decision = typeof bidDecisions.$inferInsert;

const ZERO = "0x0000000000000000000000000000000000000000";

async function latestSnapshots(db: Db, clusterIds: string[]): Promise<Map<string, InventoryNode[]>> {
  const out = new Map<string, InventoryNode[]>();
  if (clusterIds.length === 0) return out;
  const rows = await db
    .selectDistinctOn([inventorySnapshots.clusterId], {
      clusterId: inventorySnapshots.clusterId,
      nodes: inventorySnapshots.nodes,
    })
    .from(inventorySnapshots)
    .where(inArray(inventorySnapshots.clusterId, clusterIds))
    .orderBy(inventorySnapshots.clusterId, desc(inventorySnapshots.takenAt));
  // A snapshot that does not parse (written by a newer or broken writer) counts as no inventory.
  for (const row of rows) {
    const nodes = inventoryNodesSchema.safeParse(row.nodes);
    if (nodes.success) out.set(row.clusterId, nodes.data);
  }
  return out;
}

function short(v: string): string {
  return `${v.slice(0, 10)}…`;
}

export async function runBidEngineTick(opts: { db: Db; chain: BidChain; now?: Date }): Promise<TickResult> {
  const { db, chain } = opts;
  const now = opts.now ?? new Date();
  const operator = chain.operator.toLowerCase();
  const result: TickResult = { considered: 0, bids: 0, decisions: 0 };

  const openOrders = await db
    .select()
    .from(orders)
    .where(and(eq(orders.status, "open"), gt(orders.bidWindowEndsAt, now)))
    .orderBy(orders.bidWindowEndsAt);
  if (openOrders.length === 0) return result;

  const auto = (await db.select().from(providers).where(eq(providers.autoBid, true))).filter(
    (p) => p.pricing,
  );
  if (auto.length === 0) return result;

  const providerClusters = await db
    .select()
    .from(clusters)
    .where(
      and(
        inArray(
          clusters.providerAddress,
          auto.map((p) => p.address),
        ),
        eq(clusters.status, "up"),
      ),
    )
    .orderBy(clusters.createdAt);
  const snapshots = await latestSnapshots(
    db,
    providerClusters.map((c) => c.id),
  );

  // Capacity promised and not yet running takes its room before a new order (load-promised-capacity.ts).
  const promised = await loadPromisedCapacity({ db });
  const last = promised.last;

  const onChain = new Map<string, ChainProvider | null>();
  const chainProvider = async (address: string) => {
    if (!onChain.has(address))
      onChain.set(address, await chain.getProvider(address as Address).catch(() => null));
    return onChain.get(address) ?? null;
  };

  const record = async (d: Decision) => {
    const prev = last.get(`${d.orderId}:${d.provider}`);
    if (
      prev &&
      prev.action === d.action &&
      prev.reason === d.reason &&
      (prev.price ?? null) === (d.price ?? null)
    )
      return;
    const [row] = await db.insert(bidDecisions).values(d).returning();
    if (row) last.set(`${d.orderId}:${d.provider}`, row);
    result.decisions++;
  };

  for (const order of openOrders) {
    const orderId = BigInt(order.id);
    const manifest = manifestOfOrder(order, promised);
    const work = manifest ? manifestWorkload(manifest) : null;
    const totals = manifest ? manifestTotals(manifest) : null;
    const required = (order.requiredAttributes ?? []) as Hex[];
    const max = BigInt(order.maxPricePerHour);

    for (const p of auto) {
      result.considered++;
      const base = { orderId: order.id, provider: p.address };
      if (!work || !totals) {
        // The manifest is stored before the order is submitted (POST /api/manifests); without it
        // there is nothing to size, and a winner would have nothing to deploy.
        await record({ ...base, action: "skip", reason: "skipped: no manifest stored for this order" });
        continue;
      }
      const reg = await chainProvider(p.address);
      if (!reg?.registered) {
        await record({ ...base, action: "skip", reason: "skipped: not registered on-chain yet" });
        continue;
      }
      if (reg.operator.toLowerCase() !== operator) {
        await record({
          ...base,
          action: "skip",
          reason: `skipped: the on-chain operator is ${reg.operator === ZERO ? "not set" : short(reg.operator)}, not KubeBid's bid engine`,
        });
        continue;
      }
      let missing: Hex | null = null;
      for (const a of required) {
        if (!(await chain.hasAttribute(p.address as Address, a))) {
          missing = a;
          break;
        }
      }
      if (missing) {
        // Silent for attributes this provider plainly does not offer (another region): not its market.
        await record({
          ...base,
          action: "skip",
          reason: `skipped: lacks a required attribute (${describeAttribute(missing, p, totals.gpuModel)})`,
        });
        continue;
      }

      const pricing = providerPricingSchema.safeParse(p.pricing);
      if (!pricing.success) {
        await record({ ...base, action: "skip", reason: "skipped: pricing is incomplete" });
        continue;
      }
      const mine = providerClusters.filter((c) => c.providerAddress === p.address);
      // The cluster chosen before comes first, so a tie in price keeps it.
      const preferred = last.get(`${order.id}:${p.address}`)?.clusterId;
      const candidates = [...mine]
        .sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred))
        .flatMap((c) => {
          const nodes = snapshots.get(c.id);
          return nodes
            ? [
                {
                  id: c.id,
                  name: c.name,
                  offerPercent: c.offerPercent,
                  nodes,
                  promised: promisedOn(promised, {
                    provider: p.address,
                    clusterId: c.id,
                    exceptOrder: order.id,
                  }),
                  ...clusterOffers(c),
                },
              ]
            : [];
        });
      if (candidates.length === 0) {
        await record({
          ...base,
          action: "skip",
          reason: `skipped: ${mine.length === 0 ? "no cluster online" : "no inventory yet"}`,
        });
        continue;
      }
      const choice = chooseCluster({ clusters: candidates, pricing: pricing.data, order: work, totals });
      if (!choice.ok) {
        await record({
          ...base,
          action: "skip",
          price: choice.pricePerHour?.toString() ?? null,
          reason: `skipped: ${choice.reasons.join("; ")}`,
        });
        continue;
      }
      const { clusterId } = choice;

      const best = await chain.bestBid(orderId);
      const decision = decideBid({
        floor: choice.pricePerHour,
        maxPricePerHour: max,
        strategy: p.bidStrategy,
        undercutStep: BigInt(p.undercutStep),
        best,
        provider: p.address,
      });
      if (decision.action === "hold") continue;
      if (decision.action === "skip") {
        await record({
          ...base,
          clusterId,
          action: "skip",
          price: decision.price?.toString() ?? null,
          reason: decision.reason,
        });
        continue;
      }
      // Claimed in the database first: another process that believes it runs the bid engine too
      // (split brain) finds this exact bid taken and leaves it alone.
      const claim = { db, orderId: order.id, provider: p.address, price: decision.price.toString() };
      if (!(await claimBid(claim))) continue;
      try {
        const txHash = await chain.placeBid({
          orderId,
          provider: p.address as Address,
          price: decision.price,
          requiredAttributes: required,
        });
        await markBidSent({ ...claim, txHash });
        result.bids++;
        await record({
          ...base,
          clusterId,
          action: decision.action,
          price: decision.price.toString(),
          reason: decision.reason,
          txHash,
        });
      } catch (error) {
        await releaseBid(claim);
        await record({
          ...base,
          clusterId,
          action: "error",
          price: decision.price.toString(),
          reason: `bid ${formatTokenAmount(decision.price)}/h failed: ${(error as Error).message.split("\n")[0]} (retrying next tick)`,
        });
      }
    }
  }
  return result;
}

/** Names an attribute id when it is the provider's region or a GPU model we know of. */
function describeAttribute(id: Hex, p: Provider, gpuModel: string | null): string {
  const candidates: [string, string][] = [];
  if (p.region) candidates.push([REGION_KEY, p.region]);
  if (gpuModel) candidates.push([GPU_KEY, gpuModel]);
  for (const [k, v] of candidates) if (attributeId(k, v) === id) return `${k} ${v}`;
  return short(id);
}
