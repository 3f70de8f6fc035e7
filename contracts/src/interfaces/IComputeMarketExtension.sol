// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IComputeMarket} from "./IComputeMarket.sol";
import {LeaseUpdate} from "../libraries/LeaseUpdateLib.sol";

/// @title IComputeMarketExtension
/// @notice The market-integrity functions of KubeBid's market (issue 13): provider bonds, attested starts, SLA
/// refunds, reputation and the sealed-bid auction, plus the market's cold paths. They are served by
/// `ComputeMarketExtension` through `ComputeMarket`'s fallback (delegatecall, one storage), so callers always
/// call the market's address. Errors, events and types are declared in `IComputeMarket`.
interface IComputeMarketExtension {
    // ---------------------------------------------------------------- roles and parameters

    /// @notice Owner: name the marketplace's deployer (zero: none), the only key that may attest starts,
    /// downtime and reputation. Separate from the owner, operator, relayer and keeper keys.
    /// @param newDeployer The deployer key.
    function setDeployer(address newDeployer) external;

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

    // ---------------------------------------------------------------- bonds

    /// @notice Registered provider: add `amount` to the caller's bond, pulled by allowance.
    /// @param amount Token base units.
    function depositBond(uint256 amount) external;

    /// @notice Move `amount` of the caller's free bond to unbonding; all of it becomes withdrawable
    /// `unbondingDelay` seconds from now (a new request extends the wait of what is already unbonding).
    /// @param amount Token base units, at most the free bond.
    function requestBondWithdrawal(uint256 amount) external;

    /// @notice Pay the caller its unbonding amount once `unbondAt` has passed.
    function withdrawBond() external;

    /// @notice A provider's bond.
    /// @param provider The provider.
    /// @return The bond (free = total - locked - unbonding).
    function getBond(address provider) external view returns (IComputeMarket.BondInfo memory);

    // ---------------------------------------------------------------- sealed-bid auction

    /// @notice During the bid window of a sealed order, commit `provider`'s bid (as the provider or its
    /// operator). One commit per provider and order; locks `bondRequired(maxPricePerHour, duration)`.
    /// Attributes and reputation are checked as in `placeBid`.
    /// @param orderId The order (auctionFormat 1).
    /// @param provider The registered provider committing.
    /// @param commitment `bidCommitment(orderId, provider, price, salt)`.
    /// @param requiredAttributes The order's `requiredAttributes`, verbatim.
    function commitBid(uint256 orderId, address provider, bytes32 commitment, bytes32[] calldata requiredAttributes)
        external;

    /// @notice After the bid window and up to `bidEnd + revealWindow`, reveal a commit (anyone holding the
    /// salt may). The lowest reveal becomes the best bid (ties: the first), the second-lowest is kept; a
    /// revealer that is not (or no longer) best gets its lock released.
    /// @param orderId The order.
    /// @param provider The committed provider.
    /// @param price The committed price, 1..maxPricePerHour.
    /// @param salt The committed salt.
    function revealBid(uint256 orderId, address provider, uint96 price, bytes32 salt) external;

    /// @notice Anyone, after the reveal window: an unrevealed commit pays `forfeitBps` of its lock to the
    /// tenant; the rest of the lock is released.
    /// @param orderId The order.
    /// @param provider The provider whose commit was not revealed.
    function forfeitCommit(uint256 orderId, address provider) external;

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

    // ---------------------------------------------------------------- attestations

    /// @notice Deployer: the lease's workload runs `specHash` (its current spec when one was set on chain).
    /// Only for an Active lease not yet attested, before its start deadline. Accrual starts now and the lease
    /// ends `duration` seconds later.
    /// @param leaseId The lease.
    /// @param specHash keccak256 of the canonical manifest the deployer deployed.
    function attestStart(uint256 leaseId, bytes32 specHash) external;

    /// @notice Anyone (the keeper), past the start deadline of a never-attested lease: refund the tenant the
    /// whole escrow plus `startSlashBps` of the provider's lock, release the rest, close the lease.
    /// @param leaseId The lease.
    function cancelUnstarted(uint256 leaseId) external;

    /// @notice Deployer, batched: refund `seconds_[i]` of downtime of `leaseIds[i]` to its tenant at the
    /// lease price, first out of the provider's earned-not-withdrawn share, the rest out of its bond.
    /// Leases that are not Active and attested are skipped.
    /// @param leaseIds Leases.
    /// @param seconds_ Downtime seconds since the previous attestation of each lease.
    function attestDowntime(uint256[] calldata leaseIds, uint32[] calldata seconds_) external;

    /// @notice Deployer, batched: set providers' reputation scores (0..100).
    /// @param providers Providers (registered or not).
    /// @param scores Scores.
    function attestReputation(address[] calldata providers, uint8[] calldata scores) external;

    // ---------------------------------------------------------------- admin and views (moved out of the market)

    /// @notice Owner: set the protocol fee (basis points of provider payouts) for leases settled from now on.
    /// @param newFeeBps At most `maxFeeBps`.
    function setFee(uint16 newFeeBps) external;

    /// @notice Owner: set the address fees are sent to.
    /// @param newTreasury Non-zero address.
    function setTreasury(address newTreasury) external;

    /// @notice Send all accumulated fees to the treasury (anyone may call).
    function claimFees() external;

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
