// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IComputeMarket} from "./interfaces/IComputeMarket.sol";
import {MarketStorage} from "./MarketStorage.sol";
import {ComputeMarketExtension} from "./ComputeMarketExtension.sol";
import {Order, OrderLib} from "./libraries/OrderLib.sol";
import {LeaseUpdate, LeaseUpdateLib} from "./libraries/LeaseUpdateLib.sol";

/// @title ComputeMarket
/// @notice KubeBid's on-chain market: EIP-712 orders with an escrowed deposit, an open descending (reverse)
/// auction among registered providers, and leases paid per second from the escrow.
/// @dev Storage is laid out for the gas targets (createOrder <= 160k, placeBid <= 50k, settle <= 120k,
/// withdraw <= 60k): an order and the lease it turns into share three slots (`OrderState`); the full
/// order lives only in the `OrderCreated` event. Fee-on-transfer and rebasing tokens are not supported.
/// Reentrancy: OZ's transient-storage guard (EIP-1153; the same `nonReentrant` semantics as
/// `ReentrancyGuard`, ~5k gas cheaper per call) on every function that moves tokens.
contract ComputeMarket is MarketStorage, IComputeMarket {
    using SafeERC20 for IERC20;
    using OrderLib for Order;

    /// @notice The contract serving the cold paths (`IComputeMarketExtension`), delegatecalled by `fallback`.
    address public immutable extension;

    /// @param token_ Payment token.
    /// @param owner_ Admin (fee, treasury, deployer).
    /// @param treasury_ Fee recipient.
    /// @param feeBps_ Initial protocol fee, at most `MAX_FEE_BPS`.
    /// @param params Integrity parameters.
    constructor(IERC20 token_, address owner_, address treasury_, uint16 feeBps_, IntegrityParams memory params)
        MarketStorage(token_, owner_, treasury_, feeBps_, params)
    {
        extension = address(new ComputeMarketExtension(token_, owner_, treasury_, feeBps_, params));
        emit TreasurySet(address(0), treasury_);
        emit FeeSet(0, feeBps_);
    }

    /// @dev Every selector this contract does not implement runs in `extension` on this contract's storage.
    fallback() external {
        address ext = extension;
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), ext, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    // ================================================================ providers

    /// @inheritdoc IComputeMarket
    function registerProvider(
        address operator,
        bytes32 region,
        bytes32[] calldata gpuModels,
        Attribute[] calldata attributes
    ) external {
        ProviderInfo storage p = _providers[msg.sender];
        if (p.registered) revert ProviderAlreadyRegistered(msg.sender);
        uint32 epoch = p.attributeEpoch + 1;
        p.operator = operator;
        p.attributeEpoch = epoch;
        p.registered = true;
        _writeAttributes(epoch, region, gpuModels, attributes);
        emit ProviderRegistered(msg.sender, operator, region, gpuModels, attributes, epoch);
    }

    /// @inheritdoc IComputeMarket
    function updateProvider(bytes32 region, bytes32[] calldata gpuModels, Attribute[] calldata attributes) external {
        ProviderInfo storage p = _providers[msg.sender];
        if (!p.registered) revert ProviderNotRegistered(msg.sender);
        uint32 epoch = p.attributeEpoch + 1;
        p.attributeEpoch = epoch;
        _writeAttributes(epoch, region, gpuModels, attributes);
        emit ProviderUpdated(msg.sender, region, gpuModels, attributes, epoch);
    }

    /// @inheritdoc IComputeMarket
    function setOperator(address operator) external {
        ProviderInfo storage p = _providers[msg.sender];
        if (!p.registered) revert ProviderNotRegistered(msg.sender);
        p.operator = operator;
        emit OperatorSet(msg.sender, operator);
    }

    /// @inheritdoc IComputeMarket
    function deregisterProvider() external {
        ProviderInfo storage p = _providers[msg.sender];
        if (!p.registered) revert ProviderNotRegistered(msg.sender);
        if (p.activeLeases != 0) revert ProviderHasActiveLeases(msg.sender, p.activeLeases);
        // Keep the epoch: a later registration bumps it, so attributes from before can never come back.
        p.registered = false;
        p.operator = address(0);
        emit ProviderDeregistered(msg.sender);
    }

    function _writeAttributes(
        uint32 epoch,
        bytes32 region,
        bytes32[] calldata gpuModels,
        Attribute[] calldata attributes
    ) private {
        uint256 count =
            gpuModels.length + attributes.length + (region == bytes32(0) ? 0 : 1);
        if (count > MAX_PROVIDER_ATTRIBUTES) revert TooManyAttributes(count, MAX_PROVIDER_ATTRIBUTES);
        mapping(bytes32 => uint32) storage held = _attributeEpochs[msg.sender];
        if (region != bytes32(0)) held[OrderLib.attributeId(REGION_KEY, region)] = epoch;
        for (uint256 i; i < gpuModels.length; ++i) {
            held[OrderLib.attributeId(GPU_KEY, gpuModels[i])] = epoch;
        }
        for (uint256 i; i < attributes.length; ++i) {
            held[OrderLib.attributeId(attributes[i].key, attributes[i].value)] = epoch;
        }
    }

    // ================================================================ orders

    /// @inheritdoc IComputeMarket
    function createOrder(Order calldata order) external nonReentrant returns (uint256 orderId) {
        if (msg.sender != order.tenant) revert CallerNotTenant(msg.sender, order.tenant);
        orderId = _createOrder(order, _hashTypedDataV4(order.hash()));
    }

    /// @inheritdoc IComputeMarket
    function createOrderWithSignature(Order calldata order, bytes calldata signature)
        external
        nonReentrant
        returns (uint256 orderId)
    {
        orderId = _createOrder(order, _verifiedDigest(order, signature));
    }

    /// @inheritdoc IComputeMarket
    function createOrderWithPermit(
        Order calldata order,
        bytes calldata signature,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 orderId) {
        bytes32 digest = _verifiedDigest(order, signature);
        // A griefer may submit the permit first; then it reverts here but the allowance is in place.
        try IERC20Permit(address(token)).permit(order.tenant, address(this), order.deposit, permitDeadline, v, r, s) {}
            catch {}
        orderId = _createOrder(order, digest);
    }

    /// @inheritdoc IComputeMarket
    function cancelOrder(uint256 orderId) external nonReentrant {
        OrderState storage o = _orders[orderId];
        (address tenant, OrderStatus status) = (o.tenant, o.status);
        if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
        if (msg.sender != tenant) revert NotTenant(orderId, msg.sender);
        o.status = OrderStatus.Cancelled;
        uint256 refund = o.escrow;
        emit OrderCancelled(orderId, refund);
        token.safeTransfer(tenant, refund);
    }

    /// @inheritdoc IComputeMarket
    function invalidateNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceInvalidated(msg.sender, nonce);
    }

    function _verifiedDigest(Order calldata order, bytes calldata signature) private view returns (bytes32 digest) {
        digest = _hashTypedDataV4(order.hash());
        if (!SignatureChecker.isValidSignatureNowCalldata(order.tenant, digest, signature)) {
            revert InvalidSignature(order.tenant, digest);
        }
    }

    /// @dev Checks, consumes the nonce, stores the three slots, emits, then pulls the deposit (CEI).
    function _createOrder(Order calldata order, bytes32 digest) private returns (uint256 orderId) {
        _validate(order);
        _useNonce(order.tenant, order.nonce);

        orderId = nextOrderId;
        // forge-lint: disable-next-line(unsafe-typecast) — 2^64 orders will not happen
        nextOrderId = uint64(orderId + 1);
        // forge-lint: disable-next-line(unsafe-typecast) — timestamp + 30 days fits 40 bits for 34k years
        uint40 bidEnd = uint40(block.timestamp + order.bidWindow);
        _orders[orderId] = OrderState({
            tenant: order.tenant,
            status: OrderStatus.Open,
            feeBps: 0,
            bidEnd: bidEnd,
            duration: order.duration,
            bestProvider: address(0),
            bestPrice: order.maxPricePerHour + 1,
            escrow: order.deposit,
            paidOut: 0,
            requirementsTag: OrderLib.requirementsTag(order.requiredAttributes)
        });
        emit OrderCreated(orderId, order.tenant, digest, bidEnd, order);
        token.safeTransferFrom(order.tenant, address(this), order.deposit);
    }

    function _validate(Order calldata order) private view {
        if (block.timestamp > order.deadline) revert OrderDeadlinePassed(order.deadline, block.timestamp);
        if (order.duration == 0) revert InvalidOrderField("duration");
        if (order.bidWindow == 0 || order.bidWindow > MAX_BID_WINDOW) revert InvalidOrderField("bidWindow");
        if (order.maxPricePerHour == 0 || order.maxPricePerHour == type(uint96).max) {
            revert InvalidOrderField("maxPricePerHour");
        }
        if (order.deposit == 0) revert InvalidOrderField("deposit");
        if (order.startDeadline < MIN_START_DEADLINE) revert InvalidOrderField("startDeadline");
        if (order.auctionFormat > OrderLib.FORMAT_SEALED) revert InvalidOrderField("auctionFormat");
        if (order.auctionFormat == OrderLib.FORMAT_SEALED
                ? order.revealWindow == 0 || order.revealWindow > MAX_REVEAL_WINDOW
                : order.revealWindow != 0) revert InvalidOrderField("revealWindow");
        if (order.minReputation > MAX_REPUTATION) revert InvalidOrderField("minReputation");
        uint256 required = order.requiredAttributes.length;
        if (required > OrderLib.MAX_REQUIRED_ATTRIBUTES) {
            revert TooManyRequiredAttributes(required, OrderLib.MAX_REQUIRED_ATTRIBUTES);
        }
    }

    function _useNonce(address tenant, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonceBitmap[tenant][nonce >> 8];
        if (bits & bit != 0) revert NonceAlreadyUsed(tenant, nonce);
        _nonceBitmap[tenant][nonce >> 8] = bits | bit;
    }

    // ================================================================ auction

    /// @inheritdoc IComputeMarket
    function placeBid(uint256 orderId, address provider, uint96 pricePerHour, bytes32[] calldata requiredAttributes)
        external
    {
        OrderState storage o = _orders[orderId];
        (OrderStatus status, uint40 bidEnd) = (o.status, o.bidEnd);
        if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
        if (block.timestamp >= bidEnd) revert BiddingClosed(orderId, bidEnd);
        if (pricePerHour == 0) revert ZeroPrice(orderId);
        uint96 best = o.bestPrice;
        if (pricePerHour >= best) {
            if (o.bestProvider == address(0)) revert PriceAboveMax(orderId, pricePerHour, best - 1);
            revert BidNotLower(orderId, pricePerHour, best);
        }

        ProviderInfo memory p = _providers[provider];
        if (!p.registered) revert ProviderNotRegistered(provider);
        if (msg.sender != provider && msg.sender != p.operator) revert NotProviderOrOperator(msg.sender, provider);

        uint64 tag = o.requirementsTag;
        if (tag != 0 || requiredAttributes.length != 0) {
            // Bounded: a matching tag implies the list is the order's, which has at most 8 entries.
            if (OrderLib.requirementsTag(requiredAttributes) != tag) revert RequirementsMismatch(orderId);
            mapping(bytes32 => uint32) storage held = _attributeEpochs[provider];
            for (uint256 i; i < requiredAttributes.length; ++i) {
                if (held[requiredAttributes[i]] != p.attributeEpoch) {
                    revert MissingAttribute(provider, requiredAttributes[i]);
                }
            }
        }

        o.bestProvider = provider;
        o.bestPrice = pricePerHour;
        emit BidPlaced(orderId, provider, msg.sender, pricePerHour);
    }

    /// @inheritdoc IComputeMarket
    function settle(uint256 orderId) external nonReentrant {
        OrderState storage o = _orders[orderId];
        (OrderStatus status, uint40 bidEnd) = (o.status, o.bidEnd);
        if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
        if (block.timestamp < bidEnd) revert BiddingOpen(orderId, bidEnd);
        address winner = o.bestProvider;
        // A winner that deregistered since bidding cannot serve: treat the auction as failed.
        if (winner == address(0) || !_providers[winner].registered) {
            o.status = OrderStatus.Expired;
            uint256 refund = o.escrow;
            emit OrderExpired(orderId, refund);
            token.safeTransfer(o.tenant, refund);
            return;
        }
        _startLease(orderId, o, winner, false);
    }

    /// @inheritdoc IComputeMarket
    function acceptBid(uint256 orderId) external {
        OrderState storage o = _orders[orderId];
        (address tenant, OrderStatus status) = (o.tenant, o.status);
        if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
        if (msg.sender != tenant) revert NotTenant(orderId, msg.sender);
        address winner = o.bestProvider;
        if (winner == address(0)) revert NoBid(orderId);
        if (!_providers[winner].registered) revert ProviderNotRegistered(winner);
        _startLease(orderId, o, winner, true);
    }

    function _startLease(uint256 leaseId, OrderState storage o, address winner, bool early) private {
        uint16 fee = feeBps;
        // forge-lint: disable-next-line(unsafe-typecast) — fits 40 bits for 34k years
        uint40 startedAt = uint40(block.timestamp);
        o.status = OrderStatus.Active;
        o.bidEnd = startedAt;
        o.feeBps = fee;
        ++_providers[winner].activeLeases;
        emit LeaseStarted(leaseId, winner, o.tenant, o.bestPrice, startedAt, startedAt + o.duration, fee, early);
    }

    // ================================================================ leases

    /// @inheritdoc IComputeMarket
    function withdraw(uint256 leaseId) external nonReentrant {
        OrderState memory s = _load(leaseId);
        if (s.status != OrderStatus.Active) revert UnexpectedStatus(leaseId, s.status);
        uint256 earned = _accrued(s, block.timestamp);
        uint256 amount = earned - s.paidOut;
        if (amount == 0) revert NothingToWithdraw(leaseId);
        // forge-lint: disable-next-line(unsafe-typecast) — earned <= escrow, a uint96
        _orders[leaseId].paidOut = uint96(earned);
        uint256 fee = _takeFee(amount, s.feeBps);
        emit Withdrawn(leaseId, s.bestProvider, amount, fee);
        token.safeTransfer(s.bestProvider, amount - fee);
    }

    /// @inheritdoc IComputeMarket
    function topUp(uint256 leaseId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _addToEscrow(leaseId, _loadRunning(leaseId).escrow, amount, msg.sender);
    }

    /// @dev Adds `amount` to the escrow, emits, then pulls it from `from` (CEI).
    function _addToEscrow(uint256 leaseId, uint256 escrow, uint256 amount, address from) private {
        escrow += amount;
        if (escrow > type(uint96).max) revert EscrowOverflow(leaseId);
        // forge-lint: disable-next-line(unsafe-typecast) — bounded just above
        _orders[leaseId].escrow = uint96(escrow);
        emit LeaseToppedUp(leaseId, from, amount, escrow);
        token.safeTransferFrom(from, address(this), amount);
    }

    /// @inheritdoc IComputeMarket
    function closeLease(uint256 leaseId, bytes32 reason) external nonReentrant {
        OrderState memory s = _load(leaseId);
        if (s.status != OrderStatus.Active) revert UnexpectedStatus(leaseId, s.status);
        uint256 now_ = block.timestamp;
        if (
            msg.sender != s.tenant && msg.sender != s.bestProvider && !_isOver(s, now_)
                && msg.sender != _providers[s.bestProvider].operator
        ) revert NotAuthorizedToClose(leaseId, msg.sender);

        uint256 earned = _accrued(s, now_);
        OrderState storage o = _orders[leaseId];
        o.status = OrderStatus.Closed;
        // forge-lint: disable-next-line(unsafe-typecast) — earned <= escrow, a uint96
        o.paidOut = uint96(earned);
        --_providers[s.bestProvider].activeLeases;

        uint256 providerAmount = earned - s.paidOut;
        uint256 fee = _takeFee(providerAmount, s.feeBps);
        uint256 refund = s.escrow - earned;
        emit LeaseClosed(leaseId, msg.sender, reason, providerAmount, fee, refund);
        if (providerAmount > fee) token.safeTransfer(s.bestProvider, providerAmount - fee);
        if (refund != 0) token.safeTransfer(s.tenant, refund);
    }

    // ================================================================ updates, delegates, auto top-up

    /// @inheritdoc IComputeMarket
    function updateLeaseSpec(LeaseUpdate calldata update, address signer, bytes calldata signature) external {
        if (block.timestamp > update.deadline) revert LeaseUpdateExpired(update.deadline, block.timestamp);
        uint32 revision = _leaseCounters[update.leaseId].specRevision;
        if (update.nonce != revision) revert InvalidLeaseUpdateNonce(update.leaseId, update.nonce, revision);
        bytes32 digest = _leaseUpdateDigest(update);
        if (!SignatureChecker.isValidSignatureNowCalldata(signer, digest, signature)) {
            revert InvalidSignature(signer, digest);
        }
        _setSpec(update.leaseId, update.specHash, signer, revision);
    }

    /// @inheritdoc IComputeMarket
    function setLeaseSpec(uint256 leaseId, bytes32 specHash) external {
        _setSpec(leaseId, specHash, msg.sender, _leaseCounters[leaseId].specRevision);
    }

    /// @dev Checks the lease runs and `signer` (already authenticated by the caller) may update it, then bumps
    /// the revision, stores the hash and emits. No tokens move, so no reentrancy guard is needed.
    function _setSpec(uint256 leaseId, bytes32 specHash, address signer, uint32 revision) private {
        if (specHash == bytes32(0)) revert ZeroSpecHash();
        address tenant = _loadRunning(leaseId).tenant;
        if (signer != tenant && !_isDelegate(tenant, signer, leaseId)) revert NotTenantOrDelegate(leaseId, signer);
        uint32 next = revision + 1;
        _specHashes[leaseId] = specHash;
        _leaseCounters[leaseId].specRevision = next;
        emit LeaseSpecUpdated(leaseId, specHash, next, signer);
    }

    /// @inheritdoc IComputeMarket
    function setDelegate(address delegate, uint256 leaseId, bool allowed) external {
        if (delegate == address(0)) revert ZeroAddress();
        if (leaseId != 0 && _orders[leaseId].tenant != msg.sender) revert NotTenant(leaseId, msg.sender);
        _delegates[msg.sender][delegate][leaseId] = allowed;
        emit DelegateSet(msg.sender, delegate, leaseId, allowed);
    }

    /// @inheritdoc IComputeMarket
    function setAutoTopUp(uint256 leaseId, uint96 amountPerTopUp, uint96 totalCap, uint32 minRunwaySeconds) external {
        OrderState storage o = _orders[leaseId];
        (address tenant, OrderStatus status) = (o.tenant, o.status);
        if (msg.sender != tenant) revert NotTenant(leaseId, msg.sender);
        if (status != OrderStatus.Open && status != OrderStatus.Active) revert UnexpectedStatus(leaseId, status);
        bool clear = amountPerTopUp == 0 && totalCap == 0 && minRunwaySeconds == 0;
        if (!clear && (amountPerTopUp == 0 || totalCap < amountPerTopUp || minRunwaySeconds == 0)) {
            revert InvalidAutoTopUpRule();
        }
        _autoTopUps[leaseId] = AutoTopUpRule(amountPerTopUp, totalCap, minRunwaySeconds);
        emit AutoTopUpSet(leaseId, amountPerTopUp, totalCap, minRunwaySeconds);
    }

    /// @inheritdoc IComputeMarket
    function autoTopUp(uint256 leaseId) external nonReentrant {
        AutoTopUpRule memory rule = _autoTopUps[leaseId];
        uint256 amount = rule.amountPerTopUp;
        if (amount == 0) revert NoAutoTopUpRule(leaseId);
        OrderState memory s = _loadRunning(leaseId);
        uint256 now_ = block.timestamp;

        // Runway in whole seconds the unspent escrow still pays for. Not due when it covers the rest of the
        // lease anyway (the top-up would only come back as a refund) or lasts at least `minRunwaySeconds`.
        uint256 runway = (s.escrow - _accrued(s, now_)) * SECONDS_PER_HOUR / s.bestPrice;
        bool coversLease = uint256(s.bestPrice) * s.duration / SECONDS_PER_HOUR <= s.escrow;
        if (coversLease || runway >= rule.minRunwaySeconds) {
            revert RunwayNotLow(leaseId, runway, rule.minRunwaySeconds);
        }

        LeaseCounters storage c = _leaseCounters[leaseId];
        uint256 used = c.autoTopUpUsed + amount;
        if (used > rule.totalCap) revert AutoTopUpCapReached(leaseId, c.autoTopUpUsed, amount, rule.totalCap);
        // forge-lint: disable-next-line(unsafe-typecast) — used <= totalCap, a uint96
        c.autoTopUpUsed = uint96(used);
        emit AutoToppedUp(leaseId, msg.sender, amount, used);
        _addToEscrow(leaseId, s.escrow, amount, s.tenant);
    }

    /// @dev One copy of the three-slot load for every caller: inlined, each copy costs ~0.4 kB of bytecode, and
    /// the contract must stay under the EIP-170 size limit (24,576 bytes).
    function _load(uint256 id) private view returns (OrderState memory) {
        return _orders[id];
    }

    /// @dev A lease that is running: active, and neither exhausted nor past its duration. An exhausted or
    /// finished lease may not be revived or changed: the provider may have stopped serving.
    function _loadRunning(uint256 leaseId) private view returns (OrderState memory s) {
        s = _load(leaseId);
        if (s.status != OrderStatus.Active) revert UnexpectedStatus(leaseId, s.status);
        if (_isOver(s, block.timestamp)) revert LeaseOver(leaseId);
    }

    /// @dev Gross earnings at time `t`: `pricePerHour * seconds / 3600`, rounded down, capped by the escrow.
    /// Always computed from the lease start (never as a sum of per-withdrawal pieces), so rounding loses at
    /// most one base unit per lease over its whole life, in the tenant's favour, whatever the withdraw cadence.
    function _accrued(OrderState memory s, uint256 t) private pure returns (uint256) {
        uint256 elapsed = t - s.bidEnd;
        if (elapsed > s.duration) elapsed = s.duration;
        uint256 earned = uint256(s.bestPrice) * elapsed / SECONDS_PER_HOUR;
        return earned < s.escrow ? earned : s.escrow;
    }

    /// @dev Duration over, or escrow fully earned.
    function _isOver(OrderState memory s, uint256 t) private pure returns (bool) {
        return t >= uint256(s.bidEnd) + s.duration || _accrued(s, t) >= s.escrow;
    }

    /// @dev Fee rounds down (in the provider's favour); kept in `feesAccrued` until claimed.
    function _takeFee(uint256 amount, uint16 bps) private returns (uint256 fee) {
        fee = amount * bps / BPS;
        // forge-lint: disable-next-line(unsafe-typecast) — fee <= 10% of a uint96 escrow amount
        if (fee != 0) feesAccrued += uint96(fee);
    }

    // ================================================================ admin

    // ================================================================ views

    /// @inheritdoc IComputeMarket
    function getOrder(uint256 orderId) external view returns (OrderInfo memory info) {
        OrderState memory s = _load(orderId);
        bool hasBid = s.bestProvider != address(0);
        info = OrderInfo({
            tenant: s.tenant,
            status: s.status,
            bidEnd: s.bidEnd,
            duration: s.duration,
            escrow: s.escrow,
            bestProvider: s.bestProvider,
            bestPrice: hasBid ? s.bestPrice : 0,
            requirementsTag: s.requirementsTag,
            auctionFormat: 0,
            minReputation: 0,
            startDeadline: 0
        });
    }

    /// @inheritdoc IComputeMarket
    function getLease(uint256 leaseId) external view returns (LeaseInfo memory info) {
        OrderState memory s = _load(leaseId);
        info.tenant = s.tenant;
        info.status = s.status;
        if (s.status != OrderStatus.Active && s.status != OrderStatus.Closed) return info;
        info.provider = s.bestProvider;
        info.pricePerHour = s.bestPrice;
        info.startedAt = s.bidEnd;
        info.endsAt = s.bidEnd + s.duration;
        info.feeBps = s.feeBps;
        info.escrow = s.escrow;
        info.paidOut = s.paidOut;
        info.accrued = s.status == OrderStatus.Active ? _accrued(s, block.timestamp) : s.paidOut;
    }

    /// @inheritdoc IComputeMarket
    function accrued(uint256 leaseId) external view returns (uint256) {
        OrderState memory s = _load(leaseId);
        if (s.status == OrderStatus.Active) return _accrued(s, block.timestamp);
        if (s.status == OrderStatus.Closed) return s.paidOut;
        return 0;
    }

    /// @inheritdoc IComputeMarket
    function withdrawable(uint256 leaseId) external view returns (uint256) {
        OrderState memory s = _load(leaseId);
        if (s.status != OrderStatus.Active) return 0;
        return _accrued(s, block.timestamp) - s.paidOut;
    }

    /// @inheritdoc IComputeMarket
    function hashOrder(Order calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(order.hash());
    }
}
