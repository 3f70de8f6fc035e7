// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {OrderLib} from "./libraries/OrderLib.sol";
import {LeaseUpdate} from "./libraries/LeaseUpdateLib.sol";

import {IComputeMarket} from "./interfaces/IComputeMarket.sol";
import {IComputeMarketExtension} from "./interfaces/IComputeMarketExtension.sol";
import {MarketStorage} from "./MarketStorage.sol";

/// @title ComputeMarketExtension
/// @notice The cold paths of `ComputeMarket`, run by delegatecall from the market's fallback on the market's
/// storage (shared through `MarketStorage`). Calling it directly only touches its own, empty storage.
contract ComputeMarketExtension is MarketStorage, IComputeMarketExtension {
    using SafeERC20 for IERC20;

    /// @dev Same arguments as the market's, so the immutables match.
    constructor(
        IERC20 token_,
        address owner_,
        address treasury_,
        uint16 feeBps_,
        IComputeMarket.IntegrityParams memory params
    ) MarketStorage(token_, owner_, treasury_, feeBps_, params) {}

    modifier onlyDeployer() {
        if (msg.sender != _deployer) revert IComputeMarket.NotDeployer(msg.sender);
        _;
    }

    // ================================================================ roles and parameters

    /// @inheritdoc IComputeMarketExtension
    function setDeployer(address newDeployer) external onlyOwner {
        emit IComputeMarket.DeployerSet(_deployer, newDeployer);
        _deployer = newDeployer;
    }

    /// @inheritdoc IComputeMarketExtension
    function deployer() external view returns (address) {
        return _deployer;
    }

    /// @inheritdoc IComputeMarketExtension
    function integrityParams() external view returns (IComputeMarket.IntegrityParams memory) {
        return IComputeMarket.IntegrityParams(_bondBps, _bondCap, _unbondingDelay, _startSlashBps, _forfeitBps);
    }

    /// @inheritdoc IComputeMarketExtension
    function bondRequired(uint96 pricePerHour, uint32 duration) external view returns (uint256) {
        return _bondRequired(pricePerHour, duration);
    }

    function _bondRequired(uint256 pricePerHour, uint256 duration) internal view returns (uint256) {
        uint256 lock = pricePerHour * duration / SECONDS_PER_HOUR * _bondBps / BPS;
        return lock < _bondCap ? lock : _bondCap;
    }

    // ================================================================ bonds (stage 2)

    /// @inheritdoc IComputeMarketExtension
    function depositBond(uint256) external pure {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function requestBondWithdrawal(uint256) external pure {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function withdrawBond() external pure {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function getBond(address) external pure returns (IComputeMarket.BondInfo memory) {
        revert("not implemented");
    }

    // ================================================================ sealed-bid auction (stage 2)

    /// @inheritdoc IComputeMarketExtension
    function commitBid(uint256, address, bytes32, bytes32[] calldata) external pure {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function revealBid(uint256, address, uint96, bytes32) external pure {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function forfeitCommit(uint256, address) external pure {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function getSealedAuction(uint256) external pure returns (IComputeMarket.SealedAuctionInfo memory) {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function getCommit(uint256, address) external pure returns (IComputeMarket.CommitInfo memory) {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function bidCommitment(uint256 orderId, address provider, uint96 price, bytes32 salt)
        external
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(orderId, provider, price, salt));
    }

    // ================================================================ attestations (stage 2)

    /// @inheritdoc IComputeMarketExtension
    function attestStart(uint256, bytes32) external view onlyDeployer {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function cancelUnstarted(uint256) external pure {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function attestDowntime(uint256[] calldata, uint32[] calldata) external view onlyDeployer {
        revert("not implemented");
    }

    /// @inheritdoc IComputeMarketExtension
    function attestReputation(address[] calldata, uint8[] calldata) external view onlyDeployer {
        revert("not implemented");
    }

    // ================================================================ admin and views

    /// @inheritdoc IComputeMarketExtension
    function setFee(uint16 newFeeBps) external onlyOwner {
        if (newFeeBps > MAX_FEE_BPS) revert IComputeMarket.FeeTooHigh(newFeeBps, MAX_FEE_BPS);
        emit IComputeMarket.FeeSet(feeBps, newFeeBps);
        feeBps = newFeeBps;
    }

    /// @inheritdoc IComputeMarketExtension
    function setTreasury(address newTreasury) external onlyOwner {
        if (newTreasury == address(0)) revert IComputeMarket.ZeroAddress();
        emit IComputeMarket.TreasurySet(treasury, newTreasury);
        treasury = newTreasury;
    }

    /// @inheritdoc IComputeMarketExtension
    function claimFees() external nonReentrant {
        uint256 amount = feesAccrued;
        if (amount == 0) revert IComputeMarket.ZeroAmount();
        feesAccrued = 0;
        address to = treasury;
        emit IComputeMarket.FeesClaimed(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @inheritdoc IComputeMarketExtension
    function getProvider(address account) external view returns (IComputeMarket.ProviderInfo memory) {
        return _providers[account];
    }

    /// @inheritdoc IComputeMarketExtension
    function providerHasAttribute(address account, bytes32 attributeId_) external view returns (bool) {
        IComputeMarket.ProviderInfo memory p = _providers[account];
        return p.registered && _attributeEpochs[account][attributeId_] == p.attributeEpoch;
    }

    /// @inheritdoc IComputeMarketExtension
    function nonceUsed(address tenant, uint256 nonce) external view returns (bool) {
        return _nonceBitmap[tenant][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IComputeMarketExtension
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IComputeMarketExtension
    function attributeId(bytes32 key, bytes32 value) external pure returns (bytes32) {
        return OrderLib.attributeId(key, value);
    }

    /// @inheritdoc IComputeMarketExtension
    function isDelegate(address tenant, address delegate, uint256 leaseId) external view returns (bool) {
        return _isDelegate(tenant, delegate, leaseId);
    }

    /// @inheritdoc IComputeMarketExtension
    function getAutoTopUp(uint256 leaseId)
        external
        view
        returns (IComputeMarket.AutoTopUpRule memory rule, uint256 used)
    {
        return (_autoTopUps[leaseId], _leaseCounters[leaseId].autoTopUpUsed);
    }

    /// @inheritdoc IComputeMarketExtension
    function getLeaseSpec(uint256 leaseId) external view returns (bytes32 specHash, uint32 revision) {
        return (_specHashes[leaseId], _leaseCounters[leaseId].specRevision);
    }

    /// @inheritdoc IComputeMarketExtension
    function hashLeaseUpdate(LeaseUpdate calldata update) external view returns (bytes32) {
        return _leaseUpdateDigest(update);
    }

    /// @inheritdoc IComputeMarketExtension
    function bestBid(uint256 orderId) external view returns (address provider, uint96 pricePerHour) {
        OrderState storage o = _orders[orderId];
        provider = o.bestProvider;
        if (provider != address(0)) pricePerHour = o.bestPrice;
    }
}
