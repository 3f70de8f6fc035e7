import type { Address, TypedDataDomain } from "viem";

// The one definition of the EIP-2612 `Permit` typed data a tenant signs so the market can pull its
// deposit without an approve transaction. Used by the deploy form and the tests.

const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export function permitTypedData(opts: {
  domain: TypedDataDomain;
  owner: Address;
  spender: Address;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}) {
  const { domain, ...message } = opts;
  return { domain, types: permitTypes, primaryType: "Permit" as const, message };
}
