// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Order} from "../libraries/OrderLib.sol";
import {LeaseUpdate} from "../libraries/LeaseUpdateLib.sol";

/// @title IComputeMarket
/// @notice Reverse-auction marketplace for Kubernetes compute: tenants escrow a deposit with an EIP-712 order,
/// providers bid the hourly price down, the best bid becomes a lease streamed per second from the escrow.
/// @dev Errors, events and shared types live here (like Uniswap v4's IPoolManager) so the ABI, the indexer
/// and the tests have one place to look. A lease reuses its order's id: `leaseId == orderId`.
interface IComputeMarket {
    /// @notice Lifecycle of an order; once it settles with a winner the same id is a lease.
    enum OrderStatus {
        None, // never created
        Open, // auction running or waiting for settle
        Cancelled, // tenant cancelled before a lease existed; deposit refunded
        Expired, // settled without a (valid) bid; deposit refunded
        Active, // lease running (or exhausted / over, waiting to be closed)
        Closed // lease closed; provider paid, tenant refunded the rest
    }

    /// @notice A free-form provider attribute, both halves bytes32 text (e.g. key "tier", value "gold").
    struct Attribute {
        bytes32 key;
        bytes32 value;
    }

    /// @notice On-chain provider record, one storage slot.
    struct ProviderInfo {
        /// @dev May bid (and close leases) on the provider's behalf; zero if none.
        address operator;
        /// @dev Bumped on every (re)registration and update; only attributes written in this epoch count.
        uint32 attributeEpoch;
        /// @dev Leases in status Active; the provider can deregister only at zero.
        uint32 activeLeases;
        bool registered;
        /// @dev 0..100, attested by the marketplace's deployer (`attestReputation`); 0 until the first attestation.
        uint8 reputation;
    }

    /// @notice Constructor parameters of the integrity rules, immutable for the life of the market.
    struct IntegrityParams {
        /// @dev Share of a bid's lease value (price x duration) it locks from the provider's bond, in bps.
        uint16 bondBps;
        /// @dev Most one lease (or commit) may lock, token base units.
        uint96 bondCap;
        /// @dev Seconds between `requestBondWithdrawal` and `withdrawBond` (dev 60, production 7 days).
        uint32 unbondingDelay;
        /// @dev Share of the lock paid to the tenant by `cancelUnstarted`, in bps.
        uint16 startSlashBps;
        /// @dev Share of an unrevealed commit's lock forfeited to the tenant by `forfeitCommit`, in bps.
        uint16 forfeitBps;
    }

    /// @notice A provider's bond. Free bond is `total - locked - unbonding` (0 if that is negative).
    struct BondInfo {
        /// @dev Everything the provider has deposited and not withdrawn or lost to slashes (incl. locked and
        /// unbonding).
        uint96 total;
        /// @dev Held by the provider's best bids, commits and unfinished leases.
        uint96 locked;
        /// @dev Requested for withdrawal, payable by `withdrawBond` from `unbondAt`.
        uint96 unbonding;
        uint40 unbondAt;
    }

    /// @notice Read model of a sealed-bid auction (see `getSealedAuction`); best reveal in `bestBid`.
    struct SealedAuctionInfo {
        /// @dev Reveals are accepted from the order's `bidEnd` until this time; settle and forfeit after it.
        uint40 revealEnd;
        /// @dev Second-lowest revealed price (0 while fewer than two reveals).
        uint96 secondPrice;
        uint32 commits;
        uint32 reveals;
    }

    /// @notice One provider's commitment in a sealed auction (see `getCommit`).
    struct CommitInfo {
        /// @dev keccak256(abi.encode(orderId, provider, uint96 price, bytes32 salt)); zero: no commit.
        bytes32 commitment;
        /// @dev The revealed price (0 until revealed).
        uint96 price;
        bool revealed;
        /// @dev Lock already settled: released (lost or forfeited) or handed over to the lease.
        bool closed;
    }

