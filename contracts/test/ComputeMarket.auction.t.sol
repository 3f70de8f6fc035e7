// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order, OrderLib} from "../src/libraries/OrderLib.sol";

contract ComputeMarketAuctionTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
    }

    // ------------------------------------------------------------ placeBid

    function test_placeBid_storesBestBidAndEmits() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.BidPlaced(id, alice, alice, MAX_PRICE);
        _bid(id, alice, MAX_PRICE);
        (address p, uint96 price) = market.bestBid(id);
        assertEq(p, alice);
        assertEq(price, MAX_PRICE);
    }

    function test_placeBid_byOperator() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.BidPlaced(id, alice, operator, 1e6);
        vm.prank(operator);
        market.placeBid(id, alice, 1e6, _regionReq());
        (address p,) = market.bestBid(id);
        assertEq(p, alice);
    }

    function test_placeBid_undercutReplacesBest() public {
        _bid(id, alice, 15e5);
        _bid(id, bob, 15e5 - 1);
        (address p, uint96 price) = market.bestBid(id);
        assertEq(p, bob);
        assertEq(price, 15e5 - 1);
    }

    function test_placeBid_withoutRequirements() public {
        Order memory o = _order();
        o.requiredAttributes = new bytes32[](0);
        uint256 open = _create(o);
        vm.prank(bob);
        market.placeBid(open, bob, 1e6, new bytes32[](0));
        (address p,) = market.bestBid(open);
        assertEq(p, bob);
    }

    function test_placeBid_revertsWhen_orderNotOpen() public {
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, 99, IComputeMarket.OrderStatus.None)
        );
        _bid(99, alice, 1e6);
    }

    function test_placeBid_revertsWhen_biddingClosed() public {
        vm.warp(block.timestamp + WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.BiddingClosed.selector, id, block.timestamp));
        _bid(id, alice, 1e6);
    }

    function test_placeBid_revertsWhen_priceZero() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ZeroPrice.selector, id));
        _bid(id, alice, 0);
    }

    function test_placeBid_revertsWhen_priceAboveMax() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.PriceAboveMax.selector, id, MAX_PRICE + 1, MAX_PRICE));
        _bid(id, alice, MAX_PRICE + 1);
    }

    function test_placeBid_revertsWhen_notLowerThanBest() public {
        _bid(id, alice, 1e6);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.BidNotLower.selector, id, 1e6, 1e6));
        _bid(id, bob, 1e6);
    }

    function test_placeBid_revertsWhen_providerNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderNotRegistered.selector, stranger));
        _bid(id, stranger, 1e6);
    }

    function test_placeBid_revertsWhen_callerNotProviderOrOperator() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotProviderOrOperator.selector, stranger, alice));
        vm.prank(stranger);
        market.placeBid(id, alice, 1e6, _regionReq());
    }

    function test_placeBid_revertsWhen_operatorBidsForOtherProvider() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotProviderOrOperator.selector, operator, bob));
        vm.prank(operator);
        market.placeBid(id, bob, 1e6, _regionReq());
    }

    function test_placeBid_revertsWhen_requirementsMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.RequirementsMismatch.selector, id));
        vm.prank(alice);
        market.placeBid(id, alice, 1e6, new bytes32[](0));
    }

    function test_placeBid_revertsWhen_requirementsGivenForOrderWithout() public {
        Order memory o = _order();
        o.requiredAttributes = new bytes32[](0);
        uint256 open = _create(o);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.RequirementsMismatch.selector, open));
        _bid(open, alice, 1e6);
    }

    function test_placeBid_revertsWhen_missingAttribute() public {
        Order memory o = _order();
        bytes32 gpuAttr = OrderLib.attributeId("gpu", GPU);
        o.requiredAttributes = _one(gpuAttr);
        uint256 gpuOrder = _create(o);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.MissingAttribute.selector, bob, gpuAttr));
        vm.prank(bob);
        market.placeBid(gpuOrder, bob, 1e6, _one(gpuAttr));
        // alice has the GPU
        vm.prank(alice);
        market.placeBid(gpuOrder, alice, 1e6, _one(gpuAttr));
    }

    function test_placeBid_revertsWhen_attributeRemovedByUpdate() public {
        vm.prank(alice);
        market.updateProvider("us-east", new bytes32[](0), new IComputeMarket.Attribute[](0));
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.MissingAttribute.selector, alice, _regionReq()[0])
        );
        _bid(id, alice, 1e6);
    }

    // ------------------------------------------------------------ settle

    function test_settle_startsLeaseWithBestBid() public {
        _bid(id, alice, 15e5);
        _bid(id, bob, 1e6);
        vm.warp(block.timestamp + WINDOW);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseStarted(
            id, bob, tenant, 1e6, uint40(block.timestamp), uint40(block.timestamp + DURATION), FEE_BPS, false
        );
        vm.prank(stranger);
        market.settle(id);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        assertTrue(l.status == IComputeMarket.OrderStatus.Active);
        assertEq(l.provider, bob);
        assertEq(l.pricePerHour, 1e6);
        assertEq(l.startedAt, block.timestamp);
        assertEq(l.endsAt, block.timestamp + DURATION);
        assertEq(l.feeBps, FEE_BPS);
        assertEq(market.getProvider(bob).activeLeases, 1);
    }

    function test_settle_withoutBid_refundsTenant() public {
        vm.warp(block.timestamp + WINDOW);
        uint256 before = usd.balanceOf(tenant);
        vm.expectEmit(address(market));
        emit IComputeMarket.OrderExpired(id, DEPOSIT);
        vm.prank(stranger);
        market.settle(id);
        assertEq(usd.balanceOf(tenant), before + DEPOSIT);
        assertTrue(market.getOrder(id).status == IComputeMarket.OrderStatus.Expired);
    }

    function test_settle_winnerDeregistered_refundsTenant() public {
        _bid(id, bob, 1e6);
        vm.prank(bob);
        market.deregisterProvider();
        vm.warp(block.timestamp + WINDOW);
        uint256 before = usd.balanceOf(tenant);
        market.settle(id);
        assertEq(usd.balanceOf(tenant), before + DEPOSIT);
        assertTrue(market.getOrder(id).status == IComputeMarket.OrderStatus.Expired);
    }

    function test_settle_revertsWhen_biddingOpen() public {
        uint256 bidEnd = block.timestamp + WINDOW;
        vm.warp(bidEnd - 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.BiddingOpen.selector, id, bidEnd));
        market.settle(id);
    }

    function test_settle_revertsWhen_alreadySettled() public {
        _bid(id, alice, 1e6);
        vm.warp(block.timestamp + WINDOW);
        market.settle(id);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Active)
        );
        market.settle(id);
    }

    // ------------------------------------------------------------ acceptBid

    function test_acceptBid_startsLeaseEarly() public {
        _bid(id, alice, 1e6);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseStarted(
            id, alice, tenant, 1e6, uint40(block.timestamp), uint40(block.timestamp + DURATION), FEE_BPS, true
        );
        vm.prank(tenant);
        market.acceptBid(id);
        assertTrue(market.getOrder(id).status == IComputeMarket.OrderStatus.Active);
        assertEq(market.getLease(id).startedAt, block.timestamp);
    }

    function test_acceptBid_revertsWhen_notTenant() public {
        _bid(id, alice, 1e6);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, id, stranger));
        vm.prank(stranger);
        market.acceptBid(id);
    }

    function test_acceptBid_revertsWhen_noBid() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NoBid.selector, id));
        vm.prank(tenant);
        market.acceptBid(id);
    }

    function test_acceptBid_revertsWhen_providerDeregistered() public {
        _bid(id, bob, 1e6);
        vm.prank(bob);
        market.deregisterProvider();
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderNotRegistered.selector, bob));
        vm.prank(tenant);
        market.acceptBid(id);
    }

    function test_acceptBid_revertsWhen_notOpen() public {
        vm.prank(tenant);
        market.cancelOrder(id);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Cancelled)
        );
        vm.prank(tenant);
        market.acceptBid(id);
    }

    function test_placeBid_revertsWhen_afterAccept() public {
        _bid(id, alice, 1e6);
        vm.prank(tenant);
        market.acceptBid(id);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Active)
        );
        _bid(id, bob, 5e5);
    }
}

/// @dev Orders and bids are made in setUp so that both settles in the test touch storage that is equally
/// cold and clean (a forge test is one transaction: slots written earlier in it would be cheaper).
contract ComputeMarketSettleGasTest is MarketFixture {
    uint256 internal warmup;
    uint256 internal one;
    uint256 internal hundred;

    function setUp() public override {
        super.setUp();
        warmup = _createDefault();
        one = _createDefault();
        hundred = _createDefault();
        _bid(warmup, alice, MAX_PRICE);
        _bid(one, alice, MAX_PRICE);
        for (uint96 i; i < 100; ++i) {
            _bid(hundred, i % 2 == 0 ? bob : alice, MAX_PRICE - i); // alice places the 100th
        }
        vm.warp(block.timestamp + WINDOW);
    }

    function test_settle_gasIndependentOfBidCount() public {
        market.settle(warmup); // warms the accounts and slots both measured calls share
        uint256 g0 = gasleft();
        market.settle(one);
        uint256 afterOne = g0 - gasleft();
        g0 = gasleft();
        market.settle(hundred);
        uint256 afterHundred = g0 - gasleft();
        assertEq(afterOne, afterHundred, "settle gas must not depend on the number of bids");
    }
}
