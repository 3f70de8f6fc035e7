// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order} from "../src/libraries/OrderLib.sol";

/// @dev Issue 13: provider bonds, attested start and its deadline, SLA refunds, reputation, sealed bids.
contract ComputeMarketIntegrityTest is MarketFixture {
    uint96 internal constant PRICE = 1e6; // 1 USD/hour: a 24 h lease locks 4.8 USD (20%)
    uint256 internal constant LOCK = 4.8e6;

    function _free(address p) internal view returns (uint256) {
        IComputeMarket.BondInfo memory b = market.getBond(p);
        return b.total - b.locked - b.unbonding;
    }

    function _accepted(uint96 price) internal returns (uint256 id) {
        id = _createDefault();
        _bid(id, alice, price);
        vm.prank(tenant);
        market.acceptBid(id);
    }

    // ------------------------------------------------------------ bonds

    function test_bondRequired_isShareOfLeaseValueCapped() public view {
        assertEq(market.bondRequired(PRICE, DURATION), LOCK);
        assertEq(market.bondRequired(type(uint96).max - 1, DURATION), 1_000e6);
        assertEq(market.bondRequired(0, DURATION), 0);
    }

    function test_depositBond_requiresRegisteredProvider() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderNotRegistered.selector, stranger));
        market.depositBond(1e6);
    }

    function test_placeBid_locksAndOutbidReleases() public {
        uint256 id = _createDefault();
        _bid(id, alice, PRICE);
        assertEq(market.getBond(alice).locked, LOCK);
        _bid(id, bob, PRICE - 1e5); // bob outbids alice: alice's lock comes back
        assertEq(market.getBond(alice).locked, 0);
        assertEq(market.getBond(bob).locked, market.bondRequired(PRICE - 1e5, DURATION));
        _bid(id, bob, PRICE / 2); // self-undercut: the lock shrinks with the price
        assertEq(market.getBond(bob).locked, market.bondRequired(PRICE / 2, DURATION));
    }

    function test_placeBid_revertsWhen_bondInsufficient() public {
        address carol = makeAddr("carol");
        vm.prank(carol);
        market.registerProvider(address(0), REGION, new bytes32[](0), new IComputeMarket.Attribute[](0));
        uint256 id = _createDefault();
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InsufficientBond.selector, carol, LOCK, 0));
        market.placeBid(id, carol, PRICE, _regionReq());
    }

    function test_bondWithdrawal_waitsForUnbonding() public {
        vm.prank(alice);
        vm.expectRevert(IComputeMarket.NothingUnbonding.selector);
        market.withdrawBond();
        _accepted(PRICE); // alice holds LOCK
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InsufficientBond.selector, alice, BOND, BOND - LOCK));
        market.requestBondWithdrawal(BOND);
        vm.prank(alice);
        market.requestBondWithdrawal(BOND - LOCK);
        IComputeMarket.BondInfo memory b = market.getBond(alice);
        assertEq(b.total, BOND);
        assertEq(b.unbonding, BOND - LOCK);
        assertEq(_free(alice), 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.UnbondingNotOver.selector, block.timestamp + 60));
        market.withdrawBond();
        vm.warp(block.timestamp + 60);
        uint256 before = usd.balanceOf(alice);
        vm.prank(alice);
        market.withdrawBond();
        assertEq(usd.balanceOf(alice) - before, BOND - LOCK);
        assertEq(market.getBond(alice).total, LOCK);
    }

    function test_closeLease_releasesLock() public {
        uint256 id = _lease(PRICE);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(tenant);
        market.closeLease(id, "done");
        assertEq(market.getBond(alice).locked, 0);
    }

    function test_cancelOrder_releasesBestBidLock() public {
        uint256 id = _createDefault();
        _bid(id, alice, PRICE);
        vm.prank(tenant);
        market.cancelOrder(id);
        assertEq(market.getBond(alice).locked, 0);
    }

    // ------------------------------------------------------------ attested start

    function test_noAccrualBeforeAttestation() public {
        uint256 id = _accepted(PRICE);
        vm.warp(block.timestamp + 5 minutes);
        assertEq(market.accrued(id), 0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NothingToWithdraw.selector, id));
        market.withdraw(id);
        uint256 attestedAt = block.timestamp;
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseStartAttested(id, keccak256("manifest"), uint40(attestedAt), uint40(attestedAt + DURATION));
        _attest(id);
        vm.warp(attestedAt + 1 hours);
        assertEq(market.accrued(id), PRICE);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        assertEq(l.attestedAt, attestedAt);
        assertEq(l.endsAt, attestedAt + DURATION);
        assertEq(l.startDeadline, attestedAt - 5 minutes + 600);
    }

    function test_attestStart_checks() public {
        uint256 id = _accepted(PRICE);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotDeployer.selector, stranger));
        market.attestStart(id, keccak256("manifest"));
        vm.prank(tenant);
        market.setLeaseSpec(id, keccak256("v2"));
        vm.prank(attester);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.SpecHashMismatch.selector, id, keccak256("manifest"), keccak256("v2"))
        );
        market.attestStart(id, keccak256("manifest"));
        _attest(id);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.AlreadyAttested.selector, id));
        market.attestStart(id, keccak256("v2"));
    }

    function test_attestStart_revertsWhen_deadlinePassed() public {
        uint256 id = _accepted(PRICE);
        uint256 deadline = block.timestamp + 600;
        vm.warp(deadline + 1);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.StartDeadlinePassed.selector, id, deadline));
        market.attestStart(id, keccak256("manifest"));
    }

    function test_cancelUnstarted_refundsAndSlashes() public {
        uint256 id = _accepted(PRICE);
        uint256 deadline = block.timestamp + 600;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.StartDeadlineNotPassed.selector, id, deadline));
        market.cancelUnstarted(id);
        vm.warp(deadline + 1);
        uint256 before = usd.balanceOf(tenant);
        uint256 slash = LOCK * 5_000 / 10_000;
        vm.expectEmit(address(market));
        emit IComputeMarket.BondSlashed(alice, id, slash, tenant, "start");
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseUnstarted(id, DEPOSIT, slash);
        vm.prank(stranger);
        market.cancelUnstarted(id);
        assertEq(usd.balanceOf(tenant) - before, DEPOSIT + slash);
        IComputeMarket.BondInfo memory b = market.getBond(alice);
        assertEq(b.total, BOND - slash);
        assertEq(b.locked, 0);
        assertTrue(market.getLease(id).status == IComputeMarket.OrderStatus.Closed);
        assertEq(market.getProvider(alice).activeLeases, 0);
    }

    // ------------------------------------------------------------ SLA refunds

    function test_attestDowntime_refundsFromEarningsThenBond() public {
        uint256 id = _lease(PRICE);
        vm.warp(block.timestamp + 1 hours); // earned 1 USD, none withdrawn
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        uint32[] memory secs = new uint32[](1);
        secs[0] = 1800; // 0.5 USD, all from earnings
        uint256 before = usd.balanceOf(tenant);
        vm.prank(attester);
        market.attestDowntime(ids, secs);
        assertEq(usd.balanceOf(tenant) - before, 5e5);
        assertEq(market.getLease(id).refunded, 5e5);
        assertEq(market.withdrawable(id), 5e5);
        market.withdraw(id); // provider takes the rest
        secs[0] = 3600; // 1 USD: nothing earned left, all from the bond
        vm.expectEmit(address(market));
        emit IComputeMarket.DowntimeRefunded(id, 3600, 0, 1e6);
        vm.prank(attester);
        market.attestDowntime(ids, secs);
        assertEq(market.getBond(alice).total, BOND - 1e6);
        assertEq(market.getLease(id).downtimeSeconds, 5400);
        // Close: the provider gets accrued - paidOut - refunded, the tenant escrow - accrued.
        vm.warp(block.timestamp + 1 hours);
        uint256 aliceBefore = usd.balanceOf(alice);
        vm.prank(tenant);
        market.closeLease(id, "done");
        assertEq(usd.balanceOf(alice) - aliceBefore, PRICE - PRICE * FEE_BPS / 10_000);
        assertEq(_held(), market.feesAccrued()); // only fees stay besides the bonds
    }

    /// Batching does not change the refund: n attestations of a few seconds each pay exactly what one
    /// attestation of their sum pays (priced on the running total, rounded down once).
    function testFuzz_attestDowntime_batchingDoesNotRound(uint96 price, uint8 batches, uint16 seed) public {
        price = uint96(bound(price, 1, PRICE));
        batches = uint8(bound(batches, 1, 40));
        uint256 id = _lease(price);
        vm.warp(block.timestamp + 1 hours);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        uint32[] memory secs = new uint32[](1);
        uint256 total;
        uint256 before = usd.balanceOf(tenant);
        for (uint256 i; i < batches; ++i) {
            secs[0] = uint32(1 + (uint256(keccak256(abi.encode(seed, i))) % 7));
            total += secs[0];
            vm.prank(attester);
            market.attestDowntime(ids, secs);
        }
        assertEq(usd.balanceOf(tenant) - before, uint256(price) * total / 3600);
        assertEq(market.getLease(id).refunded, uint256(price) * total / 3600);
    }

    function test_attestDowntime_skipsUnstartedAndChecksLengths() public {
        uint256 id = _accepted(PRICE);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        uint32[] memory secs = new uint32[](2);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LengthMismatch.selector, 1, 2));
        market.attestDowntime(ids, secs);
        secs = new uint32[](1);
        secs[0] = 60;
        vm.prank(attester);
        market.attestDowntime(ids, secs); // not started: nothing happens
        assertEq(market.getLease(id).downtimeSeconds, 0);
    }

    // ------------------------------------------------------------ reputation

    function test_minReputation_enforced() public {
        Order memory o = _order();
        o.minReputation = 50;
        uint256 id = _create(o);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ReputationTooLow.selector, alice, 0, 50));
        market.placeBid(id, alice, PRICE, _regionReq());
        address[] memory ps = new address[](1);
        ps[0] = alice;
        uint8[] memory scores = new uint8[](1);
        scores[0] = 101;
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ScoreOutOfRange.selector, 101));
        market.attestReputation(ps, scores);
        scores[0] = 50;
        vm.prank(attester);
        market.attestReputation(ps, scores);
        assertEq(market.getProvider(alice).reputation, 50);
        _bid(id, alice, PRICE);
        assertEq(market.getOrder(id).minReputation, 50);
    }

    // ------------------------------------------------------------ sealed bids

    function _sealedOrder() internal returns (uint256 id) {
        Order memory o = _order();
        o.auctionFormat = 1;
        o.revealWindow = 300;
        id = _create(o);
    }

    function _commit(uint256 id, address p, uint96 price) internal {
        bytes32 c = market.bidCommitment(id, p, price, bytes32(uint256(uint160(p))));
        vm.prank(p);
        market.commitBid(id, p, c, _regionReq());
    }

    function _reveal(uint256 id, address p, uint96 price) internal {
        market.revealBid(id, p, price, bytes32(uint256(uint160(p))));
    }

    function test_sealed_refusesPlaceBidAndAccept() public {
        uint256 id = _sealedOrder();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.SealedAuction.selector, id));
        market.placeBid(id, alice, PRICE, _regionReq());
        assertEq(market.getOrder(id).auctionFormat, 1);
    }

    function test_sealed_settlesAtSecondPrice() public {
        uint256 id = _sealedOrder();
        uint256 maxLock = market.bondRequired(MAX_PRICE, DURATION);
        _commit(id, alice, PRICE);
        _commit(id, bob, PRICE + 2e5);
        assertEq(market.getBond(alice).locked, maxLock);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.AlreadyCommitted.selector, id, alice));
        vm.prank(alice);
        market.commitBid(id, alice, bytes32(uint256(1)), _regionReq());
        vm.warp(block.timestamp + WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidReveal.selector, id, alice));
        _reveal(id, alice, PRICE + 1);
        _reveal(id, bob, PRICE + 2e5);
        _reveal(id, alice, PRICE);
        assertEq(market.getBond(bob).locked, 0); // lost: released
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.RevealOpen.selector, id, block.timestamp + 300));
        market.settle(id);
        vm.warp(block.timestamp + 300);
        market.settle(id);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        assertEq(l.provider, alice);
        assertEq(l.pricePerHour, PRICE + 2e5); // the second price
        assertEq(market.getBond(alice).locked, market.bondRequired(PRICE + 2e5, DURATION));
        IComputeMarket.SealedAuctionInfo memory sa = market.getSealedAuction(id);
        assertEq(sa.commits, 2);
        assertEq(sa.reveals, 2);
        assertEq(sa.secondPrice, PRICE + 2e5);
    }

    function test_sealed_singleRevealPaysMax_andUnrevealedForfeits() public {
        uint256 id = _sealedOrder();
        _commit(id, alice, PRICE);
        _commit(id, bob, PRICE / 2);
        vm.warp(block.timestamp + WINDOW);
        _reveal(id, alice, PRICE);
        vm.expectRevert();
        market.forfeitCommit(id, bob); // reveal window still open
        vm.warp(block.timestamp + 300);
        market.settle(id);
        assertEq(market.getLease(id).pricePerHour, MAX_PRICE);
        uint256 lock = market.bondRequired(MAX_PRICE, DURATION);
        uint256 before = usd.balanceOf(tenant);
        market.forfeitCommit(id, bob);
        assertEq(usd.balanceOf(tenant) - before, lock / 10);
        assertEq(market.getBond(bob).total, BOND - lock / 10);
        assertEq(market.getBond(bob).locked, 0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NoCommit.selector, id, bob));
        market.forfeitCommit(id, bob);
    }

    function test_sealed_noRevealExpires_cancelReleasesCommits() public {
        uint256 id = _sealedOrder();
        _commit(id, alice, PRICE);
        vm.warp(block.timestamp + WINDOW + 300);
        market.settle(id);
        assertTrue(market.getOrder(id).status == IComputeMarket.OrderStatus.Expired);
        uint256 other = _sealedOrder();
        _commit(other, bob, PRICE);
        vm.prank(tenant);
        market.cancelOrder(other);
        market.forfeitCommit(other, bob); // cancelled by the tenant: released in full
        assertEq(market.getBond(bob).total, BOND);
        assertEq(market.getBond(bob).locked, 0);
    }

    // ------------------------------------------------------------ fuzz

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_downtimeRefund_conservesMoney(uint96 price, uint32 elapsed, uint32 down, bool withdrawFirst)
        public
    {
        price = uint96(bound(price, 1e4, MAX_PRICE));
        elapsed = uint32(bound(elapsed, 1, DURATION));
        down = uint32(bound(down, 1, 7 days));
        uint256 id = _lease(price);
        uint256 totalBefore = usd.balanceOf(address(market)) + usd.balanceOf(tenant) + usd.balanceOf(alice);
        vm.warp(block.timestamp + elapsed);
        if (withdrawFirst && market.withdrawable(id) != 0) market.withdraw(id);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        uint32[] memory secs = new uint32[](1);
        secs[0] = down;
        vm.prank(attester);
        market.attestDowntime(ids, secs);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        assertLe(uint256(l.paidOut) + l.refunded, l.accrued);
        vm.prank(tenant);
        market.closeLease(id, "done");
        // Nothing minted or lost: the three parties plus the market (fees, bonds) hold what they held.
        assertEq(usd.balanceOf(address(market)) + usd.balanceOf(tenant) + usd.balanceOf(alice), totalBefore);
        assertEq(_held(), market.feesAccrued());
    }

    function testFuzz_sealed_winnerPaysSecondLowest(uint96 a, uint96 b) public {
        a = uint96(bound(a, 1, MAX_PRICE));
        b = uint96(bound(b, 1, MAX_PRICE));
        uint256 id = _sealedOrder();
        _commit(id, alice, a);
        _commit(id, bob, b);
        vm.warp(block.timestamp + WINDOW);
        _reveal(id, alice, a);
        _reveal(id, bob, b);
        vm.warp(block.timestamp + 300);
        market.settle(id);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        assertEq(l.provider, b < a ? bob : alice); // ties: the first reveal
        assertEq(l.pricePerHour, a > b ? a : b);
        assertEq(market.getBond(l.provider == alice ? bob : alice).locked, 0);
        assertEq(market.getBond(l.provider).locked, market.bondRequired(l.pricePerHour, DURATION));
    }

    function testFuzz_bidLocks_sumOverBestBids(uint96[6] memory prices, bool[6] memory byBob) public {
        uint256 a = _createDefault();
        uint256 c = _createDefault();
        uint96 bestA = MAX_PRICE + 1;
        uint96 bestC = MAX_PRICE + 1;
        address whoA;
        address whoC;
        for (uint256 i; i < 6; ++i) {
            bool onA = i % 2 == 0;
            uint96 best = onA ? bestA : bestC;
            if (best <= 1) continue;
            uint96 p = uint96(bound(prices[i], 1, best - 1));
            address who = byBob[i] ? bob : alice;
            _bid(onA ? a : c, who, p);
            if (onA) (bestA, whoA) = (p, who);
            else (bestC, whoC) = (p, who);
        }
        uint256 expectAlice;
        uint256 expectBob;
        if (whoA == alice) expectAlice += market.bondRequired(bestA, DURATION);
        if (whoA == bob) expectBob += market.bondRequired(bestA, DURATION);
        if (whoC == alice) expectAlice += market.bondRequired(bestC, DURATION);
        if (whoC == bob) expectBob += market.bondRequired(bestC, DURATION);
        assertEq(market.getBond(alice).locked, expectAlice);
        assertEq(market.getBond(bob).locked, expectBob);
    }
}
