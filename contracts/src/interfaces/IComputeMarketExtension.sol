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














    // ---------------------------------------------------------------- providers, orders, leases (cold paths)







    /// @notice Add `amount` to a running lease's escrow, pulled from the caller by allowance.
    /// @param leaseId The lease.
    /// @param amount Token base units.
    function topUp(uint256 leaseId, uint256 amount) external;

    /// @notice Relay a lease update signed by the tenant or a delegate authorised for the lease (EOA or
    /// ERC-1271); anyone may submit it. Only while the lease runs (active, not exhausted or over).
    /// @param update The signed update; `update.nonce` must be the lease's current revision.
    /// @param signer Who signed (the tenant or a delegate): needed to check ERC-1271 signatures.
    /// @param signature The signer's EIP-712 signature over `update`.
    function updateLeaseSpec(LeaseUpdate calldata update, address signer, bytes calldata signature) external;

    /// @notice As the tenant or a delegate, move the lease to `specHash` directly (no signature, no nonce:
    /// the caller is authenticated by the transaction). Bumps the revision, so pending signatures lapse.
    /// @param leaseId The lease.
    /// @param specHash keccak256 of the canonical manifest.
    function setLeaseSpec(uint256 leaseId, bytes32 specHash) external;

    /// @notice Authorise (or revoke) `delegate` to update specs of the caller's lease `leaseId`, or of all its
    /// leases with `leaseId == 0`. A delegate can do nothing else: it cannot close, cancel, accept, withdraw
    /// for, top up from, or change the rules of the tenant.
    /// @param delegate The deploy key.
    /// @param leaseId One of the caller's orders/leases, or 0 for all of them.
    /// @param allowed True to grant, false to revoke.
    function setDelegate(address delegate, uint256 leaseId, bool allowed) external;

    /// @notice Tenant only: set the lease's auto top-up rule (all zeros clear it). Top-ups are pulled from the
    /// tenant's allowance to the market; what they already added keeps counting against a new `totalCap`.
    /// @param leaseId An open order or active lease of the caller.
    /// @param amountPerTopUp Added by each `autoTopUp`.
    /// @param totalCap Most all auto top-ups of the lease may add together.
    /// @param minRunwaySeconds Top up only while the escrow lasts fewer seconds than this.
    function setAutoTopUp(uint256 leaseId, uint96 amountPerTopUp, uint96 totalCap, uint32 minRunwaySeconds) external;

    /// @notice Anyone (the keeper): add exactly `amountPerTopUp` from the tenant to a running lease whose escrow
    /// lasts fewer than `minRunwaySeconds` and does not already cover the rest of the lease, within `totalCap`.
    /// @param leaseId The lease.
    function autoTopUp(uint256 leaseId) external;




}
