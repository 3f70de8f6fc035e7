import "server-only";
import { eq } from "drizzle-orm";
import type { Address } from "viem";
import type { Db } from "@/db/client";
import { type Lease, leases } from "@/db/schema";
import { AppError } from "@/lib/errors";

// Who may look inside a lease (pods, metrics, logs, events): its tenant and its provider, nobody else.
// Every lease route and the lease page go through here.

export type LeaseAccess =
  | { ok: true; lease: Lease; role: "tenant" | "provider" }
  | { ok: false; reason: "unauthenticated" | "forbidden" | "not_found" };

export async function checkLeaseAccess({
  db,
  leaseId,
  address,
}: {
  db: Db;
  leaseId: string;
  address: Address | string | null | undefined;
}): Promise<LeaseAccess> {
  if (!address) return { ok: false, reason: "unauthenticated" };
  const [lease] = await db.select().from(leases).where(eq(leases.id, leaseId));
  if (!lease) return { ok: false, reason: "not_found" };
  const who = address.toLowerCase();
  if (lease.tenant.toLowerCase() === who) return { ok: true, lease, role: "tenant" };
  if (lease.provider.toLowerCase() === who) return { ok: true, lease, role: "provider" };
  return { ok: false, reason: "forbidden" };
}

/** The same check for route handlers: the lease, or the AppError to answer with. */
export async function requireLeaseAccess(opts: {
  db: Db;
  leaseId: string;
  address: Address | null | undefined;
}) {
  const access = await checkLeaseAccess(opts);
  if (access.ok) return access;
  if (access.reason === "unauthenticated")
    throw new AppError("UNAUTHORIZED", "Sign in with your wallet first.");
  if (access.reason === "not_found") throw new AppError("NOT_FOUND", "No such lease (yet).");
  throw new AppError("FORBIDDEN", "This lease is not yours: only its tenant and its provider can see it.");
}
