// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order} from "../src/libraries/OrderLib.sol";

/// @dev Fuzzed accrual and refund arithmetic: per-second pricing, escrow and duration caps, fee rounding,
/// and that no withdraw cadence changes what anyone ends up with.
contract ComputeMarketFuzzTest is MarketFixture {
    struct Params {
        uint96 price;
        uint96 deposit;
        uint32 duration;
    }

    function _params(uint96 price, uint96 deposit, uint32 duration) internal pure returns (Params memory p) {
        p.price = uint96(bound(price, 1, 1_000e6));
        p.deposit = uint96(bound(deposit, 1, 500_000e6));
        p.duration = uint32(bound(duration, 1, 365 days));
    }

    function _leaseWith(Params memory p) internal returns (uint256 id) {
        Order memory o = _order();
        o.maxPricePerHour = p.price;
        o.deposit = p.deposit;
        o.duration = p.duration;
        id = _create(o);
        _bid(id, alice, p.price);
        vm.prank(tenant);
        market.acceptBid(id);
    }

    function _expected(Params memory p, uint256 elapsed, uint256 escrow) internal pure returns (uint256) {
        if (elapsed > p.duration) elapsed = p.duration;
        uint256 a = uint256(p.price) * elapsed / 3600;
        return a < escrow ? a : escrow;
    }

    function testFuzz_accrued_matchesFormula(uint96 price, uint96 deposit, uint32 duration, uint32 elapsed)
        public
    {
        Params memory p = _params(price, deposit, duration);
        uint256 id = _leaseWith(p);
        uint256 start = block.timestamp;
        vm.warp(start + elapsed);
        uint256 a = market.accrued(id);
        assertEq(a, _expected(p, elapsed, p.deposit));
        assertLe(a, p.deposit);
        // Rounding loses less than one base unit against the exact rational amount.
        uint256 capped = elapsed > p.duration ? p.duration : elapsed;
        if (a < p.deposit) assertLt(uint256(p.price) * capped - a * 3600, 3600);
    }

    function testFuzz_withdrawCadence_doesNotChangeTotals(
        uint96 price,
        uint96 deposit,
        uint32 duration,
        uint32 t1,
        uint32 t2,
        uint32 t3
    ) public {
        Params memory p = _params(price, deposit, duration);
        uint256 id = _leaseWith(p);
        uint256 start = block.timestamp;
        uint256 tenantStart = usd.balanceOf(tenant) + p.deposit;
        t1 = uint32(bound(t1, 0, 2 * uint256(p.duration)));
        t2 = uint32(bound(t2, t1, 2 * uint256(p.duration)));
        t3 = uint32(bound(t3, t2, 2 * uint256(p.duration)));

        uint256 aliceStart = usd.balanceOf(alice);
        vm.warp(start + t1);
        if (market.withdrawable(id) > 0) market.withdraw(id);
        vm.warp(start + t2);
        if (market.withdrawable(id) > 0) market.withdraw(id);
        vm.warp(start + t3);
        vm.prank(tenant);
        market.closeLease(id, "fuzz");

        uint256 gross = _expected(p, t3, p.deposit);
        uint256 providerNet = usd.balanceOf(alice) - aliceStart;
        uint256 refund = usd.balanceOf(tenant) - (tenantStart - p.deposit);
        // Fees are rounded per payout (at most 3 here), each down, so the provider gets at least gross - fee.
        assertLe(providerNet, gross);
        assertGe(providerNet + 3, gross - gross * FEE_BPS / 10_000);
        assertEq(providerNet + market.feesAccrued(), gross, "payout + fee = accrued");
        assertEq(refund, p.deposit - gross, "tenant gets the unspent rest");
        assertEq(usd.balanceOf(address(market)), market.feesAccrued(), "only fees stay");
    }

    function testFuzz_closeWithTopUp_splitsEscrowExactly(
        uint96 price,
        uint96 deposit,
        uint32 duration,
        uint32 topUpAt,
        uint96 topUpAmount,
        uint32 closeAt
    ) public {
        Params memory p = _params(price, deposit, duration);
        uint256 id = _leaseWith(p);
        uint256 start = block.timestamp;
        topUpAt = uint32(bound(topUpAt, 0, p.duration - 1));
        uint96 extra = uint96(bound(topUpAmount, 1, 100_000e6));
        vm.warp(start + topUpAt);
        uint256 escrow = p.deposit;
        if (market.accrued(id) < p.deposit) {
            vm.prank(stranger);
            market.topUp(id, extra);
            escrow += extra;
        }
        closeAt = uint32(bound(closeAt, topUpAt, 2 * uint256(p.duration)));
        vm.warp(start + closeAt);
        uint256 aliceBefore = usd.balanceOf(alice);
        uint256 tenantBefore = usd.balanceOf(tenant);
        vm.prank(alice);
        market.closeLease(id, "fuzz");
        uint256 gross = _expected(p, closeAt, escrow);
        uint256 fee = gross * FEE_BPS / 10_000;
        assertEq(usd.balanceOf(alice) - aliceBefore, gross - fee);
        assertEq(usd.balanceOf(tenant) - tenantBefore, escrow - gross);
        assertEq(market.feesAccrued(), fee);
        assertEq(usd.balanceOf(address(market)), fee);
    }

    function testFuzz_cancelAndExpire_refundWholeDeposit(uint96 deposit, bool cancel) public {
        Order memory o = _order();
        o.deposit = uint96(bound(deposit, 1, 500_000e6));
        uint256 id = _create(o);
        uint256 before = usd.balanceOf(tenant);
        if (cancel) {
            vm.prank(tenant);
            market.cancelOrder(id);
        } else {
            vm.warp(block.timestamp + WINDOW);
            market.settle(id);
        }
        assertEq(usd.balanceOf(tenant), before + o.deposit);
        assertEq(usd.balanceOf(address(market)), 0);
        assertTrue(market.getOrder(id).status != IComputeMarket.OrderStatus.Open);
    }

    function testFuzz_placeBid_onlyStrictlyLowerWins(uint96 first, uint96 second) public {
        uint256 id = _createDefault();
        first = uint96(bound(first, 1, MAX_PRICE));
        second = uint96(bound(second, 1, MAX_PRICE));
        _bid(id, alice, first);
        if (second >= first) {
            vm.expectRevert(abi.encodeWithSelector(IComputeMarket.BidNotLower.selector, id, second, first));
        }
        _bid(id, bob, second);
        (address best, uint96 price) = market.bestBid(id);
        assertEq(best, second < first ? bob : alice);
        assertEq(price, second < first ? second : first);
    }
}
