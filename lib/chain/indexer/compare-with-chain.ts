// Test support: what the indexed tables say against what the contract's views say, as a list of
// differences (empty = consistent), plus a canonical dump of every chain-derived table so two databases
// (e.g. restarted vs straight-through, rolled back vs fresh) can be compared for equality.
import "server-only";
import { asc } from "drizzle-orm";
import type { Address, PublicClient } from "viem";
import type { Db } from "@/db/client";
import {
  bids,
  bondEvents,
  chainEvents,
  downtimeRefunds,
  leaseDelegates,
  leaseSpecRevisions,
  leases,
  orders,
  payments,
  providers,
  reputationAttestations,
  sealedBids,
} from "@/db/schema";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { attributeId } from "@/lib/chain/order-types";
import { getProviderBond, listProviderBonds } from "@/lib/market/market-integrity";

const ZERO = "0x0000000000000000000000000000000000000000";
const orderStatus = ["none", "open", "cancelled", "expired", "leased", "leased"] as const;
const leaseStatus = [null, null, null, null, "active", "closed"] as const;

export async function compareWithChain(db: Db, pub: PublicClient, market: Address): Promise<string[]> {
  const problems: string[] = [];
  const diff = (what: string, db: unknown, chain: unknown) => {
    if (String(db) !== String(chain)) problems.push(`${what}: db ${String(db)} != chain ${String(chain)}`);
  };
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    pub.readContract({ address: market, abi: computeMarketAbi, functionName, args } as never) as Promise<T>;

  const next = await read<bigint>("nextOrderId", []);
  const orderRows = await db.select().from(orders);
  diff("order count", orderRows.length, next - 1n);
  for (const o of orderRows) {
    const chain = await read<{
      tenant: string;
      status: number;
      bidEnd: number;
      bestProvider: string;
      bestPrice: bigint;
    }>("getOrder", [BigInt(o.id)]);
    const p = `order ${o.id}`;
    diff(`${p} tenant`, o.tenant, chain.tenant.toLowerCase());
    diff(`${p} status`, o.status, orderStatus[chain.status]);
    diff(`${p} bestProvider`, o.bestProvider ?? ZERO, chain.bestProvider.toLowerCase());
    diff(`${p} bestPrice`, o.bestPrice ?? "0", chain.bestPrice);
    if (o.status === "open") diff(`${p} bidEnd`, o.bidWindowEndsAt.getTime() / 1000, chain.bidEnd);
    const bidCount = (await db.select().from(bids)).filter((b) => b.orderId === o.id).length;
    diff(`${p} bidCount`, o.bidCount, bidCount);
    const [rule, used] = await read<
      [{ amountPerTopUp: bigint; totalCap: bigint; minRunwaySeconds: number }, bigint]
    >("getAutoTopUp", [BigInt(o.id)]);
    diff(`${p} autoTopUpAmount`, o.autoTopUpAmount, rule.amountPerTopUp);
    diff(`${p} autoTopUpCap`, o.autoTopUpCap, rule.totalCap);
    diff(`${p} autoTopUpMinRunwaySeconds`, o.autoTopUpMinRunwaySeconds, rule.minRunwaySeconds);
    diff(`${p} autoTopUpUsed`, o.autoTopUpUsed, used);
  }

  const leaseRows = await db.select().from(leases);
  diff("lease count", leaseRows.length, orderRows.filter((o) => o.status === "leased").length);
  for (const l of leaseRows) {
    const chain = await read<{
      provider: string;
      tenant: string;
      status: number;
      pricePerHour: bigint;
      startedAt: number;
      endsAt: number;
      feeBps: number;
      escrow: bigint;
      paidOut: bigint;
      accrued: bigint;
      attestedAt: number;
      startDeadline: number;
      downtimeSeconds: number;
      refunded: bigint;
    }>("getLease", [BigInt(l.id)]);
    const p = `lease ${l.id}`;
    diff(`${p} status`, l.status, leaseStatus[chain.status]);
    diff(`${p} provider`, l.provider, chain.provider.toLowerCase());
    diff(`${p} tenant`, l.tenant, chain.tenant.toLowerCase());
    diff(`${p} price`, l.pricePerHour, chain.pricePerHour);
    diff(`${p} startedAt`, l.startedAt.getTime() / 1000, chain.startedAt);
    diff(`${p} endsAt`, l.endsAt ? l.endsAt.getTime() / 1000 : null, chain.endsAt);
    diff(`${p} feeBps`, l.feeBps, chain.feeBps);
    diff(`${p} deposit/escrow`, l.deposit, chain.escrow);
    diff(`${p} withdrawn/paidOut`, l.withdrawn, chain.paidOut);
    diff(`${p} attestedAt`, l.attestedAt ? l.attestedAt.getTime() / 1000 : 0, chain.attestedAt);
    diff(`${p} startDeadline`, l.startDeadline ? l.startDeadline.getTime() / 1000 : 0, chain.startDeadline);
    diff(`${p} downtimeSeconds`, l.downtimeSeconds, chain.downtimeSeconds);
    // The chain's `refunded` is the part out of earnings; slaRefunded counts the bond part too.
    const refundRows = (await db.select().from(downtimeRefunds)).filter((r) => r.leaseId === l.id);
    diff(
      `${p} refunded`,
      refundRows.reduce((s, r) => s + BigInt(r.fromEarnings), 0n),
      chain.refunded,
    );
    // The chain keeps no hash before the first update (revision 0 runs the order's spec).
    const [specHash, revision] = await read<[string, number]>("getLeaseSpec", [BigInt(l.id)]);
    const order = orderRows.find((o) => o.id === l.id);
    diff(`${p} specRevision`, l.specRevision, revision);
    diff(`${p} specHash`, l.specHash, revision === 0 ? order?.specHash : specHash.toLowerCase());
    const revisions = (await db.select().from(leaseSpecRevisions)).filter((r) => r.leaseId === l.id);
    diff(`${p} revision rows`, revisions.length, revision);
    if (l.status === "closed")
      diff(`${p} accrued`, l.withdrawn, await read<bigint>("accrued", [BigInt(l.id)]));
    // Money in = money out for a closed lease: deposit + top-ups = withdrawals + fees + refunds + SLA
    // refunds out of earnings (bond money paid to the tenant, "slash", is not escrow).
    if (l.status === "closed") {
      const rows = (await db.select().from(payments)).filter((x) => x.orderId === l.id);
      const sum = (kinds: string[]) =>
        rows.filter((x) => kinds.includes(x.kind)).reduce((s, x) => s + BigInt(x.amount), 0n);
      diff(
        `${p} payments balance`,
        sum(["deposit", "topup"]),
        sum(["withdrawal", "fee", "refund", "sla-refund"]),
      );
    }
  }

  for (const pr of await db.select().from(providers)) {
    const chain = await read<{ operator: string; registered: boolean }>("getProvider", [pr.address]);
    const p = `provider ${pr.address}`;
    diff(`${p} registered`, pr.registered, chain.registered);
    diff(`${p} reputation`, pr.reputation, (chain as { reputation?: number }).reputation ?? 0);
    const bond = await getProviderBond(db, pr.address);
    if (bond) {
      const onChain = await read<{ total: bigint; locked: bigint; unbonding: bigint }>("getBond", [
        pr.address,
      ]);
      diff(`${p} bond total`, bond.total, onChain.total);
      diff(`${p} bond locked`, bond.locked, onChain.locked);
      diff(`${p} bond unbonding`, bond.unbonding, onChain.unbonding);
    }
    diff(`${p} operator`, pr.operator ?? ZERO, chain.operator.toLowerCase());
    for (const label of pr.attributes) {
      const [key = "", value = ""] = label.split("=");
      const held = await read<boolean>("providerHasAttribute", [pr.address, attributeId(key, value)]);
      if (!held) problems.push(`${p} attribute ${label} not held on chain`);
    }
  }
  return problems;
}

