// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IComputeMarket} from "./interfaces/IComputeMarket.sol";
import {MarketStorage} from "./MarketStorage.sol";
import {Order, OrderLib} from "./libraries/OrderLib.sol";

/// @title ComputeMarket
/// @notice KubeBid's on-chain market: EIP-712 orders with an escrowed deposit, an open descending (reverse)
/// or sealed-bid second-price auction among bonded providers, and leases paid per second from the escrow once
/// the marketplace's deployer attests that the workload started.
/// @dev This contract holds the hot paths (orders, bids, settlement, withdraw, close); every other selector
/// falls through to `extension` by delegatecall, on this contract's storage (`MarketStorage`), so both halves
/// stay under EIP-170. Storage is laid out for the gas targets (createOrder <= 160k, placeBid <= 50k,
/// settle <= 120k, withdraw <= 60k): an order and its lease share three slots (`OrderState`), plus one
/// lease slot written at settlement; the full order lives only in the `OrderCreated` event. Fee-on-transfer
/// and rebasing tokens are not supported. Reentrancy: OZ's transient-storage guard on every function that
/// moves tokens.
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
    /// @param extension_ A `ComputeMarketExtension` deployed with the same token and parameters (it cannot be
    /// created here: the market's and the extensions' code together exceed the EIP-3860 initcode limit).
    constructor(
        IERC20 token_,
        address owner_,
        address treasury_,
        uint16 feeBps_,
        IntegrityParams memory params,
        address extension_
    ) MarketStorage(token_, owner_, treasury_, feeBps_, params) {
        MarketStorage ext = MarketStorage(extension_);
        if (extension_.code.length == 0 || ext.token() != token_ || ext.paramsHash() != _paramsHash()) {
            revert InvalidIntegrityParam("extension");
        }
        extension = extension_;
        emit TreasurySet(address(0), treasury_);
        emit FeeSet(0, feeBps_);
    }

    /// @dev Every selector this contract does not implement runs in `extension` on this contract's storage.
    fallback() external {
        _delegate(extension);
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

    function _verifiedDigest(Order calldata order, bytes calldata signature) private view returns (bytes32 digest) {
        digest = _hashTypedDataV4(order.hash());
        if (!SignatureChecker.isValidSignatureNowCalldata(order.tenant, digest, signature)) {
            revert InvalidSignature(order.tenant, digest);
        }
    }

    /// @dev Checks, consumes the nonce, stores the three slots (and the sealed slot for a sealed order), emits,
    /// then pulls the deposit (CEI).
    function _createOrder(Order calldata order, bytes32 digest) private returns (uint256 orderId) {
        _validate(order);
        _useNonce(order.tenant, order.nonce);

        orderId = nextOrderId;
        // forge-lint: disable-next-line(unsafe-typecast) — 2^64 orders will not happen
        nextOrderId = uint64(orderId + 1);
        // forge-lint: disable-next-line(unsafe-typecast) — timestamp + 30 days fits 40 bits for 34k years
        uint40 bidEnd = uint40(block.timestamp + order.bidWindow);
        bool sealed_ = order.auctionFormat == OrderLib.FORMAT_SEALED;
        _orders[orderId] = OrderState({
            tenant: order.tenant,
            status: OrderStatus.Open,
            startDeadline: order.startDeadline,
            bidEnd: bidEnd,
            duration: order.duration,
            bestProvider: address(0),
            bestPrice: sealed_ ? 0 : order.maxPricePerHour + 1,
            escrow: order.deposit,
            paidOut: 0,
            requirementsTag: OrderLib.requirementsTag(order.requiredAttributes),
            minReputation: order.minReputation
        });
        if (sealed_) {
            _sealed[orderId] = SealedState({
                revealEnd: bidEnd + order.revealWindow,
                maxPrice: order.maxPricePerHour,
                secondPrice: 0,
                commits: 0,
                reveals: 0
            });
        }
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
        if (
            order.auctionFormat == OrderLib.FORMAT_SEALED
                ? order.revealWindow == 0 || order.revealWindow > MAX_REVEAL_WINDOW
                : order.revealWindow != 0
        ) revert InvalidOrderField("revealWindow");
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
        // Slot 0 holds everything a bid is screened with: one SLOAD.
        uint32 duration;
        uint56 tag;
        uint8 minReputation;
        {
            OrderStatus status;
            uint40 bidEnd;
            (status, bidEnd, duration, tag, minReputation) =
            (o.status, o.bidEnd, o.duration, o.requirementsTag, o.minReputation);
            if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
            if (block.timestamp >= bidEnd) revert BiddingClosed(orderId, bidEnd);
        }
        if (pricePerHour == 0) revert ZeroPrice(orderId);
        (address prev, uint96 best) = (o.bestProvider, o.bestPrice);
        if (pricePerHour >= best) {
            // A sealed auction keeps its best price at 0 during the bid window.
            if (best == 0) revert SealedAuction(orderId);
            if (prev == address(0)) revert PriceAboveMax(orderId, pricePerHour, best - 1);
            revert BidNotLower(orderId, pricePerHour, best);
        }

        ProviderInfo memory p = _providers[provider];
        _screen(orderId, tag, minReputation, provider, p, requiredAttributes);

        // Bond: the new best locks its bid's share of the lease value, the outbid best gets its lock back.
        uint256 lock = _bondRequired(pricePerHour, duration);
        if (prev == provider) {
            _release(provider, _bondRequired(best, duration) - lock);
        } else {
            _lock(provider, lock);
            if (prev != address(0)) _release(prev, _bondRequired(best, duration));
        }

        o.bestProvider = provider;
        o.bestPrice = pricePerHour;
        emit BidPlaced(orderId, provider, msg.sender, pricePerHour);
    }

    /// @inheritdoc IComputeMarket
    function settle(uint256 orderId) external nonReentrant {
        OrderState storage o = _orders[orderId];
        (OrderStatus status, uint40 bidEnd, uint32 duration) = (o.status, o.bidEnd, o.duration);
        if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
        if (block.timestamp < bidEnd) revert BiddingOpen(orderId, bidEnd);
        (address winner, uint96 price) = (o.bestProvider, o.bestPrice);
        SealedState memory sa = _sealed[orderId];
        uint256 heldLock;
        if (sa.revealEnd != 0) {
            // Sealed: after the reveals; the winner holds the commit lock and is paid the second price.
            if (block.timestamp < sa.revealEnd) revert RevealOpen(orderId, sa.revealEnd);
            heldLock = _bondRequired(sa.maxPrice, duration);
            if (winner != address(0)) {
                _commits[orderId][winner].closed = true;
                price = sa.reveals > 1 ? sa.secondPrice : sa.maxPrice;
                o.bestPrice = price;
            }
        } else {
            heldLock = _bondRequired(price, duration);
        }
        // A winner that deregistered since bidding cannot serve: treat the auction as failed.
        if (winner == address(0) || !_providers[winner].registered) {
            if (winner != address(0)) _release(winner, heldLock);
            o.status = OrderStatus.Expired;
            uint256 refund = o.escrow;
            emit OrderExpired(orderId, refund);
            token.safeTransfer(o.tenant, refund);
            return;
        }
        if (sa.revealEnd != 0) _release(winner, heldLock - _bondRequired(price, duration));
        _startLease(orderId, o, winner, price, false);
    }

    /// @inheritdoc IComputeMarket
    function acceptBid(uint256 orderId) external {
        OrderState storage o = _orders[orderId];
        (address tenant, OrderStatus status) = (o.tenant, o.status);
        if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
        if (msg.sender != tenant) revert NotTenant(orderId, msg.sender);
        if (_sealed[orderId].revealEnd != 0) revert SealedAuction(orderId);
        address winner = o.bestProvider;
        if (winner == address(0)) revert NoBid(orderId);
        if (!_providers[winner].registered) revert ProviderNotRegistered(winner);
        _startLease(orderId, o, winner, o.bestPrice, true);
    }

    /// @dev The lease starts Active but accrues nothing until `attestStart`; the start deadline runs from now.
    function _startLease(uint256 leaseId, OrderState storage o, address winner, uint96 price, bool early) private {
        uint16 fee = feeBps;
        // forge-lint: disable-next-line(unsafe-typecast) — fits 40 bits for 34k years
        uint40 settledAt = uint40(block.timestamp);
        o.status = OrderStatus.Active;
        o.bidEnd = settledAt;
        _leases[leaseId].feeBps = fee;
        ++_providers[winner].activeLeases;
        emit LeaseStarted(leaseId, winner, o.tenant, price, settledAt, settledAt + o.duration, fee, early);
    }

    // ================================================================ leases

    /// @inheritdoc IComputeMarket
    function withdraw(uint256 leaseId) external nonReentrant {
        OrderState memory s = _load(leaseId);
        if (s.status != OrderStatus.Active) revert UnexpectedStatus(leaseId, s.status);
        LeaseState memory ls = _leases[leaseId];
        uint256 earned = _accrued(s, ls, block.timestamp);
        uint256 taken = uint256(s.paidOut) + ls.refunded;
        if (earned <= taken) revert NothingToWithdraw(leaseId);
        uint256 amount = earned - taken;
        // forge-lint: disable-next-line(unsafe-typecast) — paidOut + amount <= earned <= escrow, a uint96
        _orders[leaseId].paidOut = uint96(s.paidOut + amount);
        uint256 fee = _takeFee(amount, ls.feeBps);
        emit Withdrawn(leaseId, s.bestProvider, amount, fee);
        token.safeTransfer(s.bestProvider, amount - fee);
    }

    /// @inheritdoc IComputeMarket
    function closeLease(uint256 leaseId, bytes32 reason) external nonReentrant {
        OrderState memory s = _load(leaseId);
        if (s.status != OrderStatus.Active) revert UnexpectedStatus(leaseId, s.status);
        LeaseState memory ls = _leases[leaseId];
        uint256 now_ = block.timestamp;
        if (
            msg.sender != s.tenant && msg.sender != s.bestProvider && !_isOver(s, ls, now_)
                && msg.sender != _providers[s.bestProvider].operator
        ) revert NotAuthorizedToClose(leaseId, msg.sender);

        uint256 earned = _accrued(s, ls, now_);
        OrderState storage o = _orders[leaseId];
        o.status = OrderStatus.Closed;
        uint256 taken = uint256(s.paidOut) + ls.refunded;
        uint256 providerAmount = earned > taken ? earned - taken : 0;
        // forge-lint: disable-next-line(unsafe-typecast) — at most earned <= escrow, a uint96
        o.paidOut = uint96(s.paidOut + providerAmount);
        --_providers[s.bestProvider].activeLeases;
        _release(s.bestProvider, _bondRequired(s.bestPrice, s.duration));

        uint256 fee = _takeFee(providerAmount, ls.feeBps);
        uint256 refund = s.escrow - earned;
        emit LeaseClosed(leaseId, msg.sender, reason, providerAmount, fee, refund);
        if (providerAmount > fee) token.safeTransfer(s.bestProvider, providerAmount - fee);
        if (refund != 0) token.safeTransfer(s.tenant, refund);
    }

    // ================================================================ providers, cancellation, admin

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
    function updateProvider(bytes32 region, bytes32[] calldata gpuModels, Attribute[] calldata attributes)
        external
    {
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
        // Keep the epoch (and the reputation): a later registration bumps the epoch, so attributes from
        // before can never come back.
        p.registered = false;
        p.operator = address(0);
        emit ProviderDeregistered(msg.sender);
    }

    /// @inheritdoc IComputeMarket
    function cancelOrder(uint256 orderId) external nonReentrant {
        OrderState storage o = _orders[orderId];
        (address tenant, OrderStatus status) = (o.tenant, o.status);
        if (status != OrderStatus.Open) revert UnexpectedStatus(orderId, status);
        if (msg.sender != tenant) revert NotTenant(orderId, msg.sender);
        o.status = OrderStatus.Cancelled;
        // An open auction's best bidder gets its lock back; sealed commits are released by `forfeitCommit`.
        address best = o.bestProvider;
        if (best != address(0) && _sealed[orderId].revealEnd == 0) _release(best, _bondRequired(o.bestPrice, o.duration));
        if (best != address(0) && _sealed[orderId].revealEnd != 0) {
            // A revealed best of a sealed auction still holds its commit lock: release it with the others.
            _commits[orderId][best].closed = true;
            _release(best, _bondRequired(_sealed[orderId].maxPrice, o.duration));
        }
        uint256 refund = o.escrow;
        emit OrderCancelled(orderId, refund);
        token.safeTransfer(tenant, refund);
    }

    /// @inheritdoc IComputeMarket
    function invalidateNonce(uint256 nonce) external {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonceBitmap[msg.sender][nonce >> 8];
        if (bits & bit != 0) revert NonceAlreadyUsed(msg.sender, nonce);
        _nonceBitmap[msg.sender][nonce >> 8] = bits | bit;
        emit NonceInvalidated(msg.sender, nonce);
    }

    /// @inheritdoc IComputeMarket
    function setFee(uint16 newFeeBps) external onlyOwner {
        if (newFeeBps > MAX_FEE_BPS) revert FeeTooHigh(newFeeBps, MAX_FEE_BPS);
        emit FeeSet(feeBps, newFeeBps);
        feeBps = newFeeBps;
    }

    /// @inheritdoc IComputeMarket
    function setTreasury(address newTreasury) external onlyOwner {
        if (newTreasury == address(0)) revert ZeroAddress();
        emit TreasurySet(treasury, newTreasury);
        treasury = newTreasury;
    }

    /// @inheritdoc IComputeMarket
    function claimFees() external nonReentrant {
        uint256 amount = feesAccrued;
        if (amount == 0) revert ZeroAmount();
        feesAccrued = 0;
        address to = treasury;
        emit FeesClaimed(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @inheritdoc IComputeMarket
    function withdrawable(uint256 leaseId) external view returns (uint256) {
        OrderState memory s = _load(leaseId);
        if (s.status != OrderStatus.Active) return 0;
        LeaseState memory ls = _leases[leaseId];
        uint256 earned = _accrued(s, ls, block.timestamp);
        uint256 taken = uint256(s.paidOut) + ls.refunded;
        return earned > taken ? earned - taken : 0;
    }

    /// @inheritdoc IComputeMarket
    function accrued(uint256 leaseId) external view returns (uint256) {
        return _earned(_load(leaseId), _leases[leaseId]);
    }

    function _writeAttributes(
        uint32 epoch,
        bytes32 region,
        bytes32[] calldata gpuModels,
        Attribute[] calldata attributes
    ) private {
        uint256 count = gpuModels.length + attributes.length + (region == bytes32(0) ? 0 : 1);
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

    // ================================================================ views

    /// @inheritdoc IComputeMarket
    function hashOrder(Order calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(order.hash());
    }
}
