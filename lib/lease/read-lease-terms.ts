import "server-only";
import type { Lease } from "@/db/schema";
import type { LeaseTerms } from "@/lib/lease/lease-money-at";
import { readChainLease } from "@/lib/market/chain-reads";

// A lease's money terms (rate, start, end, escrow, paid out, SLA refunds, open or closed, started
// or not) as the contract holds them now, or the indexed copy of the same fields when the chain does
// not answer. The contract's startedAt is the attested start once there is one (the settlement until
// then) and endsAt = startedAt + duration; nothing accrues before the attestation. With a chain clock
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
    // Without a chain answer nothing says whether the start was attested: the indexed figures stand.
    ...(chain ? { started: chain.attestedAt > 0, refunded: chain.refunded } : {}),
  };
}