/** Every chain-derived row, minus surrogate ids and write times, in a stable order. */
export async function dumpIndexedTables(db: Db) {
  const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));
  // Bids and payments have surrogate ids (insertion order), orders and leases the on-chain id.
  const strip = <T extends Record<string, unknown>>(rows: T[], dropId = false) =>
    rows.map(({ id, createdAt: _c, updatedAt: _u, ...rest }) => json(dropId ? rest : { id, ...rest }));
  return {
    orders: strip(await db.select().from(orders).orderBy(asc(orders.id))),
    leases: strip(await db.select().from(leases).orderBy(asc(leases.id))),
    bids: strip(await db.select().from(bids).orderBy(asc(bids.blockNumber), asc(bids.logIndex)), true),
    payments: strip(
      await db
        .select()
        .from(payments)
        .orderBy(asc(payments.blockNumber), asc(payments.logIndex), asc(payments.kind)),
      true,
    ),
    providers: strip(await db.select().from(providers).orderBy(asc(providers.address))),
    leaseSpecRevisions: (
      await db
        .select()
        .from(leaseSpecRevisions)
        .orderBy(asc(leaseSpecRevisions.leaseId), asc(leaseSpecRevisions.revision))
    ).map(json),
    leaseDelegates: (
      await db
        .select()
        .from(leaseDelegates)
        .orderBy(asc(leaseDelegates.blockNumber), asc(leaseDelegates.logIndex))
    ).map(json),
    bondEvents: strip(
      await db.select().from(bondEvents).orderBy(asc(bondEvents.blockNumber), asc(bondEvents.logIndex)),
      true,
    ),
    downtimeRefunds: strip(
      await db
        .select()
        .from(downtimeRefunds)
        .orderBy(asc(downtimeRefunds.blockNumber), asc(downtimeRefunds.logIndex)),
      true,
    ),
    reputationAttestations: (
      await db
        .select()
        .from(reputationAttestations)
        .orderBy(asc(reputationAttestations.blockNumber), asc(reputationAttestations.logIndex))
    ).map(json),
    sealedBids: (
      await db.select().from(sealedBids).orderBy(asc(sealedBids.blockNumber), asc(sealedBids.logIndex))
    ).map(json),
    // Bonds are read at the end of each indexed range, so which blocks have a reading depends on the batch
    // size; the latest reading per provider (what every reader uses) does not.
    providerBonds: [...(await listProviderBonds(db)).values()]
      .sort((a, b) => a.provider.localeCompare(b.provider))
      .map(({ blockNumber: _b, at: _a, ...bond }) => json(bond)),
    chainEvents: (
      await db.select().from(chainEvents).orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex))
    ).map(json),
  };
}
