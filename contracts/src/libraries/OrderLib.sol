// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice What a tenant signs to buy compute: the EIP-712 `Order` struct, its typehash and `hash()`, kept
/// side by side (like UniswapX's DutchOrderLib) so the three cannot drift apart. The TypeScript twin is
/// `lib/chain/order-types.ts`; a test proves viem's `hashTypedData` equals `ComputeMarket.hashOrder`.
struct Order {
    /// @dev Who pays the deposit and owns the resulting lease.
    address tenant;
    /// @dev keccak256 of the canonical manifest (stored off-chain); the lease controller checks it.
    bytes32 specHash;
    uint32 cpuMillicores;
    uint32 memoryMiB;
    uint32 storageMiB;
    uint16 gpuCount;
    /// @dev GPU model (bytes32 text, e.g. "nvidia-a100"), informative; to require it use `requiredAttributes`.
    bytes32 gpuModel;
    /// @dev Attribute ids (`OrderLib.attributeId(key, value)`) every bidding provider must hold; at most
    /// `OrderLib.MAX_REQUIRED_ATTRIBUTES`.
    bytes32[] requiredAttributes;
    /// @dev Highest acceptable price, token base units per hour. Must be below `type(uint96).max`.
    uint96 maxPricePerHour;
    /// @dev Lease length in seconds once the auction settles.
    uint32 duration;
    /// @dev Escrowed up front, in token base units.
    uint96 deposit;
    /// @dev Seconds the auction stays open after creation.
    uint32 bidWindow;
    /// @dev Any unused nonce of the tenant (bitmap, so orders can be signed in any order).
    uint256 nonce;
    /// @dev Unix time after which the order can no longer be created.
    uint256 deadline;
    /// @dev Seconds after settlement within which the marketplace's deployer must attest that the workload
    /// started (30..65535); past it, unattested, the lease can be cancelled for a full refund plus a slash.
    uint16 startDeadline;
    /// @dev 0: open descending auction; 1: sealed-bid second-price auction (commit, then reveal).
    uint8 auctionFormat;
    /// @dev Seconds after the bid window for reveals: 0 for an open auction, 1..86400 for a sealed one.
    uint32 revealWindow;
    /// @dev 0..100: the lowest on-chain reputation a bidding provider may have.
    uint8 minReputation;
}

library OrderLib {
    /// @dev Keep in sync with `orderTypes` in lib/chain/order-types.ts (tested).
    bytes internal constant ORDER_TYPE = "Order(address tenant,bytes32 specHash,uint32 cpuMillicores,uint32 memoryMiB,"
        "uint32 storageMiB,uint16 gpuCount,bytes32 gpuModel,bytes32[] requiredAttributes,uint96 maxPricePerHour,"
        "uint32 duration,uint96 deposit,uint32 bidWindow,uint256 nonce,uint256 deadline,uint16 startDeadline,"
        "uint8 auctionFormat,uint32 revealWindow,uint8 minReputation)";
    bytes32 internal constant ORDER_TYPEHASH = keccak256(ORDER_TYPE);

    /// @dev Bounds the attribute check in `placeBid` (one SLOAD per entry).
    uint256 internal constant MAX_REQUIRED_ATTRIBUTES = 8;

    /// @notice Open descending auction (`auctionFormat`).
    uint8 internal constant FORMAT_OPEN = 0;
    /// @notice Sealed-bid second-price auction (`auctionFormat`).
    uint8 internal constant FORMAT_SEALED = 1;

    /// @notice EIP-712 struct hash of an order.
    /// @dev Encoded in three parts only to stay clear of stack-too-deep without via-IR.
    function hash(Order calldata order) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                abi.encode(
                    ORDER_TYPEHASH,
                    order.tenant,
                    order.specHash,
                    order.cpuMillicores,
                    order.memoryMiB,
                    order.storageMiB,
                    order.gpuCount,
                    order.gpuModel
                ),
                abi.encode(
                    hashAttributes(order.requiredAttributes),
                    order.maxPricePerHour,
                    order.duration,
                    order.deposit,
                    order.bidWindow,
                    order.nonce,
                    order.deadline
                ),
                abi.encode(order.startDeadline, order.auctionFormat, order.revealWindow, order.minReputation)
            )
        );
    }

    /// @notice EIP-712 encoding of a `bytes32[]`: keccak256 of the packed elements.
    function hashAttributes(bytes32[] calldata attributes) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(attributes));
    }

    /// @notice The 56-bit tag an order stores for its required attributes; 0 means "no requirement".
    /// @dev A bidder re-supplies the list and `placeBid` checks it against this tag, so the list never
    /// occupies storage. Truncation to 56 bits keeps the order in three slots (beside `minReputation`); a
    /// bidder forging another list with the same tag needs a 2^56 second-preimage search over attribute
    /// sets it registers, far beyond what winning one lease is worth.
    function requirementsTag(bytes32[] calldata attributes) internal pure returns (uint56) {
        if (attributes.length == 0) return 0;
        uint56 tag = uint56(uint256(hashAttributes(attributes)));
        return tag == 0 ? 1 : tag;
    }

    /// @notice Identifier of the attribute `key = value` (both bytes32 text), as providers register it and
    /// orders require it. Region is `attributeId("region", r)`, a GPU model `attributeId("gpu", m)`.
    function attributeId(bytes32 key, bytes32 value) internal pure returns (bytes32) {
        return keccak256(abi.encode(key, value));
    }
}