    /// @notice Read model of an order (see `getOrder`).
    struct OrderInfo {
        address tenant;
        OrderStatus status;
        /// @dev While Open: the end of the bid window. Once settled: when the auction ended, i.e. lease start.
        uint40 bidEnd;
        uint32 duration;
        /// @dev Deposit plus top-ups, token base units.
        uint96 escrow;
        /// @dev Zero address and zero price while no bid was placed.
        address bestProvider;
        uint96 bestPrice;
        /// @dev `OrderLib.requirementsTag` of the required attributes (0: none).
        uint64 requirementsTag;
        /// @dev The order's `auctionFormat` (0 open, 1 sealed).
        uint8 auctionFormat;
        /// @dev The order's `minReputation`.
        uint8 minReputation;
        /// @dev The order's `startDeadline` (seconds after settlement).
        uint16 startDeadline;
    }

    /// @notice Read model of a lease (see `getLease`).
    struct LeaseInfo {
        address tenant;
        address provider;
        OrderStatus status;
        uint96 pricePerHour;
        uint40 startedAt;
        uint40 endsAt;
        uint16 feeBps;
        uint96 escrow;
        /// @dev Gross amount already paid out to the provider (fees included).
        uint96 paidOut;
        /// @dev Gross amount earned by the provider so far (capped by escrow and duration); nothing accrues
        /// before `attestedAt`.
        uint256 accrued;
        /// @dev When the deployer attested the start (0: not yet); accrual runs from here.
        uint40 attestedAt;
        /// @dev Absolute time by which the start must be attested (settlement + the order's `startDeadline`).
        uint40 startDeadline;
        /// @dev Sum of the downtime seconds attested for the lease.
        uint32 downtimeSeconds;
        /// @dev Total SLA refunds paid to the tenant, out of the provider's earnings (bond part not counted).
        uint96 refunded;
    }

    /// @notice A tenant's auto top-up rule for one lease, and how much it has pulled so far (one slot).
    struct AutoTopUpRule {
        /// @dev Exactly this much is added per `autoTopUp`; zero: no rule.
        uint96 amountPerTopUp;
        /// @dev Most all auto top-ups of the lease may add together, counted across rule changes.
        uint96 totalCap;
        /// @dev A top-up is due only while the escrow lasts fewer seconds than this.
        uint32 minRunwaySeconds;
    }

    // ---------------------------------------------------------------- errors

    /// @notice A zero address was given where one is required.
    error ZeroAddress();
    /// @notice A zero amount was given where a positive one is required.
    error ZeroAmount();
    /// @notice `feeBps` is above `maxFeeBps`.
    error FeeTooHigh(uint256 feeBps, uint256 maxFeeBps);

    /// @notice The caller is already a registered provider.
    error ProviderAlreadyRegistered(address provider);
    /// @notice The address is not a registered provider.
    error ProviderNotRegistered(address provider);
    /// @notice The provider still has `activeLeases` leases and cannot deregister.
    error ProviderHasActiveLeases(address provider, uint256 activeLeases);
    /// @notice More attributes than a provider may hold.
    error TooManyAttributes(uint256 count, uint256 max);

    /// @notice `createOrder` was not sent by the order's tenant (use `createOrderWithSignature`).
    error CallerNotTenant(address caller, address tenant);
    /// @notice The order's deadline has passed.
    error OrderDeadlinePassed(uint256 deadline, uint256 timestamp);
    /// @notice The tenant's nonce was already used or invalidated.
    error NonceAlreadyUsed(address tenant, uint256 nonce);
    /// @notice The signature is not the tenant's (EOA or ERC-1271) over this order, chain and contract.
    error InvalidSignature(address tenant, bytes32 orderHash);
    /// @notice A field of the order is out of range (`field` names it, e.g. "duration").
    error InvalidOrderField(bytes32 field);
    /// @notice More required attributes than an order may have.
    error TooManyRequiredAttributes(uint256 count, uint256 max);

    /// @notice The order is not in the status the call needs.
    error UnexpectedStatus(uint256 orderId, OrderStatus status);
    /// @notice The caller is not the order's tenant.
    error NotTenant(uint256 orderId, address caller);
    /// @notice The bid window has closed.
    error BiddingClosed(uint256 orderId, uint256 bidEnd);
    /// @notice The bid window is still open (settle too early).
    error BiddingOpen(uint256 orderId, uint256 bidEnd);
    /// @notice The caller is neither the provider nor its operator.
    error NotProviderOrOperator(address caller, address provider);
    /// @notice A bid price of zero.
    error ZeroPrice(uint256 orderId);
    /// @notice First bid above the order's max price per hour.
    error PriceAboveMax(uint256 orderId, uint256 price, uint256 maxPricePerHour);
    /// @notice Bid not strictly lower than the best bid.
    error BidNotLower(uint256 orderId, uint256 price, uint256 bestPrice);
    /// @notice The attribute list given with a bid is not the order's.
    error RequirementsMismatch(uint256 orderId);
    /// @notice The provider does not hold a required attribute.
    error MissingAttribute(address provider, bytes32 attributeId);
    /// @notice `acceptBid` on an order without bids.
    error NoBid(uint256 orderId);

