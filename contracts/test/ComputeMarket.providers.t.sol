// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {OrderLib} from "../src/libraries/OrderLib.sol";

contract ComputeMarketProvidersTest is MarketFixture {
    function _attrs(bytes32 key, bytes32 value) internal pure returns (IComputeMarket.Attribute[] memory a) {
        a = new IComputeMarket.Attribute[](1);
        a[0] = IComputeMarket.Attribute(key, value);
    }

    function test_registerProvider_storesRecordAndAttributes() public {
        address carol = makeAddr("carol");
        vm.expectEmit(address(market));
        emit IComputeMarket.ProviderRegistered(carol, operator, "us-east", _one(GPU), _attrs("tier", "gold"), 1);
        vm.prank(carol);
        market.registerProvider(operator, "us-east", _one(GPU), _attrs("tier", "gold"));

        IComputeMarket.ProviderInfo memory p = market.getProvider(carol);
        assertTrue(p.registered);
        assertEq(p.operator, operator);
        assertEq(p.attributeEpoch, 1);
        assertEq(p.activeLeases, 0);
        assertTrue(market.providerHasAttribute(carol, OrderLib.attributeId("region", "us-east")));
        assertTrue(market.providerHasAttribute(carol, OrderLib.attributeId("gpu", GPU)));
        assertTrue(market.providerHasAttribute(carol, OrderLib.attributeId("tier", "gold")));
        assertFalse(market.providerHasAttribute(carol, OrderLib.attributeId("region", REGION)));
    }

    function test_registerProvider_revertsWhen_alreadyRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderAlreadyRegistered.selector, alice));
        vm.prank(alice);
        market.registerProvider(address(0), REGION, new bytes32[](0), new IComputeMarket.Attribute[](0));
    }

    function test_registerProvider_revertsWhen_tooManyAttributes() public {
        bytes32[] memory gpus = new bytes32[](32);
        for (uint256 i; i < gpus.length; ++i) {
            gpus[i] = bytes32(i + 1);
        }
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.TooManyAttributes.selector, 33, 32));
        vm.prank(makeAddr("carol"));
        market.registerProvider(address(0), REGION, gpus, new IComputeMarket.Attribute[](0));
    }

    function test_updateProvider_replacesAttributes() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.ProviderUpdated(alice, "us-east", new bytes32[](0), _attrs("tier", "gold"), 2);
        vm.prank(alice);
        market.updateProvider("us-east", new bytes32[](0), _attrs("tier", "gold"));
        assertFalse(market.providerHasAttribute(alice, OrderLib.attributeId("region", REGION)));
        assertFalse(market.providerHasAttribute(alice, OrderLib.attributeId("gpu", GPU)));
        assertTrue(market.providerHasAttribute(alice, OrderLib.attributeId("region", "us-east")));
        assertTrue(market.providerHasAttribute(alice, OrderLib.attributeId("tier", "gold")));
    }

    function test_updateProvider_revertsWhen_notRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderNotRegistered.selector, stranger));
        vm.prank(stranger);
        market.updateProvider(REGION, new bytes32[](0), new IComputeMarket.Attribute[](0));
    }

    function test_updateProvider_revertsWhen_tooManyAttributes() public {
        IComputeMarket.Attribute[] memory attrs = new IComputeMarket.Attribute[](33);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.TooManyAttributes.selector, 33, 32));
        vm.prank(alice);
        market.updateProvider(bytes32(0), new bytes32[](0), attrs);
    }

    function test_setOperator_setsAndEmits() public {
        address op2 = makeAddr("op2");
        vm.expectEmit(address(market));
        emit IComputeMarket.OperatorSet(bob, op2);
        vm.prank(bob);
        market.setOperator(op2);
        assertEq(market.getProvider(bob).operator, op2);
    }

    function test_setOperator_revertsWhen_notRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderNotRegistered.selector, stranger));
        vm.prank(stranger);
        market.setOperator(operator);
    }

    function test_deregisterProvider_clearsRecord() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.ProviderDeregistered(alice);
        vm.prank(alice);
        market.deregisterProvider();
        IComputeMarket.ProviderInfo memory p = market.getProvider(alice);
        assertFalse(p.registered);
        assertEq(p.operator, address(0));
        assertFalse(market.providerHasAttribute(alice, OrderLib.attributeId("region", REGION)));
    }

    function test_deregisterProvider_revertsWhen_notRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderNotRegistered.selector, stranger));
        vm.prank(stranger);
        market.deregisterProvider();
    }

    function test_deregisterProvider_revertsWhen_activeLease() public {
        _lease(1e6);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ProviderHasActiveLeases.selector, alice, 1));
        vm.prank(alice);
        market.deregisterProvider();
    }

    function test_deregisterProvider_succeedsAfterLeaseClosed() public {
        uint256 id = _lease(1e6);
        vm.prank(tenant);
        market.closeLease(id, "done");
        vm.prank(alice);
        market.deregisterProvider();
        assertFalse(market.getProvider(alice).registered);
    }

    function test_registerProvider_afterDeregister_oldAttributesDoNotComeBack() public {
        vm.startPrank(alice);
        market.deregisterProvider();
        market.registerProvider(address(0), "us-east", new bytes32[](0), new IComputeMarket.Attribute[](0));
        vm.stopPrank();
        assertEq(market.getProvider(alice).attributeEpoch, 2);
        assertFalse(market.providerHasAttribute(alice, OrderLib.attributeId("gpu", GPU)));
        assertTrue(market.providerHasAttribute(alice, OrderLib.attributeId("region", "us-east")));
    }
}
