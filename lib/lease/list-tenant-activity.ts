import "server-only";
import { desc, eq, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leases, orders, providers } from "@/db/schema";

// The signed-in wallet's leases (as tenant or provider) and its orders still in auction.

export async function listTenantActivity({ db, address }: { db: Db; address: string }) {
  const who = address.toLowerCase();
  const [leaseRows, orderRows, names] = await Promise.all([
    db
      .select()
      .from(leases)
      .where(or(eq(leases.tenant, who), eq(leases.provider, who)))
      .orderBy(desc(leases.startedAt))
      .limit(200),
    db.select().from(orders).where(eq(orders.tenant, who)).orderBy(desc(orders.createdAt)).limit(200),
    db.select({ address: providers.address, name: providers.name }).from(providers),
  ]);
  const nameOf = new Map(names.map((p) => [p.address, p.name]));
  const leased = new Set(leaseRows.map((l) => l.orderId));
  return {
    leases: leaseRows.map((l) => ({
      id: l.id,
      role: l.tenant === who ? ("tenant" as const) : ("provider" as const),
      provider: l.provider,
      providerName: nameOf.get(l.provider) ?? null,
      pricePerHour: l.pricePerHour,
      escrow: l.deposit,
      startedAt: l.startedAt.toISOString(),
      endsAt: l.endsAt?.toISOString() ?? null,
      status: l.status,
      deployState: l.deployState,
    })),
    orders: orderRows
      .filter((o) => !leased.has(o.id))
      .map((o) => ({
        id: o.id,
        status: o.status,
        bidCount: o.bidCount,
        bestPrice: o.bestPrice,
        maxPricePerHour: o.maxPricePerHour,
        deposit: o.deposit,
        bidWindowEndsAt: o.bidWindowEndsAt.toISOString(),
        createdAt: o.createdAt.toISOString(),
        resources: o.resources,
      })),
  };
}

export type TenantActivity = Awaited<ReturnType<typeof listTenantActivity>>;
