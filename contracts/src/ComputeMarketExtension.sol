// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IComputeMarket as I} from "./interfaces/IComputeMarket.sol";
import {IComputeMarketExtension} from "./interfaces/IComputeMarketExtension.sol";
import {MarketStorage} from "./MarketStorage.sol";
import {OrderLib} from "./libraries/OrderLib.sol";
import {LeaseUpdate} from "./libraries/LeaseUpdateLib.sol";

/// @title ComputeMarketExtension
/// @notice The cold paths of `ComputeMarket`, run by delegatecall from the market's fallback on the market's
/// storage (shared through `MarketStorage`): bonds, sealed bids, attestations, reputation, providers, order
/// cancellation, spec updates, delegates, top-ups, admin and views. Calling it directly only touches its
/// own, empty storage and holds no tokens.
contract ComputeMarketExtension is MarketStorage, IComputeMarketExtension {
    using SafeERC20 for IERC20;

    /// @notice The `ComputeMarketViews` serving the read functions, delegatecalled by `fallback`.
    address public immutable views;

    /// @dev Same arguments as the market's, so the immutables match; `views_` likewise.
    constructor(
        IERC20 token_,
        address owner_,
        address treasury_,
        uint16 feeBps_,
        I.IntegrityParams memory params,
        address views_
    ) MarketStorage(token_, owner_, treasury_, feeBps_, params) {
        MarketStorage v = MarketStorage(views_);
        if (views_.code.length == 0 || v.token() != token_ || v.paramsHash() != _paramsHash()) {
            revert I.InvalidIntegrityParam("views");
        }
        views = views_;
    }

    /// @dev The read functions run in `views`, still on the market's storage (a delegatecall keeps the context).
    fallback() external {
        _delegate(views);
    }

    modifier onlyDeployer() {
        if (msg.sender != _deployer) revert I.NotDeployer(msg.sender);
        _;
    }

    // ================================================================ roles and parameters

    /// @inheritdoc IComputeMarketExtension
    function setDeployer(address newDeployer) external onlyOwner {
        emit I.DeployerSet(_deployer, newDeployer);
        _deployer = newDeployer;
    }




    // ================================================================ bonds

    /// @inheritdoc IComputeMarketExtension
    function depositBond(uint256 amount) external nonReentrant {
        if (amount == 0) revert I.ZeroAmount();
        if (!_providers[msg.sender].registered) revert I.ProviderNotRegistered(msg.sender);
        Bond storage b = _bonds[msg.sender];
        uint256 active = b.active + amount;
        if (active + b.unbonding > type(uint96).max) revert I.EscrowOverflow(0);
        // forge-lint: disable-next-line(unsafe-typecast) — bounded just above
        b.active = uint96(active);
        emit I.BondDeposited(msg.sender, amount, active + b.unbonding);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IComputeMarketExtension
    function requestBondWithdrawal(uint256 amount) external {
        if (amount == 0) revert I.ZeroAmount();
        Bond storage b = _bonds[msg.sender];
        (uint256 active, uint256 locked) = (b.active, b.locked);
        uint256 free = active > locked ? active - locked : 0;
        if (amount > free) revert I.InsufficientBond(msg.sender, amount, free);
        // forge-lint: disable-next-line(unsafe-typecast) — timestamp + uint32 fits 40 bits
        uint40 unbondAt = uint40(block.timestamp + _unbondingDelay);
        // forge-lint: disable-next-line(unsafe-typecast) — moved within one uint96 total
        b.active = uint96(active - amount);
        b.unbonding += uint96(amount);
        b.unbondAt = unbondAt;
        emit I.BondWithdrawalRequested(msg.sender, amount, unbondAt);
    }

    /// @inheritdoc IComputeMarketExtension
    function withdrawBond() external nonReentrant {
        Bond storage b = _bonds[msg.sender];
        uint256 amount = b.unbonding;
        if (amount == 0) revert I.NothingUnbonding();
        if (block.timestamp < b.unbondAt) revert I.UnbondingNotOver(b.unbondAt);
        b.unbonding = 0;
        b.unbondAt = 0;
        emit I.BondWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }


    // ================================================================ sealed-bid auction

    /// @inheritdoc IComputeMarketExtension
    function commitBid(uint256 orderId, address provider, bytes32 commitment, bytes32[] calldata requiredAttributes)
        external
    {
        OrderState storage o = _orders[orderId];
        (I.OrderStatus status, uint40 bidEnd, uint32 duration) = (o.status, o.bidEnd, o.duration);
        if (status != I.OrderStatus.Open) revert I.UnexpectedStatus(orderId, status);
        SealedState storage sa = _sealed[orderId];
        if (sa.revealEnd == 0) revert I.NotSealedAuction(orderId);
        if (block.timestamp >= bidEnd) revert I.BiddingClosed(orderId, bidEnd);
        if (commitment == bytes32(0)) revert I.InvalidReveal(orderId, provider);
        _screen(orderId, o.requirementsTag, o.minReputation, provider, _providers[provider], requiredAttributes);
        CommitState storage c = _commits[orderId][provider];
        if (c.commitment != bytes32(0)) revert I.AlreadyCommitted(orderId, provider);
        uint8 commits = sa.commits;
        if (commits == MAX_COMMITS) revert I.TooManyCommits(orderId, MAX_COMMITS);
        _lock(provider, _bondRequired(sa.maxPrice, duration));
        c.commitment = commitment;
        sa.commits = commits + 1;
        emit I.BidCommitted(orderId, provider, msg.sender);
    }

    /// @inheritdoc IComputeMarketExtension
    function revealBid(uint256 orderId, address provider, uint96 price, bytes32 salt) external {
        OrderState storage o = _orders[orderId];
        (I.OrderStatus status, uint40 bidEnd, uint32 duration) = (o.status, o.bidEnd, o.duration);
        if (status != I.OrderStatus.Open) revert I.UnexpectedStatus(orderId, status);
        SealedState memory sa = _sealed[orderId];
        if (sa.revealEnd == 0) revert I.NotSealedAuction(orderId);
        if (block.timestamp < bidEnd || block.timestamp >= sa.revealEnd) {
            revert I.NotRevealPhase(orderId, bidEnd, sa.revealEnd);
        }
        CommitState storage c = _commits[orderId][provider];
        if (c.commitment == bytes32(0)) revert I.NoCommit(orderId, provider);
        if (c.revealed) revert I.AlreadyRevealed(orderId, provider);
        if (price == 0 || price > sa.maxPrice || c.commitment != _commitment(orderId, provider, price, salt)) {
            revert I.InvalidReveal(orderId, provider);
        }
        c.revealed = true;
        c.price = price;
        _rank(orderId, o, provider, price, _bondRequired(sa.maxPrice, duration));
        emit I.BidRevealed(orderId, provider, price);
    }

    /// @dev Files a reveal: the lowest is the best bid (ties: the first), the second-lowest price is kept, and
    /// whoever is not best gets its commit lock back.
    function _rank(uint256 orderId, OrderState storage o, address provider, uint96 price, uint256 lock) private {
        SealedState storage sa = _sealed[orderId];
        (address best, uint96 bestPrice) = (o.bestProvider, o.bestPrice);
        uint96 second = sa.secondPrice;
        if (best == address(0)) {
            o.bestProvider = provider;
            o.bestPrice = price;
        } else if (price < bestPrice) {
            // The previous best drops to second place and loses nothing: its lock is released.
            second = bestPrice;
            o.bestProvider = provider;
            o.bestPrice = price;
            _commits[orderId][best].closed = true;
            _release(best, lock);
        } else {
            if (second == 0 || price < second) second = price;
            _commits[orderId][provider].closed = true;
            _release(provider, lock);
        }
        sa.secondPrice = second;
        ++sa.reveals;
    }

    /// @inheritdoc IComputeMarketExtension
    function forfeitCommit(uint256 orderId, address provider) external nonReentrant {
        OrderState storage o = _orders[orderId];
        (I.OrderStatus status, address tenant, uint32 duration) = (o.status, o.tenant, o.duration);
        SealedState memory sa = _sealed[orderId];
        if (sa.revealEnd == 0) revert I.NotSealedAuction(orderId);
        CommitState storage c = _commits[orderId][provider];
        if (c.commitment == bytes32(0) || c.closed) revert I.NoCommit(orderId, provider);
        if (c.revealed) revert I.AlreadyRevealed(orderId, provider);
        // While Open the reveal window must be over; once settled or expired it is. A cancelled order
        // releases every commit in full: the tenant ended the auction, not the provider.
        if (status == I.OrderStatus.Open && block.timestamp < sa.revealEnd) revert I.RevealOpen(orderId, sa.revealEnd);
        c.closed = true;
        uint256 lock = _bondRequired(sa.maxPrice, duration);
        uint256 amount = status == I.OrderStatus.Cancelled ? 0 : _slash(provider, lock * _forfeitBps / BPS);
        _release(provider, lock);
        emit I.CommitForfeited(orderId, provider, amount);
        if (amount != 0) {
            emit I.BondSlashed(provider, orderId, amount, tenant, "forfeit");
            token.safeTransfer(tenant, amount);
        }
    }




    function _commitment(uint256 orderId, address provider, uint96 price, bytes32 salt)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(orderId, provider, price, salt));
    }

    // ================================================================ attestations

    /// @inheritdoc IComputeMarketExtension
    function attestStart(uint256 leaseId, bytes32 specHash) external onlyDeployer {
        OrderState memory s = _load(leaseId);
        if (s.status != I.OrderStatus.Active) revert I.UnexpectedStatus(leaseId, s.status);
        LeaseState storage ls = _leases[leaseId];
        if (ls.attestedAt != 0) revert I.AlreadyAttested(leaseId);
        uint256 deadline = uint256(s.bidEnd) + s.startDeadline;
        if (block.timestamp > deadline) revert I.StartDeadlinePassed(leaseId, deadline);
        if (specHash == bytes32(0)) revert I.ZeroSpecHash();
        bytes32 current = _specHashes[leaseId];
        if (current != bytes32(0) && current != specHash) revert I.SpecHashMismatch(leaseId, specHash, current);
        // forge-lint: disable-next-line(unsafe-typecast) — fits 40 bits for 34k years
        uint40 startedAt = uint40(block.timestamp);
        ls.attestedAt = startedAt;
        emit I.LeaseStartAttested(leaseId, specHash, startedAt, startedAt + s.duration);
    }

    /// @inheritdoc IComputeMarketExtension
    function cancelUnstarted(uint256 leaseId) external nonReentrant {
        OrderState memory s = _load(leaseId);
        if (s.status != I.OrderStatus.Active) revert I.UnexpectedStatus(leaseId, s.status);
        uint256 deadline = uint256(s.bidEnd) + s.startDeadline;
        if (_leases[leaseId].attestedAt != 0 || block.timestamp <= deadline) {
            revert I.StartDeadlineNotPassed(leaseId, deadline);
        }
        _orders[leaseId].status = I.OrderStatus.Closed;
        --_providers[s.bestProvider].activeLeases;
        // Nothing accrued, nothing was withdrawn or refunded: the whole escrow goes back.
        uint256 lock = _bondRequired(s.bestPrice, s.duration);
        uint256 slashed = _slash(s.bestProvider, lock * _startSlashBps / BPS);
        _release(s.bestProvider, lock);
        emit I.BondSlashed(s.bestProvider, leaseId, slashed, s.tenant, "start");
        emit I.LeaseUnstarted(leaseId, s.escrow, slashed);
        emit I.LeaseClosed(leaseId, msg.sender, "unstarted", 0, 0, s.escrow);
        token.safeTransfer(s.tenant, s.escrow + slashed);
    }

    /// @inheritdoc IComputeMarketExtension
    function attestDowntime(uint256[] calldata leaseIds, uint32[] calldata seconds_)
        external
        onlyDeployer
        nonReentrant
    {
        if (leaseIds.length != seconds_.length) revert I.LengthMismatch(leaseIds.length, seconds_.length);
        for (uint256 i; i < leaseIds.length; ++i) {
            _refundDowntime(leaseIds[i], seconds_[i]);
        }
    }

    /// @dev Refunds `secs` of downtime at the lease price: out of the provider's earned-not-withdrawn share,
    /// the shortfall out of its bond. Skips leases that are not Active and attested.
    function _refundDowntime(uint256 leaseId, uint32 secs) private {
        OrderState memory s = _load(leaseId);
        LeaseState memory ls = _leases[leaseId];
        if (secs == 0 || s.status != I.OrderStatus.Active || ls.attestedAt == 0) return;
        // Priced on the running total (like accrual: never a sum of rounded pieces), so batching loses at most
        // one base unit over the lease's whole life, whatever the deployer's cadence.
        uint256 before = ls.downtimeSeconds;
        uint256 down = before + secs;
        uint256 refund = uint256(s.bestPrice) * down / SECONDS_PER_HOUR - uint256(s.bestPrice) * before / SECONDS_PER_HOUR;
        uint256 earned = _accrued(s, ls, block.timestamp);
        uint256 taken = uint256(s.paidOut) + ls.refunded;
        uint256 available = earned > taken ? earned - taken : 0;
        uint256 fromEarnings = refund < available ? refund : available;
        uint256 fromBond = refund > fromEarnings ? _slash(s.bestProvider, refund - fromEarnings) : 0;
        LeaseState storage l = _leases[leaseId];
        // forge-lint: disable-next-line(unsafe-typecast) — refunded + fromEarnings <= earned <= escrow, a uint96
        l.refunded = uint96(ls.refunded + fromEarnings);
        // forge-lint: disable-next-line(unsafe-typecast) — saturated just here
        l.downtimeSeconds = down > type(uint32).max ? type(uint32).max : uint32(down);
        emit I.DowntimeRefunded(leaseId, secs, fromEarnings, fromBond);
        if (fromBond != 0) emit I.BondSlashed(s.bestProvider, leaseId, fromBond, s.tenant, "sla");
        if (fromEarnings + fromBond != 0) token.safeTransfer(s.tenant, fromEarnings + fromBond);
    }

    /// @inheritdoc IComputeMarketExtension
    function attestReputation(address[] calldata providers, uint8[] calldata scores) external onlyDeployer {
        if (providers.length != scores.length) revert I.LengthMismatch(providers.length, scores.length);
        for (uint256 i; i < providers.length; ++i) {
            uint8 score = scores[i];
            if (score > MAX_REPUTATION) revert I.ScoreOutOfRange(score);
            _providers[providers[i]].reputation = score;
            emit I.ReputationAttested(providers[i], score);
        }
    }

    // ================================================================ providers






    // ================================================================ orders



    // ================================================================ leases: top-ups, updates, delegates

    /// @inheritdoc IComputeMarketExtension
    function topUp(uint256 leaseId, uint256 amount) external nonReentrant {
        if (amount == 0) revert I.ZeroAmount();
        (OrderState memory s,) = _loadRunning(leaseId);
        _addToEscrow(leaseId, s.escrow, amount, msg.sender);
    }

    /// @dev Adds `amount` to the escrow, emits, then pulls it from `from` (CEI).
    function _addToEscrow(uint256 leaseId, uint256 escrow, uint256 amount, address from) private {
        escrow += amount;
        if (escrow > type(uint96).max) revert I.EscrowOverflow(leaseId);
        // forge-lint: disable-next-line(unsafe-typecast) — bounded just above
        _orders[leaseId].escrow = uint96(escrow);
        emit I.LeaseToppedUp(leaseId, from, amount, escrow);
        token.safeTransferFrom(from, address(this), amount);
    }

    /// @inheritdoc IComputeMarketExtension
    function updateLeaseSpec(LeaseUpdate calldata update, address signer, bytes calldata signature) external {
        if (block.timestamp > update.deadline) revert I.LeaseUpdateExpired(update.deadline, block.timestamp);
        uint32 revision = _leaseCounters[update.leaseId].specRevision;
        if (update.nonce != revision) revert I.InvalidLeaseUpdateNonce(update.leaseId, update.nonce, revision);
        bytes32 digest = _leaseUpdateDigest(update);
        if (!SignatureChecker.isValidSignatureNowCalldata(signer, digest, signature)) {
            revert I.InvalidSignature(signer, digest);
        }
        _setSpec(update.leaseId, update.specHash, signer, revision);
    }

    /// @inheritdoc IComputeMarketExtension
    function setLeaseSpec(uint256 leaseId, bytes32 specHash) external {
        _setSpec(leaseId, specHash, msg.sender, _leaseCounters[leaseId].specRevision);
    }

    /// @dev Checks the lease runs and `signer` (already authenticated by the caller) may update it, then bumps
    /// the revision, stores the hash and emits. No tokens move, so no reentrancy guard is needed.
    function _setSpec(uint256 leaseId, bytes32 specHash, address signer, uint32 revision) private {
        if (specHash == bytes32(0)) revert I.ZeroSpecHash();
        (OrderState memory s,) = _loadRunning(leaseId);
        address tenant = s.tenant;
        if (signer != tenant && !_isDelegate(tenant, signer, leaseId)) revert I.NotTenantOrDelegate(leaseId, signer);
        uint32 next = revision + 1;
        _specHashes[leaseId] = specHash;
        _leaseCounters[leaseId].specRevision = next;
        emit I.LeaseSpecUpdated(leaseId, specHash, next, signer);
    }

    /// @inheritdoc IComputeMarketExtension
    function setDelegate(address delegate, uint256 leaseId, bool allowed) external {
        if (delegate == address(0)) revert I.ZeroAddress();
        if (leaseId != 0 && _orders[leaseId].tenant != msg.sender) revert I.NotTenant(leaseId, msg.sender);
        _delegates[msg.sender][delegate][leaseId] = allowed;
        emit I.DelegateSet(msg.sender, delegate, leaseId, allowed);
    }

    /// @inheritdoc IComputeMarketExtension
    function setAutoTopUp(uint256 leaseId, uint96 amountPerTopUp, uint96 totalCap, uint32 minRunwaySeconds)
        external
    {
        OrderState storage o = _orders[leaseId];
        (address tenant, I.OrderStatus status) = (o.tenant, o.status);
        if (msg.sender != tenant) revert I.NotTenant(leaseId, msg.sender);
        if (status != I.OrderStatus.Open && status != I.OrderStatus.Active) revert I.UnexpectedStatus(leaseId, status);
        bool clear = amountPerTopUp == 0 && totalCap == 0 && minRunwaySeconds == 0;
        if (!clear && (amountPerTopUp == 0 || totalCap < amountPerTopUp || minRunwaySeconds == 0)) {
            revert I.InvalidAutoTopUpRule();
        }
        _autoTopUps[leaseId] = I.AutoTopUpRule(amountPerTopUp, totalCap, minRunwaySeconds);
        emit I.AutoTopUpSet(leaseId, amountPerTopUp, totalCap, minRunwaySeconds);
    }

    /// @inheritdoc IComputeMarketExtension
    function autoTopUp(uint256 leaseId) external nonReentrant {
        I.AutoTopUpRule memory rule = _autoTopUps[leaseId];
        uint256 amount = rule.amountPerTopUp;
        if (amount == 0) revert I.NoAutoTopUpRule(leaseId);
        (OrderState memory s, LeaseState memory ls) = _loadRunning(leaseId);

        // Runway in whole seconds the unspent escrow still pays for. Not due when it covers the rest of the
        // lease anyway (the top-up would only come back as a refund) or lasts at least `minRunwaySeconds`.
        uint256 runway = (s.escrow - _accrued(s, ls, block.timestamp)) * SECONDS_PER_HOUR / s.bestPrice;
        bool coversLease = uint256(s.bestPrice) * s.duration / SECONDS_PER_HOUR <= s.escrow;
        if (coversLease || runway >= rule.minRunwaySeconds) {
            revert I.RunwayNotLow(leaseId, runway, rule.minRunwaySeconds);
        }

        LeaseCounters storage c = _leaseCounters[leaseId];
        uint256 used = c.autoTopUpUsed + amount;
        if (used > rule.totalCap) revert I.AutoTopUpCapReached(leaseId, c.autoTopUpUsed, amount, rule.totalCap);
        // forge-lint: disable-next-line(unsafe-typecast) — used <= totalCap, a uint96
        c.autoTopUpUsed = uint96(used);
        emit I.AutoToppedUp(leaseId, msg.sender, amount, used);
        _addToEscrow(leaseId, s.escrow, amount, s.tenant);
    }

    // ================================================================ admin




}
