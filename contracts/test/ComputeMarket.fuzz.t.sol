// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order} from "../src/libraries/OrderLib.sol";
import {LeaseUpdate} from "../src/libraries/LeaseUpdateLib.sol";

/// @dev Fuzzed accrual and refund arithmetic: per-second pricing, escrow and duration caps, fee rounding,
/// and that no withdraw cadence changes what anyone ends up with; signed spec updates (signer, nonce) and
/// auto top-up sequences (never beyond the rule).
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
        _attest(id);
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
        assertEq(_held(), market.feesAccrued(), "only fees stay");
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
        assertEq(_held(), fee);
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
        assertEq(_held(), 0);
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

    // ------------------------------------------------------------ spec updates

    /// @dev Any key, any nonce: the update lands iff the key is the tenant's or a delegate's and the nonce is
    /// the current revision; otherwise nothing changes.
    function testFuzz_updateLeaseSpec_onlyAuthorisedSignerAtCurrentNonce(
        uint256 keySeed,
        uint8 who,
        uint256 nonce,
        bytes32 spec,
        uint8 priorUpdates
    ) public {
        vm.assume(spec != bytes32(0));
        uint256 id = _lease(1e6);
        uint256 revision = bound(priorUpdates, 0, 3);
        for (uint256 i; i < revision; ++i) {
            vm.prank(tenant);
            market.setLeaseSpec(id, keccak256(abi.encode(i)));
        }
        uint256 delegateKey = uint256(keccak256("delegate"));
        vm.prank(tenant);
        market.setDelegate(vm.addr(delegateKey), id, true);
        // who: 0 tenant, 1 delegate, else a random key.
        uint256 key = who % 3 == 0 ? tenantKey : who % 3 == 1 ? delegateKey : bound(keySeed, 1, 2 ** 128);
        bool authorised = vm.addr(key) == tenant || vm.addr(key) == vm.addr(delegateKey);
        nonce = nonce % 2 == 0 ? revision : nonce;
        bool lands = authorised && nonce == revision;

        (LeaseUpdate memory u, bytes memory sig) = _signedUpdate(id, spec, nonce, key);
        vm.prank(stranger);
        try market.updateLeaseSpec(u, vm.addr(key), sig) {
            assertTrue(lands, "only an authorised signer at the current nonce");
        } catch {
            assertFalse(lands, "a valid update must land");
        }
        (bytes32 current, uint32 rev) = market.getLeaseSpec(id);
        bytes32 previous = revision == 0 ? bytes32(0) : keccak256(abi.encode(revision - 1));
        assertEq(current, lands ? spec : previous);
        assertEq(rev, lands ? revision + 1 : revision);
    }

    function _signedUpdate(uint256 id, bytes32 spec, uint256 nonce, uint256 key)
        internal
        view
        returns (LeaseUpdate memory u, bytes memory sig)
    {
        u = LeaseUpdate({leaseId: id, specHash: spec, nonce: nonce, deadline: block.timestamp});
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.hashLeaseUpdate(u));
        sig = abi.encodePacked(r, s, v);
    }

    // ------------------------------------------------------------ auto top-up

    /// @dev A random rule and a random sequence of waits and keeper calls: the tenant never pays more than the
    /// cap, each top-up is exactly the rule's amount, and every top-up happened while the runway was low.
    function testFuzz_autoTopUp_sequenceStaysWithinRule(
        uint96 amount,
        uint96 cap,
        uint32 minRunway,
        uint96 deposit,
        uint32[8] memory waits
    ) public {
        Params memory p = _params(1e6, deposit, 7 days);
        p.deposit = uint96(bound(deposit, 1e6, 100e6));
        uint256 id = _leaseWith(p);
        amount = uint96(bound(amount, 1, 50e6));
        cap = uint96(bound(cap, amount, 200e6));
        minRunway = uint32(bound(minRunway, 1, 3 days));
        vm.prank(tenant);
        market.setAutoTopUp(id, amount, cap, minRunway);
        uint256 tenantStart = usd.balanceOf(tenant);

        uint256 topUps;
        for (uint256 i; i < waits.length; ++i) {
            vm.warp(block.timestamp + bound(waits[i], 0, 1 days));
            IComputeMarket.LeaseInfo memory l = market.getLease(id);
            uint256 runwayBefore = l.accrued >= l.escrow ? 0 : (l.escrow - l.accrued) * 3600 / p.price;
            try market.autoTopUp(id) {
                ++topUps;
                assertLt(runwayBefore, minRunway, "top-up only when runway is low");
                assertEq(market.getLease(id).escrow, l.escrow + amount, "exactly the amount");
            } catch {}
        }
        (, uint256 used) = market.getAutoTopUp(id);
        assertEq(used, topUps * amount);
        assertLe(used, cap, "never beyond the cap");
        assertEq(tenantStart - usd.balanceOf(tenant), used, "tenant paid exactly what was used");
    }
}