    /// @notice Caller is not the lease's tenant, provider or operator, and the lease is not over.
    error NotAuthorizedToClose(uint256 leaseId, address caller);
    /// @notice The lease has no unpaid accrual.
    error NothingToWithdraw(uint256 leaseId);
    /// @notice The lease has run out of escrow or time; it can only be closed.
    error LeaseOver(uint256 leaseId);
    /// @notice The escrow would overflow its 96-bit slot.
    error EscrowOverflow(uint256 leaseId);

    /// @notice `account` is neither the lease's tenant nor a delegate the tenant authorised for it.
    error NotTenantOrDelegate(uint256 leaseId, address account);
    /// @notice A lease update's deadline has passed.
    error LeaseUpdateExpired(uint256 deadline, uint256 timestamp);
    /// @notice A lease update was signed for another revision (replayed, or overtaken by a newer update).
    error InvalidLeaseUpdateNonce(uint256 leaseId, uint256 nonce, uint256 expected);
    /// @notice A spec hash of zero (no manifest hashes to it).
    error ZeroSpecHash();

    /// @notice `setAutoTopUp` with a rule that is neither all zeros (clear) nor complete (amount > 0,
    /// cap >= amount, runway > 0).
    error InvalidAutoTopUpRule();
    /// @notice The lease has no auto top-up rule.
    error NoAutoTopUpRule(uint256 leaseId);
    /// @notice The escrow still lasts `runway` seconds (or the rest of the lease), not below `minRunway`.
    error RunwayNotLow(uint256 leaseId, uint256 runway, uint256 minRunway);
    /// @notice Another top-up of `amount` would take the lease's auto top-ups beyond `totalCap`.
    error AutoTopUpCapReached(uint256 leaseId, uint256 used, uint256 amount, uint256 totalCap);

    /// @notice The provider's free bond does not cover what the bid (or commit) must lock.
    error InsufficientBond(address provider, uint256 required, uint256 free);
    /// @notice `withdrawBond` before the unbonding delay is over.
    error UnbondingNotOver(uint256 unbondAt);
    /// @notice `withdrawBond` with nothing requested.
    error NothingUnbonding();
    /// @notice The provider's reputation is below the order's `minReputation`.
    error ReputationTooLow(address provider, uint256 score, uint256 min);
    /// @notice `placeBid` / `acceptBid` on a sealed-bid order (use `commitBid` and `revealBid`).
    error SealedAuction(uint256 orderId);
    /// @notice `commitBid` / `revealBid` / `forfeitCommit` on an open-auction order.
    error NotSealedAuction(uint256 orderId);
    /// @notice The provider already committed to this order.
    error AlreadyCommitted(uint256 orderId, address provider);
    /// @notice The provider has no (open) commit on this order.
    error NoCommit(uint256 orderId, address provider);
    /// @notice The commit was already revealed.
    error AlreadyRevealed(uint256 orderId, address provider);
    /// @notice The revealed price and salt do not hash to the commitment (or the price is 0 or above the max).
    error InvalidReveal(uint256 orderId, address provider);
    /// @notice Outside the reveal phase (`bidEnd` .. `revealEnd`).
    error NotRevealPhase(uint256 orderId, uint256 bidEnd, uint256 revealEnd);
    /// @notice The reveal phase is not over yet (settle / forfeit too early).
    error RevealOpen(uint256 orderId, uint256 revealEnd);
    /// @notice The caller is not the marketplace's deployer.
    error NotDeployer(address caller);
    /// @notice The lease's start was already attested.
    error AlreadyAttested(uint256 leaseId);
    /// @notice The start deadline has passed (attest too late).
    error StartDeadlinePassed(uint256 leaseId, uint256 startDeadline);
    /// @notice The start deadline has not passed, or the lease was started (cancel too early).
    error StartDeadlineNotPassed(uint256 leaseId, uint256 startDeadline);
    /// @notice The attested spec hash is not the lease's current one.
    error SpecHashMismatch(uint256 leaseId, bytes32 specHash, bytes32 expected);
    /// @notice Two batched arrays differ in length.
    error LengthMismatch(uint256 a, uint256 b);
    /// @notice A reputation score above 100.
    error ScoreOutOfRange(uint256 score);
    /// @notice The sealed auction already holds the most commits it takes.
    error TooManyCommits(uint256 orderId, uint256 max);
    /// @notice A constructor integrity parameter is out of range (`field` names it).
    error InvalidIntegrityParam(bytes32 field);

