// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IComputeMarket} from "./IComputeMarket.sol";
import {LeaseUpdate} from "../libraries/LeaseUpdateLib.sol";

/// @title IComputeMarketViews
/// @notice The read functions of KubeBid's market, served by `ComputeMarketViews` through the market's
/// fallback chain (delegatecall), so callers always call the market's address.
interface IComputeMarketViews {
    /// @notice The marketplace's deployer (zero: none).
    /// @return The deployer key.
    function deployer() external view returns (address);

    /// @notice The immutable integrity parameters the market was deployed with.
    /// @return The parameters.
    function integrityParams() external view returns (IComputeMarket.IntegrityParams memory);

    /// @notice What a bid at `pricePerHour` on a lease of `duration` seconds locks from the provider's bond:
    /// `min(pricePerHour * duration / 3600 * bondBps / 10000, bondCap)`.
    /// @param pricePerHour Price in token base units per hour.
    /// @param duration Lease length in seconds.
    /// @return Token base units.
    function bondRequired(uint96 pricePerHour, uint32 duration) external view returns (uint256);

    /// @notice A provider's bond.
    /// @param provider The provider.
    /// @return The bond (free = total - locked - unbonding).
    function getBond(address provider) external view returns (IComputeMarket.BondInfo memory);

    /// @notice The sealed auction's state (best reveal in `bestBid`).
    /// @param orderId The order.
    /// @return The state; zeros for an open-auction order.
    function getSealedAuction(uint256 orderId) external view returns (IComputeMarket.SealedAuctionInfo memory);

    /// @notice A provider's commit on an order.
    /// @param orderId The order.
    /// @param provider The provider.
    /// @return The commit (zero commitment: none).
    function getCommit(uint256 orderId, address provider) external view returns (IComputeMarket.CommitInfo memory);

    /// @notice The commitment a sealed bid must carry: keccak256(abi.encode(orderId, provider, price, salt)).
    /// @param orderId The order.
    /// @param provider The provider.
    /// @param price Price per hour.
    /// @param salt Random 32 bytes, kept secret until the reveal.
    /// @return The commitment.
    function bidCommitment(uint256 orderId, address provider, uint96 price, bytes32 salt)
        external
        pure
        returns (bytes32);

    /// @notice Order state by id (lease fields are in `getLease`).
    /// @param orderId The order.
    /// @return The order's read model.
    function getOrder(uint256 orderId) external view returns (IComputeMarket.OrderInfo memory);

    /// @notice Lease state by id, including the current accrual.
    /// @param leaseId The lease (= order id).
    /// @return The lease's read model.
    function getLease(uint256 leaseId) external view returns (IComputeMarket.LeaseInfo memory);

    /// @notice A provider's record.
    /// @param account The provider address.
    /// @return The record.
    function getProvider(address account) external view returns (IComputeMarket.ProviderInfo memory);

    /// @notice Whether a provider currently holds an attribute id.
    /// @param account The provider.
    /// @param attributeId `attributeId(key, value)`.
    /// @return True if held in the current epoch.
    function providerHasAttribute(address account, bytes32 attributeId) external view returns (bool);

    /// @notice Whether a tenant's nonce is used (or invalidated).
    /// @param tenant The tenant.
    /// @param nonce The nonce.
    /// @return True if used.
    function nonceUsed(address tenant, uint256 nonce) external view returns (bool);

    /// @notice The EIP-712 domain separator (name "KubeBid ComputeMarket", version "1").
    /// @return The separator for this chain and contract.
    function domainSeparator() external view returns (bytes32);

    /// @notice `keccak256(abi.encode(key, value))`, the id used for provider attributes.
    /// @param key Attribute key (bytes32 text).
    /// @param value Attribute value (bytes32 text).
    /// @return The id.
    function attributeId(bytes32 key, bytes32 value) external pure returns (bytes32);

    /// @notice Whether `delegate` may update the spec of `tenant`'s lease `leaseId` (by a grant for that lease
    /// or for all of the tenant's leases). Does not check that `tenant` owns the lease.
    /// @param tenant The tenant.
    /// @param delegate The deploy key.
    /// @param leaseId The lease.
    /// @return True if authorised.
    function isDelegate(address tenant, address delegate, uint256 leaseId) external view returns (bool);

    /// @notice A lease's auto top-up rule (zeros: none) and what its auto top-ups added so far.
    /// @param leaseId The lease.
    /// @return rule The rule.
    /// @return used Sum of the lease's auto top-ups.
    function getAutoTopUp(uint256 leaseId)
        external
        view
        returns (IComputeMarket.AutoTopUpRule memory rule, uint256 used);

    /// @notice The lease's current manifest hash and revision. At revision 0 the hash is zero: the lease runs
    /// the order's `specHash` (in `OrderCreated`; not stored, to keep `createOrder` cheap).
    /// @param leaseId The lease.
    /// @return specHash The hash of the latest update (zero before any).
    /// @return revision Number of updates so far; the nonce the next signed update must carry.
    function getLeaseSpec(uint256 leaseId) external view returns (bytes32 specHash, uint32 revision);

    /// @notice The EIP-712 digest a tenant or delegate signs for `update`.
    /// @param update The update.
    /// @return The digest.
    function hashLeaseUpdate(LeaseUpdate calldata update) external view returns (bytes32);

    /// @notice The best bid of an order; zeros if none.
    /// @param orderId The order.
    /// @return provider The best bidder.
    /// @return pricePerHour Its price.
    function bestBid(uint256 orderId) external view returns (address provider, uint96 pricePerHour);
}
