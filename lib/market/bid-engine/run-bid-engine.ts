import "server-only";
import { and, desc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Address, Hex } from "viem";
import type { Db } from "@/db/client";
import {
  bidDecisions,
  bidSecrets,
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
import { sealedBidPrice } from "./sealed-bid-price";
import { randomSalt, sealedCommitment } from "./sealed-commitment";

// One tick of the bid engine. For each open order still in its bid window (orders table, written by
// the indexer) and each provider with auto-bid on that names our operator on-chain and holds the
// order's required attributes: choose the cluster the order fits and costs least on (choose-cluster.ts
// over lib/market/fit-order.ts, exactly as the deploy page's screening does, sized from the stored
// manifest), its price there by the provider's pricing is the floor; decide (decide-bid.ts), and bid through the operator key. Bids go
// out one at a time, each waiting for its receipt, so one operator key serves every provider
// without nonce races. Every distinct decision is written to bid_decisions; a decision identical to
// the last one for the same (order, provider) is not repeated. Each bid is claimed in bid_claims before
// it is sent, so no two processes ever send the same (order, provider, price).
//
// Market integrity: a bid is sent only when the provider's on-chain reputation meets the order's minimum
// and its free bond covers what the bid locks (bondRequired); otherwise the skip and its reason are
// recorded, instead of a transaction that would revert. Sealed orders (auctionFormat sealed): during the
// bid window one commitment per (order, provider) at the sealed-bid price, its random salt and price
// stored in bid_secrets BEFORE the commit is sent (the row is also the claim); after the window, within
// the reveal window, every stored commitment is revealed, so a restart between the two loses nothing.

export interface ChainProvider {
  registered: boolean;
  operator: Address;
  /** On-chain reputation score 0..100 (attested by the deployer; 0 before any). */
  reputation: number;
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
  /** ComputeMarket.bondRequired: what a bid at `pricePerHour` for `duration` seconds locks. */
  bondRequired(pricePerHour: bigint, duration: number): Promise<bigint>;
  /** The provider's free bond now (total - locked - unbonding, at least 0). */
  freeBond(provider: Address): Promise<bigint>;
  /** The provider's commitment on a sealed order (zero hash: none) and whether it was revealed. */
  getCommit(orderId: bigint, provider: Address): Promise<{ commitment: Hex; revealed: boolean }>;
  /** Sends commitBid and waits for the receipt; throws a readable Error on revert or failure. */
  commitBid(args: {
    orderId: bigint;
    provider: Address;
    commitment: Hex;
    requiredAttributes: Hex[];
  }): Promise<Hex>;
  /** Sends revealBid and waits for the receipt; throws a readable Error on revert or failure. */
  revealBid(args: { orderId: bigint; provider: Address; price: bigint; salt: Hex }): Promise<Hex>;
}

export interface TickResult {
  considered: number;
  bids: number;
  /** Sealed commitments and reveals sent. */
  commits: number;
  reveals: number;
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
  const result: TickResult = { considered: 0, bids: 0, commits: 0, reveals: 0, decisions: 0 };

  // Reveals first: they are due on a deadline, and they need no inventory.
  await revealSealedBids({ db, chain, now, result });

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
      if (reg.reputation < order.minReputation) {
        await record({
          ...base,
          action: "skip",
          reason: `skipped: on-chain reputation ${reg.reputation} is below the order's minimum ${order.minReputation}`,
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

      if (order.auctionFormat === "sealed") {
        await commitSealedBid({
          db,
          chain,
          order,
          provider: p.address as Address,
          floor: choice.pricePerHour,
          clusterId,
          record,
          result,
        });
        continue;
      }

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
      // The new best locks bondRequired(price, duration) of free bond (the contract reverts InsufficientBond
      // otherwise). We never outbid ourselves (decideBid holds), so no lock of ours is released by it.
      const bond = await bondShortfall(chain, p.address as Address, decision.price, order.durationSeconds);
      if (bond) {
        await record({ ...base, clusterId, action: "skip", price: decision.price.toString(), reason: bond });
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

/** Why the provider's free bond cannot back a bid (or commit) at `price`; null when it can. */
async function bondShortfall(
  chain: BidChain,
  provider: Address,
  price: bigint,
  duration: number,
  what = "a bid",
): Promise<string | null> {
  const required = await chain.bondRequired(price, duration);
  if (required === 0n) return null;
  const free = await chain.freeBond(provider);
  if (free >= required) return null;
  return `skipped: ${what} at ${formatTokenAmount(price)}/h locks ${formatTokenAmount(required)} of bond, ${formatTokenAmount(free)} free (deposit more bond)`;
}

/**
 * The commit phase of a sealed order for one provider: price it (sealed-bid-price.ts), check bond (a commit
 * locks bondRequired(maxPricePerHour, duration)), store price + salt, then send the commitment. An existing
 * secret is this provider's commitment already: confirmed on chain, or (sender crashed or failed) sent again
 * with the same price and salt — a duplicate reverts AlreadyCommitted, which getCommit then confirms.
 */
async function commitSealedBid(a: {
  db: Db;
  chain: BidChain;
  order: typeof orders.$inferSelect;
  provider: Address;
  floor: bigint;
  clusterId: string;
  record: (d: Decision) => Promise<void>;
  result: TickResult;
}) {
  const { db, chain, order, provider } = a;
  const orderId = BigInt(order.id);
  const base = { orderId: order.id, provider: provider.toLowerCase(), clusterId: a.clusterId };
  const keyOf = and(eq(bidSecrets.orderId, order.id), eq(bidSecrets.provider, base.provider));
  let [secret] = await db.select().from(bidSecrets).where(keyOf);
  if (secret?.committedAt) return;
  if (!secret) {
    const decision = sealedBidPrice({ floor: a.floor, maxPricePerHour: BigInt(order.maxPricePerHour) });
    if (decision.action === "skip") {
      await a.record({
        ...base,
        action: "skip",
        price: decision.price?.toString() ?? null,
        reason: decision.reason,
      });
      return;
    }
    const max = BigInt(order.maxPricePerHour);
    const bond = await bondShortfall(
      chain,
      provider,
      max,
      order.durationSeconds,
      "a sealed commit (locked at the max price)",
    );
    if (bond) {
      await a.record({
        ...base,
        action: "skip",
        price: decision.price.toString(),
        reason: bond,
      });
      return;
    }
    const salt = randomSalt();
    const commitment = sealedCommitment({ orderId, provider, price: decision.price, salt });
    // Stored before the commit goes out: a crash after sending still leaves what the reveal needs. The
    // primary key is the claim: a second engine finds the row and leaves the commit to the first.
    const [inserted] = await db
      .insert(bidSecrets)
      .values({
        orderId: order.id,
        provider: base.provider,
        price: decision.price.toString(),
        salt,
        commitment,
        clusterId: a.clusterId,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) return;
    secret = inserted;
  } else {
    const onChain = await chain.getCommit(orderId, provider);
    if (onChain.commitment.toLowerCase() === secret.commitment.toLowerCase()) {
      await db.update(bidSecrets).set({ committedAt: new Date(), updatedAt: new Date() }).where(keyOf);
      return;
    }
    // A claim younger than a send + receipt wait may still be in flight in another process.
    if (Date.now() - secret.updatedAt.getTime() < SECRET_RESEND_AFTER_MS) return;
    await db.update(bidSecrets).set({ updatedAt: new Date() }).where(keyOf);
  }
  const price = BigInt(secret.price);
  try {
    const txHash = await chain.commitBid({
      orderId,
      provider,
      commitment: secret.commitment as Hex,
      requiredAttributes: (order.requiredAttributes ?? []) as Hex[],
    });
    await db
      .update(bidSecrets)
      .set({ commitTxHash: txHash, committedAt: new Date(), updatedAt: new Date() })
      .where(keyOf);
    a.result.commits++;
    await a.record({
      ...base,
      action: "commit",
      price: secret.price,
      reason: `committed a sealed bid at ${formatTokenAmount(price)}/h (revealed after the bid window; paid the second-lowest reveal or the max)`,
      txHash,
    });
  } catch (error) {
    await a.record({
      ...base,
      action: "error",
      price: secret.price,
      reason: `sealed commit failed: ${(error as Error).message.split("\n")[0]} (retrying next tick)`,
    });
  }
}

/** Longer than a commit's or reveal's simulate + send + receipt wait (30 s in chain-bidder.ts). */
const SECRET_RESEND_AFTER_MS = 60_000;

/**
 * The reveal phase: every stored commitment of an open sealed order whose bid window has ended and whose
 * reveal window has not, and that is not revealed yet. A reveal that fails is retried next tick (the
 * window is minutes to a day long); one found revealed on chain (another process, a crash after sending)
 * is marked so.
 */
async function revealSealedBids(a: { db: Db; chain: BidChain; now: Date; result: TickResult }) {
  const { db, chain, now } = a;
  const due = await db
    .select({ secret: bidSecrets, order: orders })
    .from(bidSecrets)
    .innerJoin(orders, eq(orders.id, bidSecrets.orderId))
    .where(
      and(
        isNull(bidSecrets.revealedAt),
        eq(orders.status, "open"),
        eq(orders.auctionFormat, "sealed"),
        lte(orders.bidWindowEndsAt, now),
        sql`${orders.bidWindowEndsAt} + make_interval(secs => ${orders.revealWindowSeconds}) > ${now.toISOString()}::timestamptz`,
      ),
    );
  for (const { secret, order } of due) {
    const orderId = BigInt(order.id);
    const provider = secret.provider as Address;
    const keyOf = and(eq(bidSecrets.orderId, secret.orderId), eq(bidSecrets.provider, secret.provider));
    const base = { orderId: order.id, provider: secret.provider, clusterId: secret.clusterId };
    const onChain = await chain.getCommit(orderId, provider).catch(() => null);
    if (onChain && onChain.commitment.toLowerCase() !== secret.commitment.toLowerCase()) {
      // Never landed (the commit failed until the window closed): nothing to reveal, nothing to lose.
      await db.update(bidSecrets).set({ revealedAt: now, updatedAt: now }).where(keyOf);
      continue;
    }
    if (onChain?.revealed) {
      await db.update(bidSecrets).set({ revealedAt: now, updatedAt: now }).where(keyOf);
      continue;
    }
    try {
      const txHash = await chain.revealBid({
        orderId,
        provider,
        price: BigInt(secret.price),
        salt: secret.salt as Hex,
      });
      await db
        .update(bidSecrets)
        .set({ revealTxHash: txHash, revealedAt: new Date(), updatedAt: new Date() })
        .where(keyOf);
      a.result.reveals++;
      const [row] = await db
        .insert(bidDecisions)
        .values({
          ...base,
          action: "reveal",
          price: secret.price,
          reason: `revealed the sealed bid of ${formatTokenAmount(BigInt(secret.price))}/h`,
          txHash,
        })
        .returning();
      if (row) a.result.decisions++;
    } catch (error) {
      await db.insert(bidDecisions).values({
        ...base,
        action: "error",
        price: secret.price,
        reason: `reveal failed: ${(error as Error).message.split("\n")[0]} (retrying next tick)`,
      });
      a.result.decisions++;
    }
  }
}

/** Names an attribute id when it is the provider's region or a GPU model we know of. */
function describeAttribute(id: Hex, p: Provider, gpuModel: string | null): string {
  const candidates: [string, string][] = [];
  if (p.region) candidates.push([REGION_KEY, p.region]);
  if (gpuModel) candidates.push([GPU_KEY, gpuModel]);
  for (const [k, v] of candidates) if (attributeId(k, v) === id) return `${k} ${v}`;
  return short(id);
}