    // ---------------------------------------------------------------- events

    /// @notice A provider registered. `attributeEpoch` tags the attribute set now in force.
    event ProviderRegistered(
        address indexed provider,
        address indexed operator,
        bytes32 region,
        bytes32[] gpuModels,
        Attribute[] attributes,
        uint32 attributeEpoch
    );
    /// @notice A provider replaced its attributes (the previous set no longer counts).
    event ProviderUpdated(
        address indexed provider, bytes32 region, bytes32[] gpuModels, Attribute[] attributes, uint32 attributeEpoch
    );
    /// @notice A provider named (or cleared, with zero) its operator.
    event OperatorSet(address indexed provider, address indexed operator);
    /// @notice A provider left the market.
    event ProviderDeregistered(address indexed provider);

    /// @notice An order was created and its deposit escrowed. The full order is only in this event.
    /// @param orderHash EIP-712 digest of `order` (what the tenant signs), equal to `hashOrder(order)`.
    /// @param bidEnd Unix time the bid window closes.
    event OrderCreated(
        uint256 indexed orderId, address indexed tenant, bytes32 indexed orderHash, uint40 bidEnd, Order order
    );
    /// @notice The tenant invalidated a nonce without creating an order.
    event NonceInvalidated(address indexed tenant, uint256 nonce);
    /// @notice The tenant cancelled an order without lease; `refund` went back to the tenant.
    event OrderCancelled(uint256 indexed orderId, uint256 refund);
    /// @notice The auction ended without a usable bid; `refund` went back to the tenant.
    event OrderExpired(uint256 indexed orderId, uint256 refund);
    /// @notice A provider (or its operator, `bidder`) placed the new best bid.
    event BidPlaced(uint256 indexed orderId, address indexed provider, address bidder, uint96 pricePerHour);

    /// @notice The auction settled into a lease (`early`: accepted by the tenant before the window closed).
    event LeaseStarted(
        uint256 indexed leaseId,
        address indexed provider,
        address indexed tenant,
        uint96 pricePerHour,
        uint40 startedAt,
        uint40 endsAt,
        uint16 feeBps,
        bool early
    );
    /// @notice `amount` was added to a lease's escrow by `from`.
    event LeaseToppedUp(uint256 indexed leaseId, address indexed from, uint256 amount, uint256 escrow);
    /// @notice Accrued funds were paid to the provider: `amount` gross, of which `fee` kept for the treasury.
    event Withdrawn(uint256 indexed leaseId, address indexed provider, uint256 amount, uint256 fee);
    /// @notice A lease closed: the provider got `providerAmount` gross (incl. `fee`), the tenant `tenantRefund`.
    event LeaseClosed(
        uint256 indexed leaseId,
        address indexed closedBy,
        bytes32 reason,
        uint256 providerAmount,
        uint256 fee,
        uint256 tenantRefund
    );

    /// @notice The lease now runs the manifest `specHash`, its `revision`-th update, authorised by `signer` (the
    /// tenant or one of its delegates). Revision 0 is the order's `specHash` (in `OrderCreated`).
    event LeaseSpecUpdated(uint256 indexed leaseId, bytes32 specHash, uint32 revision, address indexed signer);
    /// @notice `tenant` authorised (or revoked) `delegate` to update the spec of lease `leaseId` (0: all of the
    /// tenant's leases, present and future).
    event DelegateSet(address indexed tenant, address indexed delegate, uint256 indexed leaseId, bool allowed);
    /// @notice The tenant set (all zeros: cleared) the auto top-up rule of a lease.
    event AutoTopUpSet(uint256 indexed leaseId, uint96 amountPerTopUp, uint96 totalCap, uint32 minRunwaySeconds);
    /// @notice `keeper` topped the lease up by `amount` from the tenant's allowance under its rule; `used` is
    /// the running total of the lease's auto top-ups. `LeaseToppedUp` (from = tenant) follows it.
    event AutoToppedUp(uint256 indexed leaseId, address indexed keeper, uint256 amount, uint256 used);

