// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice What a tenant (or a deploy key it delegated to) signs to move a running lease to another manifest:
/// the EIP-712 `LeaseUpdate` struct, its typehash and `hash()` side by side, like `OrderLib`. The TypeScript
/// twin is `lib/chain/lease-update-types.ts`; a test proves viem's `hashTypedData` equals
/// `ComputeMarket.hashLeaseUpdate`.
struct LeaseUpdate {
    uint256 leaseId;
    /// @dev keccak256 of the canonical manifest the lease should run from now on (a rollback is just an
    /// earlier hash again, under a new revision).
    bytes32 specHash;
    /// @dev The lease's current revision (`getLeaseSpec`): each update consumes it, so a signature can be
    /// used once and only on top of the revision it was made for.
    uint256 nonce;
    /// @dev Unix time after which the signature is refused.
    uint256 deadline;
}

library LeaseUpdateLib {
    /// @dev Keep in sync with `leaseUpdateTypes` in lib/chain/lease-update-types.ts (tested).
    bytes internal constant LEASE_UPDATE_TYPE =
        "LeaseUpdate(uint256 leaseId,bytes32 specHash,uint256 nonce,uint256 deadline)";
    bytes32 internal constant LEASE_UPDATE_TYPEHASH = keccak256(LEASE_UPDATE_TYPE);

    /// @notice EIP-712 struct hash of a lease update.
    function hash(uint256 leaseId, bytes32 specHash, uint256 nonce, uint256 deadline)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(LEASE_UPDATE_TYPEHASH, leaseId, specHash, nonce, deadline));
    }
}
