// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order} from "../src/libraries/OrderLib.sol";

contract ComputeMarketLeaseTest is MarketFixture {
    uint96 internal constant PRICE = 1e6; // 1 USD/hour
    uint256 internal id;
    uint256 internal start;

    function setUp() public override {
        super.setUp();
        id = _lease(PRICE);
        start = block.timestamp;
    }

    // ------------------------------------------------------------ accrual views

    function test_accrued_growsPerSecondRoundedDown() public {
        assertEq(market.accrued(id), 0);
        vm.warp(start + 1);
        assertEq(market.accrued(id), 277); // 1e6 / 3600 = 277.77…
        vm.warp(start + 3600);
        assertEq(market.accrued(id), PRICE);
        vm.warp(start + 5400);
        assertEq(market.accrued(id), 15e5);
    }

    function test_accrued_cappedByEscrow() public {
        vm.warp(start + 48 hours + 1);
        assertEq(market.accrued(id), 24e6); // duration caps first: 24 h at 1 USD
        uint256 pricey = _lease(MAX_PRICE);
        vm.warp(block.timestamp + 25 hours);
        assertEq(market.accrued(pricey), DEPOSIT); // 24 h at 2 USD = whole deposit
    }

    function test_accrued_zeroForUnknownOrOpen() public {
        assertEq(market.accrued(99), 0);
        uint256 open = _createDefault();
        assertEq(market.accrued(open), 0);
        assertEq(market.withdrawable(open), 0);
    }

    // ------------------------------------------------------------ withdraw

    function test_withdraw_paysProviderMinusFee() public {
        vm.warp(start + 2 hours);
        uint256 before = usd.balanceOf(alice);
        vm.expectEmit(address(market));
        emit IComputeMarket.Withdrawn(id, alice, 2e6, 2e4);
        vm.prank(stranger); // anyone may trigger; funds go to the provider
        market.withdraw(id);
        assertEq(usd.balanceOf(alice), before + 2e6 - 2e4);
        assertEq(market.feesAccrued(), 2e4);
        assertEq(market.getLease(id).paidOut, 2e6);
        assertEq(market.withdrawable(id), 0);
    }

    function test_withdraw_twiceSumsToSingleAccrual() public {
        vm.warp(start + 1);
        market.withdraw(id);
        vm.warp(start + 2);
        market.withdraw(id);
        assertEq(market.getLease(id).paidOut, 555); // floor(2e6/3600), not 2 * 277
    }

    function test_withdraw_revertsWhen_nothingAccrued() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NothingToWithdraw.selector, id));
        market.withdraw(id);
    }

    function test_withdraw_revertsWhen_notActive() public {
        uint256 open = _createDefault();
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, open, IComputeMarket.OrderStatus.Open)
        );
        market.withdraw(open);
    }

    function test_withdraw_revertsWhen_closed() public {
        vm.warp(start + 1 hours);
        vm.prank(tenant);
        market.closeLease(id, "done");
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Closed)
        );
        market.withdraw(id);
    }

    // ------------------------------------------------------------ topUp

    function test_topUp_addsToEscrow() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseToppedUp(id, stranger, 5e6, DEPOSIT + 5e6);
        vm.prank(stranger); // anyone may top up
        market.topUp(id, 5e6);
        assertEq(market.getLease(id).escrow, DEPOSIT + 5e6);
        assertEq(_held(), DEPOSIT + 5e6);
    }

    function test_topUp_extendsExhaustionPoint() public {
        uint256 pricey = _lease(MAX_PRICE); // deposit lasts exactly 24 h at 2 USD/h
        vm.warp(block.timestamp + 12 hours);
        vm.prank(tenant);
        market.topUp(pricey, 1e6);
        vm.warp(block.timestamp + 12 hours + 30 minutes);
        assertEq(market.accrued(pricey), DEPOSIT); // duration (24 h) ends before the extra escrow is used
    }

    function test_topUp_revertsWhen_zeroAmount() public {
        vm.expectRevert(IComputeMarket.ZeroAmount.selector);
        market.topUp(id, 0);
    }

    function test_topUp_revertsWhen_notActive() public {
        uint256 open = _createDefault();
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, open, IComputeMarket.OrderStatus.Open)
        );
        market.topUp(open, 1e6);
    }

    function test_topUp_revertsWhen_durationOver() public {
        vm.warp(start + DURATION);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LeaseOver.selector, id));
        vm.prank(tenant);
        market.topUp(id, 1e6);
    }

    function test_topUp_revertsWhen_escrowExhausted() public {
        Order memory o = _order();
        o.deposit = 1e6; // one hour at 1 USD/h
        uint256 small = _create(o);
        _bid(small, alice, PRICE);
        vm.prank(tenant);
        market.acceptBid(small);
        _attest(small);
        vm.warp(block.timestamp + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LeaseOver.selector, small));
        market.topUp(small, 1e6);
    }

    function test_topUp_revertsWhen_escrowOverflows() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.EscrowOverflow.selector, id));
        market.topUp(id, type(uint96).max);
    }

    // ------------------------------------------------------------ closeLease

    function test_closeLease_byTenant_paysAndRefunds() public {
        vm.warp(start + 90 minutes);
        uint256 tenantBefore = usd.balanceOf(tenant);
        uint256 aliceBefore = usd.balanceOf(alice);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseClosed(id, tenant, "not needed", 15e5, 15e3, DEPOSIT - 15e5);
        vm.prank(tenant);
        market.closeLease(id, "not needed");
        assertEq(usd.balanceOf(alice), aliceBefore + 15e5 - 15e3);
        assertEq(usd.balanceOf(tenant), tenantBefore + DEPOSIT - 15e5);
        assertEq(_held(), 15e3); // only the fee stays
        assertTrue(market.getLease(id).status == IComputeMarket.OrderStatus.Closed);
        assertEq(market.accrued(id), 15e5);
        assertEq(market.getProvider(alice).activeLeases, 0);
    }

    function test_closeLease_afterWithdraw_paysOnlyTheRest() public {
        vm.warp(start + 1 hours);
        market.withdraw(id);
        vm.warp(start + 2 hours);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseClosed(id, alice, "maintenance", 1e6, 1e4, DEPOSIT - 2e6);
        vm.prank(alice);
        market.closeLease(id, "maintenance");
    }

    function test_closeLease_byOperator() public {
        vm.prank(operator);
        market.closeLease(id, "cluster down");
        assertTrue(market.getLease(id).status == IComputeMarket.OrderStatus.Closed);
    }

    function test_closeLease_byAnyoneAfterDuration() public {
        vm.warp(start + DURATION);
        vm.prank(stranger);
        market.closeLease(id, "over");
        assertEq(usd.balanceOf(tenant), 1_000_000e6 - 24e6); // paid exactly 24 h at 1 USD
    }

    function test_closeLease_byAnyoneWhenExhausted() public {
        uint256 pricey = _lease(MAX_PRICE);
        vm.warp(block.timestamp + 24 hours);
        vm.prank(stranger);
        market.closeLease(pricey, "exhausted");
        assertEq(market.accrued(pricey), DEPOSIT);
    }

    function test_closeLease_revertsWhen_strangerBeforeOver() public {
        vm.warp(start + DURATION - 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotAuthorizedToClose.selector, id, stranger));
        vm.prank(stranger);
        market.closeLease(id, "");
    }

    function test_closeLease_revertsWhen_notActive() public {
        vm.prank(tenant);
        market.closeLease(id, "");
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Closed)
        );
        vm.prank(tenant);
        market.closeLease(id, "");
    }

    function test_getLease_ofOpenOrderHasOnlyTenantAndStatus() public {
        uint256 open = _createDefault();
        IComputeMarket.LeaseInfo memory l = market.getLease(open);
        assertEq(l.tenant, tenant);
        assertTrue(l.status == IComputeMarket.OrderStatus.Open);
        assertEq(l.provider, address(0));
        assertEq(l.escrow, 0);
    }
}
