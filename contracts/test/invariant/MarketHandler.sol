// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {ComputeMarket} from "../../src/ComputeMarket.sol";
import {IComputeMarket} from "../../src/interfaces/IComputeMarket.sol";
import {Order} from "../../src/libraries/OrderLib.sol";
import {MockStablecoin} from "../../src/mocks/MockStablecoin.sol";

/// @dev Drives the market through random but valid sequences (orders, bids, settle/accept/cancel, withdraw,
/// top-up, close, time passing, fee claims) and keeps ghost totals of every token movement it causes, measured
/// as balance deltas of the actors rather than trusted from the contract.
contract MarketHandler is Test {
    ComputeMarket public immutable market;
    MockStablecoin public immutable usd;

    address[] public tenants;
    address[] public providers;
    uint256[] public ids;

    uint256 public ghostDeposits;
    uint256 public ghostTopUps;
    uint256 public ghostProviderPayouts;
    uint256 public ghostRefunds;
    uint256 public ghostFeesClaimed;
    /// @dev How often each state change really happened (to see the fuzzer reaches deep states).
    mapping(bytes32 action => uint256) public calls;
    uint256 internal nonce;

    constructor(ComputeMarket market_, MockStablecoin usd_) {
        market = market_;
        usd = usd_;
        for (uint256 i; i < 3; ++i) {
            address t = vm.addr(uint256(keccak256(abi.encode("tenant", i))));
            tenants.push(t);
            usd.mint(t, 1_000_000e6);
            vm.prank(t);
            usd.approve(address(market), type(uint256).max);
            address p = vm.addr(uint256(keccak256(abi.encode("provider", i))));
            providers.push(p);
            vm.prank(p);
            market.registerProvider(address(0), "eu-west", new bytes32[](0), new IComputeMarket.Attribute[](0));
        }
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function _id(uint256 seed) internal view returns (uint256) {
        return ids.length == 0 ? 0 : ids[seed % ids.length];
    }

    function _status(uint256 id) internal view returns (IComputeMarket.OrderStatus) {
        return market.getOrder(id).status;
    }

    function _sumBalances(address[] storage who) internal view returns (uint256 sum) {
        for (uint256 i; i < who.length; ++i) {
            sum += usd.balanceOf(who[i]);
        }
    }

    /// @dev Runs after an action: attributes balance changes of tenants (refunds) and providers (payouts).
    modifier accounted() {
        uint256 tenantsBefore = _sumBalances(tenants);
        uint256 providersBefore = _sumBalances(providers);
        _;
        uint256 tenantsAfter = _sumBalances(tenants);
        if (tenantsAfter > tenantsBefore) ghostRefunds += tenantsAfter - tenantsBefore;
        ghostProviderPayouts += _sumBalances(providers) - providersBefore;
    }

    function createOrder(uint256 actor, uint96 maxPrice, uint96 deposit, uint32 duration, uint32 window) external {
        address t = tenants[actor % tenants.length];
        Order memory o = Order({
            tenant: t,
            specHash: keccak256(abi.encode(nonce)),
            cpuMillicores: 1000,
            memoryMiB: 1024,
            storageMiB: 1024,
            gpuCount: 0,
            gpuModel: bytes32(0),
            requiredAttributes: new bytes32[](0),
            maxPricePerHour: uint96(bound(maxPrice, 1, 100e6)),
            duration: uint32(bound(duration, 1, 7 days)),
            deposit: uint96(bound(deposit, 1, 10_000e6)),
            bidWindow: uint32(bound(window, 1, 1 hours)),
            nonce: nonce++,
            deadline: block.timestamp
        });
        vm.prank(t);
        ids.push(market.createOrder(o));
        ghostDeposits += o.deposit;
    }

    function placeBid(uint256 idSeed, uint256 providerSeed, uint96 price) external {
        uint256 id = _id(idSeed);
        if (_status(id) != IComputeMarket.OrderStatus.Open) return;
        IComputeMarket.OrderInfo memory o = market.getOrder(id);
        if (block.timestamp >= o.bidEnd) return;
        (, uint96 best) = market.bestBid(id);
        uint256 ceiling = best == 0 ? 100e6 : best - 1;
        if (ceiling == 0) return;
        address p = providers[providerSeed % providers.length];
        vm.prank(p);
        try market.placeBid(id, p, uint96(bound(price, 1, ceiling)), new bytes32[](0)) {} catch {}
    }

    function settle(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        if (_status(id) != IComputeMarket.OrderStatus.Open || block.timestamp < market.getOrder(id).bidEnd) return;
        market.settle(id);
        ++calls["settle"];
    }

    function acceptBid(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        IComputeMarket.OrderInfo memory o = market.getOrder(id);
        if (o.status != IComputeMarket.OrderStatus.Open || o.bestProvider == address(0)) return;
        vm.prank(o.tenant);
        market.acceptBid(id);
        ++calls["acceptBid"];
    }

    function cancelOrder(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        IComputeMarket.OrderInfo memory o = market.getOrder(id);
        if (o.status != IComputeMarket.OrderStatus.Open) return;
        vm.prank(o.tenant);
        market.cancelOrder(id);
        ++calls["cancelOrder"];
    }

    function withdraw(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        if (market.withdrawable(id) == 0) return;
        market.withdraw(id);
        ++calls["withdraw"];
    }

    function topUp(uint256 idSeed, uint256 actor, uint96 amount) external {
        uint256 id = _id(idSeed);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        if (l.status != IComputeMarket.OrderStatus.Active) return;
        if (block.timestamp >= l.endsAt || l.accrued >= l.escrow) return;
        uint256 a = bound(amount, 1, 1_000e6);
        address from = tenants[actor % tenants.length];
        vm.prank(from);
        market.topUp(id, a);
        ghostTopUps += a;
        ++calls["topUp"];
    }

    function closeLease(uint256 idSeed, uint256 who) external {
        uint256 id = _id(idSeed);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        if (l.status != IComputeMarket.OrderStatus.Active) return;
        address caller = who % 2 == 0 ? l.tenant : l.provider;
        uint256 tenantsBefore = _sumBalances(tenants);
        uint256 providersBefore = _sumBalances(providers);
        vm.prank(caller);
        market.closeLease(id, "invariant");
        ++calls["closeLease"];
        ghostRefunds += _sumBalances(tenants) - tenantsBefore;
        ghostProviderPayouts += _sumBalances(providers) - providersBefore;
    }

    function warp(uint32 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 12 hours));
    }

    function claimFees() external {
        uint256 fees = market.feesAccrued();
        if (fees == 0) return;
        market.claimFees();
        ghostFeesClaimed += fees;
    }
}