    /// @notice The owner named (or cleared) the marketplace's deployer, the key that attests starts, downtime
    /// and reputation.
    event DeployerSet(address indexed oldDeployer, address indexed newDeployer);
    /// @notice A provider added `amount` to its bond, now `total`.
    event BondDeposited(address indexed provider, uint256 amount, uint256 total);
    /// @notice A provider moved `amount` of free bond to unbonding (all of it payable from `unbondAt`).
    event BondWithdrawalRequested(address indexed provider, uint256 amount, uint40 unbondAt);
    /// @notice A provider withdrew `amount` of unbonded bond.
    event BondWithdrawn(address indexed provider, uint256 amount);
    /// @notice `amount` of the provider's bond went to `to` (the tenant) for lease/order `leaseId`; `reason`
    /// is "start" (never started), "sla" (downtime beyond earnings) or "forfeit" (unrevealed commit).
    event BondSlashed(address indexed provider, uint256 indexed leaseId, uint256 amount, address to, bytes32 reason);
    /// @notice A provider (or its operator, `bidder`) committed a sealed bid.
    event BidCommitted(uint256 indexed orderId, address indexed provider, address bidder);
    /// @notice A provider revealed its sealed bid.
    event BidRevealed(uint256 indexed orderId, address indexed provider, uint96 price);
    /// @notice An unrevealed commit lost `amount` of its lock to the tenant; the rest was released.
    event CommitForfeited(uint256 indexed orderId, address indexed provider, uint256 amount);
    /// @notice The deployer attested that the lease runs `specHash`; it accrues from `startedAt` to `endsAt`.
    event LeaseStartAttested(uint256 indexed leaseId, bytes32 specHash, uint40 startedAt, uint40 endsAt);
    /// @notice A lease never attested within its start deadline was cancelled: the tenant got `refund` (the
    /// whole escrow) plus `slashed` from the provider's bond.
    event LeaseUnstarted(uint256 indexed leaseId, uint256 refund, uint256 slashed);
    /// @notice `downtimeSeconds` of attested downtime refunded to the tenant: `fromEarnings` out of the
    /// provider's earned share, `fromBond` out of its bond.
    event DowntimeRefunded(uint256 indexed leaseId, uint32 downtimeSeconds, uint256 fromEarnings, uint256 fromBond);
    /// @notice The deployer attested a provider's reputation score (0..100).
    event ReputationAttested(address indexed provider, uint8 score);

    /// @notice The protocol fee changed.
    event FeeSet(uint16 oldFeeBps, uint16 newFeeBps);
    /// @notice The treasury changed.
    event TreasurySet(address indexed oldTreasury, address indexed newTreasury);
    /// @notice Accumulated fees were sent to the treasury.
    event FeesClaimed(address indexed treasury, uint256 amount);

    // ---------------------------------------------------------------- providers





    // ---------------------------------------------------------------- orders

    /// @notice Create an order as its tenant; the deposit is pulled by allowance.
    /// @param order The order; `order.tenant` must be the caller.
    /// @return orderId The new order (and future lease) id.
    function createOrder(Order calldata order) external returns (uint256 orderId);

    /// @notice Relay an order signed by its tenant (EOA or ERC-1271); the deposit is pulled by allowance.
    /// @param order The order.
    /// @param signature The tenant's EIP-712 signature over `order`.
    /// @return orderId The new order id.
    function createOrderWithSignature(Order calldata order, bytes calldata signature) external returns (uint256 orderId);

    /// @notice Relay a signed order and fund it with an EIP-2612 permit for exactly `order.deposit`.
    /// @dev A permit front-run by someone else is tolerated: the transfer then relies on the allowance it set.
    /// @param order The order.
    /// @param signature The tenant's EIP-712 signature over `order`.
    /// @param permitDeadline Deadline of the permit.
    /// @param v Permit signature v.
    /// @param r Permit signature r.
    /// @param s Permit signature s.
    /// @return orderId The new order id.
    function createOrderWithPermit(
        Order calldata order,
        bytes calldata signature,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 orderId);



