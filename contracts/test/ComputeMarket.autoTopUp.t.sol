// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order} from "../src/libraries/OrderLib.sol";

/// @dev Auto top-up: the tenant's rule per lease, executed by anyone, never beyond what the rule allows.
contract ComputeMarketAutoTopUpTest is MarketFixture {
    uint96 internal constant PRICE = 1e6; // 1 USD/hour
    uint96 internal constant SMALL_DEPOSIT = 10e6; // 10 hours of a 24-hour lease
    uint96 internal constant AMOUNT = 5e6;
    uint96 internal constant CAP = 12e6;
    uint32 internal constant MIN_RUNWAY = 12 hours;

    uint256 internal id;
    uint256 internal start;
    address internal keeper;

    function setUp() public override {
        super.setUp();
        keeper = makeAddr("keeper");
        Order memory o = _order();
        o.maxPricePerHour = PRICE;
        o.deposit = SMALL_DEPOSIT;
        id = _create(o);
        _bid(id, alice, PRICE);
        vm.prank(tenant);
        market.acceptBid(id);
        _attest(id);
        start = block.timestamp;
    }

    function _rule(uint96 amount, uint96 cap, uint32 minRunway) internal {
        vm.prank(tenant);
        market.setAutoTopUp(id, amount, cap, minRunway);
    }

    function _used() internal view returns (uint256 used) {
        (, used) = market.getAutoTopUp(id);
    }

    // ------------------------------------------------------------ setAutoTopUp

    function test_setAutoTopUp_storesAndEmits() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.AutoTopUpSet(id, AMOUNT, CAP, MIN_RUNWAY);
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        (IComputeMarket.AutoTopUpRule memory r, uint256 used) = market.getAutoTopUp(id);
        assertEq(r.amountPerTopUp, AMOUNT);
        assertEq(r.totalCap, CAP);
        assertEq(r.minRunwaySeconds, MIN_RUNWAY);
        assertEq(used, 0);
    }

    function test_setAutoTopUp_onOpenOrder() public {
        uint256 open = _createDefault();
        vm.prank(tenant);
        market.setAutoTopUp(open, AMOUNT, CAP, MIN_RUNWAY);
        (IComputeMarket.AutoTopUpRule memory r,) = market.getAutoTopUp(open);
        assertEq(r.amountPerTopUp, AMOUNT);
    }

    function test_setAutoTopUp_zerosClear() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        vm.expectEmit(address(market));
        emit IComputeMarket.AutoTopUpSet(id, 0, 0, 0);
        _rule(0, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NoAutoTopUpRule.selector, id));
        market.autoTopUp(id);
    }

    function test_setAutoTopUp_revertsWhen_ruleIncomplete() public {
        uint96[3][4] memory bad = [
            [uint96(0), CAP, uint96(MIN_RUNWAY)], // no amount
            [AMOUNT, AMOUNT - 1, uint96(MIN_RUNWAY)], // cap below one top-up
            [AMOUNT, CAP, uint96(0)], // no runway threshold
            [uint96(0), uint96(0), uint96(1)] // half-cleared
        ];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(IComputeMarket.InvalidAutoTopUpRule.selector);
            _rule(bad[i][0], bad[i][1], uint32(bad[i][2]));
        }
    }

    function test_setAutoTopUp_revertsWhen_notTenant() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, id, stranger));
        vm.prank(stranger);
        market.setAutoTopUp(id, AMOUNT, CAP, MIN_RUNWAY);
    }

    function test_setAutoTopUp_revertsWhen_closed() public {
        vm.prank(tenant);
        market.closeLease(id, "done");
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Closed)
        );
        _rule(AMOUNT, CAP, MIN_RUNWAY);
    }

    // ------------------------------------------------------------ autoTopUp

    function test_autoTopUp_pullsExactlyTheAmountFromTenant() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        uint256 tenantBefore = usd.balanceOf(tenant);
        vm.expectEmit(address(market));
        emit IComputeMarket.AutoToppedUp(id, keeper, AMOUNT, AMOUNT);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseToppedUp(id, tenant, AMOUNT, SMALL_DEPOSIT + AMOUNT);
        vm.prank(keeper);
        market.autoTopUp(id);
        assertEq(usd.balanceOf(tenant), tenantBefore - AMOUNT);
        assertEq(usd.balanceOf(keeper), 0);
        assertEq(market.getLease(id).escrow, SMALL_DEPOSIT + AMOUNT);
        assertEq(_used(), AMOUNT);
    }

    function test_autoTopUp_revertsWhen_calledAgainInSameBlockAndRunwayRestored() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        market.autoTopUp(id); // 10 h -> 15 h of runway
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.RunwayNotLow.selector, id, 15 hours, MIN_RUNWAY));
        market.autoTopUp(id);
        assertEq(_used(), AMOUNT);
    }

    function test_autoTopUp_repeatedInOneBlockStopsAtCap() public {
        // 1 USD per top-up while below 20 h: each call adds 1 h, the cap stops the third.
        _rule(1e6, 2e6, 20 hours);
        market.autoTopUp(id);
        market.autoTopUp(id);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.AutoTopUpCapReached.selector, id, 2e6, 1e6, 2e6));
        market.autoTopUp(id);
        assertEq(_used(), 2e6);
        assertEq(market.getLease(id).escrow, SMALL_DEPOSIT + 2e6);
    }

    function test_autoTopUp_runwayBoundary() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        market.autoTopUp(id); // escrow 15, runway 15 h
        vm.warp(start + 3 hours); // 12 USD left: exactly 12 h, not below
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.RunwayNotLow.selector, id, MIN_RUNWAY, MIN_RUNWAY));
        market.autoTopUp(id);
        vm.warp(start + 3 hours + 1); // one second later it is 11:59:59
        market.autoTopUp(id);
        assertEq(_used(), 2 * AMOUNT);
    }

    function test_autoTopUp_revertsWhen_capWouldBeExceeded() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        market.autoTopUp(id);
        vm.warp(start + 4 hours); // 11 h left
        market.autoTopUp(id); // used 10 of 12
        vm.warp(start + 9 hours); // 11 h left again
        // A 5 USD top-up would reach 15 > 12: refused whole, never partial.
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.AutoTopUpCapReached.selector, id, 10e6, AMOUNT, CAP));
        market.autoTopUp(id);
        assertEq(_used(), 10e6);
    }

    function test_autoTopUp_capAtExactBoundary() public {
        _rule(AMOUNT, 2 * AMOUNT, MIN_RUNWAY);
        market.autoTopUp(id);
        vm.warp(start + 4 hours);
        market.autoTopUp(id); // used == cap: allowed
        assertEq(_used(), 2 * AMOUNT);
        vm.warp(start + 9 hours);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.AutoTopUpCapReached.selector, id, 2 * AMOUNT, AMOUNT, 2 * AMOUNT)
        );
        market.autoTopUp(id);
    }

    function test_autoTopUp_usedCountsAcrossRuleChanges() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        market.autoTopUp(id); // used 5
        // Re-setting the same cap does not reset what was pulled: only one more 5 fits under 12.
        _rule(AMOUNT, CAP, 20 hours);
        market.autoTopUp(id); // used 10, runway 20 h
        vm.warp(start + 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.AutoTopUpCapReached.selector, id, 10e6, AMOUNT, CAP));
        market.autoTopUp(id);
        // Lowering the cap below what was used stops all further top-ups.
        _rule(1e6, 5e6, 1 days);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.AutoTopUpCapReached.selector, id, 10e6, 1e6, 5e6));
        market.autoTopUp(id);
        // Raising it lets exactly the new headroom through.
        _rule(1e6, 11e6, 1 days);
        market.autoTopUp(id);
        assertEq(_used(), 11e6);
    }

    function test_autoTopUp_revertsWhen_escrowCoversRestOfLease() public {
        _rule(AMOUNT, 100e6, 1 days);
        vm.prank(tenant);
        market.topUp(id, 14e6); // 24 USD: the whole lease is paid for
        vm.warp(start + 20 hours); // 4 h left of both escrow and lease, below the 1-day threshold
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.RunwayNotLow.selector, id, 4 hours, 1 days));
        market.autoTopUp(id);
    }

    function test_autoTopUp_revertsWhen_noRule() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NoAutoTopUpRule.selector, id));
        market.autoTopUp(id);
    }

    function test_autoTopUp_revertsWhen_exhausted() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        vm.warp(start + 10 hours);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LeaseOver.selector, id));
        market.autoTopUp(id);
    }

    function test_autoTopUp_revertsWhen_durationOver() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        vm.prank(tenant);
        market.topUp(id, 10e6);
        vm.warp(start + DURATION);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LeaseOver.selector, id));
        market.autoTopUp(id);
    }

    function test_autoTopUp_revertsWhen_closed() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        vm.prank(tenant);
        market.closeLease(id, "done");
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Closed)
        );
        market.autoTopUp(id);
    }

    function test_autoTopUp_revertsWhen_orderNotLeased() public {
        uint256 open = _createDefault();
        vm.prank(tenant);
        market.setAutoTopUp(open, AMOUNT, CAP, MIN_RUNWAY);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, open, IComputeMarket.OrderStatus.Open)
        );
        market.autoTopUp(open);
    }

    function test_autoTopUp_revertsWhen_allowanceWithdrawn() public {
        _rule(AMOUNT, CAP, MIN_RUNWAY);
        vm.prank(tenant);
        usd.approve(address(market), AMOUNT - 1);
        vm.expectRevert();
        market.autoTopUp(id);
        assertEq(_used(), 0);
        assertEq(market.getLease(id).escrow, SMALL_DEPOSIT);
    }
}
