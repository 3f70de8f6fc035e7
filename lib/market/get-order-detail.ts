import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bids, leases, manifests, orders, providers } from "@/db/schema";
import { getConfig } from "@/lib/config";
import { readChainClock, readChainLease, readChainOrder, readSealedAuction } from "@/lib/market/chain-reads";
import { manifestSchema, manifestTotals } from "@/lib/market/manifest";
import { readOrderIntegrity } from "@/lib/market/read-order-integrity";
import { readSettlement } from "@/lib/market/read-settlement";
import type { ReputationView } from "@/lib/market/reputation-view";
import { listReputationViews } from "@/lib/market/reputation-views";

// An order's auction as the order page shows it: the indexed order and every bid (from the
// database), plus the live on-chain status so the page moves on the moment the order settles. What it
// buys is the order's on-chain totals; its stored manifest (manifestTotals) adds what is not on-chain:
// pods in all and persistent volumes by StorageClass. Public, so nothing else of the manifest.

export async function getOrderDetail({ db, id }: { db: Db; id: string }) {
  const [[order], bidRows, [lease], chain, names] = await Promise.all([
    db.select().from(orders).where(eq(orders.id, id)),
    db.select().from(bids).where(eq(bids.orderId, id)).orderBy(asc(bids.at), asc(bids.id)),
    db.select({ id: leases.id }).from(leases).where(eq(leases.id, id)),
    readChainOrder(BigInt(id)),
    db.select({ address: providers.address, name: providers.name }).from(providers),
  ]);
  if (!order && (!chain || chain.status === "none")) return null;
  const [stored] = order
    ? await db
        .select({ body: manifests.body })
        .from(manifests)
        .where(eq(manifests.specHash, order.specHash.toLowerCase()))
    : [];
  const parsed = stored ? manifestSchema.safeParse(stored.body) : null;
  const totals = parsed?.success ? manifestTotals(parsed.data) : null;
  const nameOf = new Map(names.map((p) => [p.address, p.name]));
  const status = chain?.status ?? (order?.status === "leased" ? "active" : (order?.status ?? "open"));
  const tenant = order?.tenant ?? chain?.tenant ?? "";
  const config = getConfig();
  const bidWindowEndsAt =
    order?.bidWindowEndsAt.toISOString() ?? (chain ? new Date(chain.bidEnd * 1000).toISOString() : null);
  const settled = status === "active" || status === "closed";
  const [integrity, clock, sealedOnChain, chainLease] = await Promise.all([
    readOrderIntegrity({ db, order: order ?? null }),
    readChainClock(),
    settled ? readSealedAuction(BigInt(id)) : null,
    status === "active" ? readChainLease(BigInt(id)) : null,
  ]);
  // Beside every bid, open or revealed: its provider's reputation (memoised for a few seconds; the page
  // polls each second).
  const reputations =
    bidRows.length > 0 || integrity.reveals.length > 0
      ? await listReputationViews({ db })
      : new Map<string, ReputationView>();
  const reputationOf = (provider: string) => reputations.get(provider.toLowerCase()) ?? null;
  return {
    id,
    indexed: Boolean(order),
    tenant,
    status,
    /** The server's keeper settles this order when its window ends (lib/lease/run-keeper.ts). */
    keeper: Boolean(config.KEEPER_PRIVATE_KEY && config.MARKET_ADDRESS),
    /** Who ended the auction and when, once it is over (null while open, or not indexed yet). */
    settlement: status === "open" ? null : await readSettlement({ db, orderId: id, tenant }),
    bidWindowEndsAt,
    /** Auction format and, when sealed, its commits, reveals and (once settled) the second price it paid. */
    auction: {
      ...integrity,
      reveals: integrity.reveals.map((r) => ({
        ...r,
        providerName: nameOf.get(r.provider) ?? null,
        reputation: reputationOf(r.provider),
      })),
      /** The contract's second-lowest reveal once settled (null with fewer than two: the max price is paid). */
      secondPrice:
        integrity.format === "sealed" ? (sealedOnChain?.secondPrice ?? order?.secondPrice ?? null) : null,
    },
    /** A settled order's lease start: unattested, the page counts down to the refund deadline. */
    start:
      chainLease && chainLease.status === "active"
        ? {
            // The contract's startedAt is the settlement until the start is attested (only then shown here).
            settledAt: chainLease.startedAt,
            attestedAt: chainLease.attestedAt > 0 ? chainLease.attestedAt : null,
            startDeadline: chainLease.startDeadline > 0 ? chainLease.startDeadline : null,
            unstarted: false,
          }
        : null,
    clock,
    maxPricePerHour: order?.maxPricePerHour ?? null,
    deposit: order?.deposit ?? chain?.escrow ?? null,
    durationSeconds: order?.durationSeconds ?? null,
    resources: (order?.resources ?? null) as {
      cpuMillis: number;
      memoryMiB: number;
      storageMiB: number;
      gpuCount: number;
      gpuModel: string | null;
    } | null,
    /** From the stored manifest; null when none is stored. */
    deployment: totals
      ? { replicas: totals.replicas, volumeCount: totals.volumeCount, volumes: totals.volumes }
      : null,
    specHash: order?.specHash ?? null,
    bestPrice: chain?.bestPrice ?? order?.bestPrice ?? null,
    bestProvider: chain?.bestProvider ?? order?.bestProvider ?? null,
    bestProviderName: nameOf.get(chain?.bestProvider ?? order?.bestProvider ?? "") ?? null,
    bids: bidRows.map((b) => ({
      provider: b.provider,
      providerName: nameOf.get(b.provider) ?? null,
      price: b.price,
      at: b.at.toISOString(),
      txHash: b.txHash,
      reputation: reputationOf(b.provider),
    })),
    leaseId: lease?.id ?? (chain?.status === "active" || chain?.status === "closed" ? id : null),
    createdAt: order?.createdAt.toISOString() ?? null,
    now: new Date().toISOString(),
  };
}

export type OrderDetail = NonNullable<Awaited<ReturnType<typeof getOrderDetail>>>;