    // ---------------------------------------------------------------- auction

    /// @notice Bid `pricePerHour` for `provider` (as the provider or its operator) while the window is open.
    /// @dev Must not exceed the max price and must be strictly lower than the best bid; only the best bid is
    /// stored. `requiredAttributes` must repeat the order's list (from `OrderCreated`), checked by tag.
    /// @param orderId The order.
    /// @param provider The registered provider bidding.
    /// @param pricePerHour Price in token base units per hour.
    /// @param requiredAttributes The order's `requiredAttributes`, verbatim.
    function placeBid(uint256 orderId, address provider, uint96 pricePerHour, bytes32[] calldata requiredAttributes)
        external;

    /// @notice After the bid window, start the lease with the best bid, or refund the tenant if there is none.
    /// @param orderId The order.
    function settle(uint256 orderId) external;

    /// @notice Tenant only: accept the best bid now, before the window closes.
    /// @param orderId The order.
    function acceptBid(uint256 orderId) external;

    // ---------------------------------------------------------------- leases

    /// @notice Pay the provider what the lease has accrued and not yet paid (minus the protocol fee).
    /// @dev Anyone may call; funds only ever go to the provider.
    /// @param leaseId The lease.
    function withdraw(uint256 leaseId) external;


    /// @notice Close a lease: pay the provider its accrual, refund the tenant the unspent rest.
    /// @dev Tenant, provider or operator may close any time; anyone once escrow or duration is used up.
    /// @param leaseId The lease.
    /// @param reason Free-form reason recorded in `LeaseClosed` (bytes32 text).
    function closeLease(uint256 leaseId, bytes32 reason) external;






    // ---------------------------------------------------------------- admin

    // ---------------------------------------------------------------- views





    /// @notice The EIP-712 digest a tenant signs for `order`.
    /// @param order The order.
    /// @return The digest.
    function hashOrder(Order calldata order) external view returns (bytes32);

    // ---------------------------------------------------------------- providers, cancellation, admin

    /// @notice Register the caller as a provider with its attributes and an optional operator.
    /// @param operator Address allowed to bid and close for the provider (zero for none).
    /// @param region Region text, stored as attribute ("region", region) when non-zero.
    /// @param gpuModels GPU models, each stored as attribute ("gpu", model).
    /// @param attributes Free-form key/value attributes.
    function registerProvider(
        address operator,
        bytes32 region,
        bytes32[] calldata gpuModels,
        Attribute[] calldata attributes
    ) external;

    /// @notice Replace the caller's attributes; the previous set stops counting at once.
    /// @param region Region text (zero: none).
    /// @param gpuModels GPU models.
    /// @param attributes Free-form key/value attributes.
    function updateProvider(bytes32 region, bytes32[] calldata gpuModels, Attribute[] calldata attributes) external;

    /// @notice Name (or clear with zero) the operator that may bid and close leases for the caller.
    /// @param operator The new operator.
    function setOperator(address operator) external;

    /// @notice Leave the market; only without active leases.
    function deregisterProvider() external;

    /// @notice Cancel an open order (no lease yet) and refund the whole escrow to the tenant.
    /// @param orderId The order.
    function cancelOrder(uint256 orderId) external;

    /// @notice Burn one of the caller's nonces so a signed order using it can never be created.
    /// @param nonce The nonce.
    function invalidateNonce(uint256 nonce) external;

    /// @notice Owner: set the protocol fee (basis points of provider payouts) for leases settled from now on.
    /// @param newFeeBps At most `maxFeeBps`.
    function setFee(uint16 newFeeBps) external;

    /// @notice Owner: set the address fees are sent to.
    /// @param newTreasury Non-zero address.
    function setTreasury(address newTreasury) external;

    /// @notice Send all accumulated fees to the treasury (anyone may call).
    function claimFees() external;

    /// @notice What `withdraw` would pay now, gross of fee.
    /// @param leaseId The lease.
    /// @return Token base units.
    function withdrawable(uint256 leaseId) external view returns (uint256);

    /// @notice Gross amount the provider has earned so far (paid or not).
    /// @param leaseId The lease.
    /// @return Token base units.
    function accrued(uint256 leaseId) external view returns (uint256);
}
