// The EIP-712 `LeaseUpdate` a tenant or one of its deploy keys signs to move a running lease to another
// manifest (a rollback is an update to an earlier hash). Mirrors contracts/src/libraries/LeaseUpdateLib.sol;
// lease-update-types.test.ts proves viem's hash equals ComputeMarket.hashLeaseUpdate.
import { type Address, type Hex, hashTypedData, isAddress } from "viem";
import { z } from "zod";
import { orderDomain } from "./order-types";

/** EIP-712 types; field order and types must equal `LeaseUpdateLib.LEASE_UPDATE_TYPE`. */
const leaseUpdateTypes = {
  LeaseUpdate: [
    { name: "leaseId", type: "uint256" },
    { name: "specHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

const uint256 = z
  .union([z.bigint(), z.string().regex(/^\d+$/, "expected a decimal integer string").transform(BigInt)])
  .refine((v) => v >= 0n && v < 1n << 256n, "out of range for uint256");

/** A signed lease update as relayed to the marketplace (bigints may arrive as decimal strings). */
export const leaseUpdateSchema = z.object({
  leaseId: uint256.refine((v) => v > 0n, "lease ids start at 1"),
  specHash: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x-prefixed 32-byte hex")
    .refine((v) => BigInt(v) !== 0n, "specHash must not be zero")
    .transform((v) => v as Hex),
  /** The lease's current revision (`getLeaseSpec`): each update consumes it. */
  nonce: uint256,
  deadline: uint256,
});

export type LeaseUpdate = z.output<typeof leaseUpdateSchema>;

/** A relay request: the update, who signed it (tenant or delegate; ERC-1271 wallets included) and the signature. */
export const signedLeaseUpdateSchema = z.object({
  update: leaseUpdateSchema,
  signer: z
    .string()
    .refine((v) => isAddress(v), "invalid address")
    .transform((v) => v as Address),
  signature: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})+$/, "expected 0x-prefixed hex bytes")
    .transform((v) => v as Hex),
});

export type SignedLeaseUpdate = z.output<typeof signedLeaseUpdateSchema>;

/** Typed-data payload for viem `signTypedData` / wagmi `useSignTypedData`. */
export function leaseUpdateTypedData(update: LeaseUpdate, chainId: number, verifyingContract: Address) {
  return {
    domain: orderDomain(chainId, verifyingContract),
    types: leaseUpdateTypes,
    primaryType: "LeaseUpdate",
    message: update,
  } as const;
}

/** EIP-712 digest of a lease update: what the signer signs (`ComputeMarket.hashLeaseUpdate`). */
export function hashLeaseUpdate(update: LeaseUpdate, chainId: number, verifyingContract: Address): Hex {
  return hashTypedData(leaseUpdateTypedData(update, chainId, verifyingContract));
}
