import "server-only";
import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Lease, leaseSpecRevisions, manifests, orders } from "@/db/schema";
import { type Manifest, manifestSchema, manifestTotals } from "@/lib/market/manifest";

// A lease's spec history for its tenant's lease page: revision 0 is the order's manifest, then one row per
// LeaseSpecUpdated (a rollback is a new revision of an earlier hash). Each comes with its stored manifest
// (sealed: secret names and salted digests, never a value), which the page edits or signs again for a
// rollback, and what the lease bought (the order's manifest totals), the bound of every update.

export interface LeaseRevision {
  revision: number;
  specHash: string;
  /** The tenant (revision 0: who signed the order) or the deploy key that signed the update. */
  signer: string;
  at: string;
  current: boolean;
  /** Null when the manifest is not stored here (an update submitted elsewhere). */
  manifest: Manifest | null;
}

export async function listLeaseRevisions({ db, lease }: { db: Db; lease: Lease }) {
  const [[order], rows] = await Promise.all([
    db.select().from(orders).where(eq(orders.id, lease.orderId)),
    db
      .select()
      .from(leaseSpecRevisions)
      .where(eq(leaseSpecRevisions.leaseId, lease.id))
      .orderBy(asc(leaseSpecRevisions.revision)),
  ]);
  const history = [
    ...(order
      ? [{ revision: 0, specHash: order.specHash.toLowerCase(), signer: lease.tenant, at: lease.startedAt }]
      : []),
    ...rows.map((r) => ({
      revision: r.revision,
      specHash: r.specHash.toLowerCase(),
      signer: r.signer,
      at: r.at,
    })),
  ];
  const hashes = [...new Set(history.map((h) => h.specHash))];
  const stored = hashes.length
    ? await db.select().from(manifests).where(inArray(manifests.specHash, hashes))
    : [];
  const bodies = new Map(
    stored.flatMap((m) => {
      const parsed = manifestSchema.safeParse(m.body);
      return parsed.success ? [[m.specHash, parsed.data] as const] : [];
    }),
  );
  const bought = order ? bodies.get(order.specHash.toLowerCase()) : undefined;
  return {
    revision: lease.specRevision,
    specHash: (lease.specHash ?? order?.specHash ?? "").toLowerCase(),
    bought: bought ? manifestTotals(bought) : null,
    revisions: history
      .map(
        (h): LeaseRevision => ({
          revision: h.revision,
          specHash: h.specHash,
          signer: h.signer,
          at: h.at.toISOString(),
          current: h.revision === lease.specRevision,
          manifest: bodies.get(h.specHash) ?? null,
        }),
      )
      .reverse(),
  };
}

export type LeaseRevisions = Awaited<ReturnType<typeof listLeaseRevisions>>;
