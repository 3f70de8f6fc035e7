// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IComputeMarket as I} from "./interfaces/IComputeMarket.sol";
import {IComputeMarketViews} from "./interfaces/IComputeMarketViews.sol";
import {MarketStorage} from "./MarketStorage.sol";
import {OrderLib} from "./libraries/OrderLib.sol";
import {LeaseUpdate} from "./libraries/LeaseUpdateLib.sol";

/// @title ComputeMarketViews
/// @notice The market's read functions, run by delegatecall on the market's storage: `ComputeMarket`'s fallback
/// delegates to `ComputeMarketExtension`, whose fallback delegates here. Split off only to keep every
/// contract under EIP-170; calling it directly reads its own, empty storage.
contract ComputeMarketViews is MarketStorage, IComputeMarketViews {
    /// @dev Same arguments as the market's, so the immutables match.
    constructor(IERC20 token_, address owner_, address treasury_, uint16 feeBps_, I.IntegrityParams memory params)
        MarketStorage(token_, owner_, treasury_, feeBps_, params)
    {}

    /// @inheritdoc IComputeMarketViews
    function deployer() external view returns (address) {
        return _deployer;
    }

    /// @inheritdoc IComputeMarketViews
    function integrityParams() external view returns (I.IntegrityParams memory) {
        return I.IntegrityParams(_bondBps, _bondCap, _unbondingDelay, _startSlashBps, _forfeitBps);
    }

    /// @inheritdoc IComputeMarketViews
    function bondRequired(uint96 pricePerHour, uint32 duration) external view returns (uint256) {
        return _bondRequired(pricePerHour, duration);
    }

    /// @inheritdoc IComputeMarketViews
    function getBond(address provider) external view returns (I.BondInfo memory) {
        Bond memory b = _bonds[provider];
        return I.BondInfo(b.active + b.unbonding, b.locked, b.unbonding, b.unbondAt);
    }

    /// @inheritdoc IComputeMarketViews
    function getSealedAuction(uint256 orderId) external view returns (I.SealedAuctionInfo memory) {
        SealedState memory sa = _sealed[orderId];
        return I.SealedAuctionInfo(sa.revealEnd, sa.secondPrice, sa.commits, sa.reveals);
    }

    /// @inheritdoc IComputeMarketViews
    function getCommit(uint256 orderId, address provider) external view returns (I.CommitInfo memory) {
        CommitState memory c = _commits[orderId][provider];
        return I.CommitInfo(c.commitment, c.price, c.revealed, c.closed);
    }

    /// @inheritdoc IComputeMarketViews
    function bidCommitment(uint256 orderId, address provider, uint96 price, bytes32 salt)
        external
        pure
        returns (bytes32)
    {
        return _commitment(orderId, provider, price, salt);
    }

    /// @inheritdoc IComputeMarketViews
    function getOrder(uint256 orderId) external view returns (I.OrderInfo memory info) {
        OrderState memory s = _load(orderId);
        bool hasBid = s.bestProvider != address(0);
        info = I.OrderInfo({
            tenant: s.tenant,
            status: s.status,
            bidEnd: s.bidEnd,
            duration: s.duration,
            escrow: s.escrow,
            bestProvider: s.bestProvider,
            bestPrice: hasBid ? s.bestPrice : 0,
            requirementsTag: s.requirementsTag,
            auctionFormat: _sealed[orderId].revealEnd != 0 ? OrderLib.FORMAT_SEALED : OrderLib.FORMAT_OPEN,
            minReputation: s.minReputation,
            startDeadline: s.startDeadline
        });
    }

    /// @inheritdoc IComputeMarketViews
    function getLease(uint256 leaseId) external view returns (I.LeaseInfo memory info) {
        OrderState memory s = _load(leaseId);
        info.tenant = s.tenant;
        info.status = s.status;
        if (s.status != I.OrderStatus.Active && s.status != I.OrderStatus.Closed) return info;
        LeaseState memory ls = _leases[leaseId];
        info.provider = s.bestProvider;
        info.pricePerHour = s.bestPrice;
        // Before the start is attested: settlement time and the end it would have from there.
        info.startedAt = ls.attestedAt != 0 ? ls.attestedAt : s.bidEnd;
        info.endsAt = info.startedAt + s.duration;
        info.feeBps = ls.feeBps;
        info.escrow = s.escrow;
        info.paidOut = s.paidOut;
        info.accrued = _earned(s, ls);
        info.attestedAt = ls.attestedAt;
        info.startDeadline = s.bidEnd + s.startDeadline;
        info.downtimeSeconds = ls.downtimeSeconds;
        info.refunded = ls.refunded;
    }

    /// @inheritdoc IComputeMarketViews
    function getProvider(address account) external view returns (I.ProviderInfo memory) {
        return _providers[account];
    }

    /// @inheritdoc IComputeMarketViews
    function providerHasAttribute(address account, bytes32 attributeId_) external view returns (bool) {
        I.ProviderInfo memory p = _providers[account];
        return p.registered && _attributeEpochs[account][attributeId_] == p.attributeEpoch;
    }

    /// @inheritdoc IComputeMarketViews
    function nonceUsed(address tenant, uint256 nonce) external view returns (bool) {
        return _nonceBitmap[tenant][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IComputeMarketViews
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IComputeMarketViews
    function attributeId(bytes32 key, bytes32 value) external pure returns (bytes32) {
        return OrderLib.attributeId(key, value);
    }

    /// @inheritdoc IComputeMarketViews
    function isDelegate(address tenant, address delegate, uint256 leaseId) external view returns (bool) {
        return _isDelegate(tenant, delegate, leaseId);
    }

    /// @inheritdoc IComputeMarketViews
    function getAutoTopUp(uint256 leaseId) external view returns (I.AutoTopUpRule memory rule, uint256 used) {
        return (_autoTopUps[leaseId], _leaseCounters[leaseId].autoTopUpUsed);
    }

    /// @inheritdoc IComputeMarketViews
    function getLeaseSpec(uint256 leaseId) external view returns (bytes32 specHash, uint32 revision) {
        return (_specHashes[leaseId], _leaseCounters[leaseId].specRevision);
    }

    /// @inheritdoc IComputeMarketViews
    function hashLeaseUpdate(LeaseUpdate calldata update) external view returns (bytes32) {
        return _leaseUpdateDigest(update);
    }

    /// @inheritdoc IComputeMarketViews
    function bestBid(uint256 orderId) external view returns (address provider, uint96 pricePerHour) {
        OrderState storage o = _orders[orderId];
        provider = o.bestProvider;
        if (provider != address(0)) pricePerHour = o.bestPrice;
    }

    function _commitment(uint256 orderId, address provider, uint96 price, bytes32 salt)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(orderId, provider, price, salt));
    }
}
