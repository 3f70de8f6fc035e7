import "server-only";
import type { Lease } from "@/db/schema";
import type { LeaseTerms } from "@/lib/lease/lease-money-at";
import { readChainLease } from "@/lib/market/chain-reads";

// A lease's money terms (rate, start, end, escrow, paid out, open or closed) as the contract holds
// them now, or the indexed copy of the same fields when the chain does not answer. With a chain clock
// reading, leaseMoneyAt turns them into balance, spent, runway and withdrawable at any moment.

export async function readLeaseTerms(lease: Lease): Promise<LeaseTerms> {
  // Once the indexer has seen the close, the row is final: no chain read needed.
  const read = lease.status === "closed" ? null : await readChainLease(BigInt(lease.id));
  const chain = read?.status === "active" || read?.status === "closed" ? read : null;
  return {
    status: chain?.status === "closed" || lease.status === "closed" ? "closed" : "active",
    pricePerHour: chain?.pricePerHour ?? lease.pricePerHour,
    startedAt: chain?.startedAt ?? Math.floor(lease.startedAt.getTime() / 1000),
    endsAt: chain?.endsAt ?? Math.floor((lease.endsAt ?? lease.startedAt).getTime() / 1000),
    escrow: chain?.escrow ?? lease.deposit,
    paidOut: chain?.paidOut ?? lease.withdrawn,
  };
}
