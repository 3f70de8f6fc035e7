import { randomBytes } from "node:crypto";
import { encodeAbiParameters, type Hex, keccak256 } from "viem";

// A sealed bid's commitment, as ComputeMarket.revealBid recomputes it:
// keccak256(abi.encode(orderId, provider, uint96 price, bytes32 salt)).

export function sealedCommitment(a: { orderId: bigint; provider: Hex; price: bigint; salt: Hex }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "uint96" }, { type: "bytes32" }],
      [a.orderId, a.provider, a.price, a.salt],
    ),
  );
}

/** 32 random bytes: without the salt nobody can test candidate prices against a commitment. */
export function randomSalt(): Hex {
  return `0x${randomBytes(32).toString("hex")}`;
}
