// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {deployMarket, devIntegrityParams} from "./utils/IntegrityParams.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {ERC1271WalletMock} from "./mocks/ERC1271WalletMock.sol";
import {ComputeMarket} from "../src/ComputeMarket.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order, OrderLib} from "../src/libraries/OrderLib.sol";

contract ComputeMarketOrdersTest is MarketFixture {
    // ------------------------------------------------------------ createOrder

    function test_createOrder_escrowsDepositAndStoresOrder() public {
        Order memory o = _order();
        bytes32 digest = market.hashOrder(o);
        uint256 before = usd.balanceOf(tenant);
        vm.expectEmit(address(market));
        emit IComputeMarket.OrderCreated(1, tenant, digest, uint40(block.timestamp + WINDOW), o);
        uint256 id = _create(o);

        assertEq(id, 1);
        assertEq(market.nextOrderId(), 2);
        assertEq(usd.balanceOf(tenant), before - DEPOSIT);
        assertEq(_held(), DEPOSIT);
        assertTrue(market.nonceUsed(tenant, o.nonce));
        IComputeMarket.OrderInfo memory info = market.getOrder(id);
        assertEq(info.tenant, tenant);
        assertTrue(info.status == IComputeMarket.OrderStatus.Open);
        assertEq(info.bidEnd, block.timestamp + WINDOW);
        assertEq(info.duration, DURATION);
        assertEq(info.escrow, DEPOSIT);
        assertEq(info.bestProvider, address(0));
        assertEq(info.bestPrice, 0);
        assertEq(info.requirementsTag, uint256(_tag(_regionReq())));
    }

    function _tag(bytes32[] memory a) internal pure returns (uint64) {
        return uint56(uint256(keccak256(abi.encodePacked(a))));
    }

    function test_createOrder_revertsWhen_callerNotTenant() public {
        Order memory o = _order();
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.CallerNotTenant.selector, stranger, tenant));
        vm.prank(stranger);
        market.createOrder(o);
    }

    function test_createOrder_revertsWhen_deadlinePassed() public {
        Order memory o = _order();
        o.deadline = block.timestamp - 1;
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.OrderDeadlinePassed.selector, o.deadline, block.timestamp)
        );
        _create(o);
    }

    function test_createOrder_revertsWhen_nonceUsed() public {
        Order memory o = _order();
        _create(o);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NonceAlreadyUsed.selector, tenant, o.nonce));
        _create(o);
    }

    function test_createOrder_revertsWhen_durationZero() public {
        Order memory o = _order();
        o.duration = 0;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidOrderField.selector, bytes32("duration")));
        _create(o);
    }

    function test_createOrder_revertsWhen_bidWindowZero() public {
        Order memory o = _order();
        o.bidWindow = 0;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidOrderField.selector, bytes32("bidWindow")));
        _create(o);
    }

    function test_createOrder_revertsWhen_bidWindowTooLong() public {
        Order memory o = _order();
        o.bidWindow = 30 days + 1;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidOrderField.selector, bytes32("bidWindow")));
        _create(o);
    }

    function test_createOrder_revertsWhen_maxPriceZero() public {
        Order memory o = _order();
        o.maxPricePerHour = 0;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidOrderField.selector, bytes32("maxPricePerHour")));
        _create(o);
    }

    function test_createOrder_revertsWhen_maxPriceAtUint96Max() public {
        Order memory o = _order();
        o.maxPricePerHour = type(uint96).max;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidOrderField.selector, bytes32("maxPricePerHour")));
        _create(o);
    }

    function test_createOrder_revertsWhen_depositZero() public {
        Order memory o = _order();
        o.deposit = 0;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidOrderField.selector, bytes32("deposit")));
        _create(o);
    }

    function test_createOrder_revertsWhen_tooManyRequiredAttributes() public {
        Order memory o = _order();
        o.requiredAttributes = new bytes32[](9);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.TooManyRequiredAttributes.selector, 9, 8));
        _create(o);
    }

    function test_createOrder_revertsWhen_allowanceMissing() public {
        Order memory o = _order();
        vm.prank(tenant);
        usd.approve(address(market), 0);
        vm.expectRevert();
        _create(o);
    }

    // ------------------------------------------------------------ createOrderWithSignature

    function test_createOrderWithSignature_relaysSignedOrder() public {
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        vm.prank(stranger);
        uint256 id = market.createOrderWithSignature(o, sig);
        assertEq(market.getOrder(id).tenant, tenant);
        assertEq(_held(), DEPOSIT);
        assertTrue(market.nonceUsed(tenant, o.nonce));
    }

    function test_createOrderWithSignature_acceptsERC1271Wallet() public {
        ERC1271WalletMock wallet = new ERC1271WalletMock(tenant);
        usd.mint(address(wallet), DEPOSIT);
        vm.prank(tenant);
        wallet.approve(IERC20(address(usd)), address(market), DEPOSIT);
        Order memory o = _order();
        o.tenant = address(wallet);
        bytes memory sig = _sign(o, tenantKey);
        vm.prank(stranger);
        uint256 id = market.createOrderWithSignature(o, sig);
        assertEq(market.getOrder(id).tenant, address(wallet));
    }

    function test_createOrderWithSignature_revertsWhen_ERC1271WalletRejects() public {
        (, uint256 otherKey) = makeAddrAndKey("other");
        ERC1271WalletMock wallet = new ERC1271WalletMock(tenant);
        Order memory o = _order();
        o.tenant = address(wallet);
        bytes memory sig = _sign(o, otherKey);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, address(wallet), market.hashOrder(o))
        );
        market.createOrderWithSignature(o, sig);
    }

    function test_createOrderWithSignature_revertsWhen_wrongSigner() public {
        (, uint256 otherKey) = makeAddrAndKey("other");
        Order memory o = _order();
        bytes memory sig = _sign(o, otherKey);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashOrder(o)));
        market.createOrderWithSignature(o, sig);
    }

    function test_createOrderWithSignature_revertsWhen_fieldTampered() public {
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        o.maxPricePerHour += 1;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashOrder(o)));
        market.createOrderWithSignature(o, sig);
    }

    function test_createOrderWithSignature_revertsWhen_requiredAttributesTampered() public {
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        o.requiredAttributes = new bytes32[](0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashOrder(o)));
        market.createOrderWithSignature(o, sig);
    }

    function test_createOrderWithSignature_revertsWhen_replayed() public {
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        market.createOrderWithSignature(o, sig);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NonceAlreadyUsed.selector, tenant, o.nonce));
        market.createOrderWithSignature(o, sig);
    }

    function test_createOrderWithSignature_revertsWhen_wrongChain() public {
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashOrder(o)));
        market.createOrderWithSignature(o, sig);
    }

    function test_createOrderWithSignature_revertsWhen_signedForOtherContract() public {
        ComputeMarket other = deployMarket(IERC20(address(usd)), owner, treasury, 0, devIntegrityParams());
        Order memory o = _order();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(tenantKey, other.hashOrder(o));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashOrder(o)));
        market.createOrderWithSignature(o, abi.encodePacked(r, s, v));
    }

    function test_createOrderWithSignature_revertsWhen_deadlinePassed() public {
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        vm.warp(o.deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.OrderDeadlinePassed.selector, o.deadline, block.timestamp)
        );
        market.createOrderWithSignature(o, sig);
    }

    // ------------------------------------------------------------ createOrderWithPermit

    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    function _permit(uint256 value, uint256 deadline) internal view returns (uint8, bytes32, bytes32) {
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, tenant, address(market), value, usd.nonces(tenant), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(tenantKey, digest);
    }

    function test_createOrderWithPermit_fundsWithPermit() public {
        vm.prank(tenant);
        usd.approve(address(market), 0);
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        (uint8 v, bytes32 r, bytes32 s) = _permit(DEPOSIT, block.timestamp + 1 hours);
        vm.prank(stranger);
        uint256 id = market.createOrderWithPermit(o, sig, block.timestamp + 1 hours, v, r, s);
        assertEq(market.getOrder(id).escrow, DEPOSIT);
        assertEq(_held(), DEPOSIT);
    }

    function test_createOrderWithPermit_toleratesFrontRunPermit() public {
        vm.prank(tenant);
        usd.approve(address(market), 0);
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        (uint8 v, bytes32 r, bytes32 s) = _permit(DEPOSIT, block.timestamp + 1 hours);
        usd.permit(tenant, address(market), DEPOSIT, block.timestamp + 1 hours, v, r, s); // griefer
        uint256 id = market.createOrderWithPermit(o, sig, block.timestamp + 1 hours, v, r, s);
        assertEq(market.getOrder(id).escrow, DEPOSIT);
    }

    function test_createOrderWithPermit_revertsWhen_badSignature() public {
        Order memory o = _order();
        (, uint256 otherKey) = makeAddrAndKey("other");
        bytes memory sig = _sign(o, otherKey);
        (uint8 v, bytes32 r, bytes32 s) = _permit(DEPOSIT, block.timestamp + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashOrder(o)));
        market.createOrderWithPermit(o, sig, block.timestamp + 1 hours, v, r, s);
    }

    // ------------------------------------------------------------ cancelOrder / invalidateNonce

    function test_cancelOrder_refundsDeposit() public {
        uint256 id = _createDefault();
        _bid(id, alice, 1e6);
        uint256 before = usd.balanceOf(tenant);
        vm.expectEmit(address(market));
        emit IComputeMarket.OrderCancelled(id, DEPOSIT);
        vm.prank(tenant);
        market.cancelOrder(id);
        assertEq(usd.balanceOf(tenant), before + DEPOSIT);
        assertEq(_held(), 0);
        assertTrue(market.getOrder(id).status == IComputeMarket.OrderStatus.Cancelled);
    }

    function test_cancelOrder_revertsWhen_notTenant() public {
        uint256 id = _createDefault();
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, id, stranger));
        vm.prank(stranger);
        market.cancelOrder(id);
    }

    function test_cancelOrder_revertsWhen_leaseExists() public {
        uint256 id = _lease(1e6);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Active)
        );
        vm.prank(tenant);
        market.cancelOrder(id);
    }

    function test_cancelOrder_revertsWhen_unknownOrder() public {
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, 42, IComputeMarket.OrderStatus.None)
        );
        vm.prank(tenant);
        market.cancelOrder(42);
    }

    function test_invalidateNonce_blocksSignedOrder() public {
        Order memory o = _order();
        bytes memory sig = _sign(o, tenantKey);
        vm.expectEmit(address(market));
        emit IComputeMarket.NonceInvalidated(tenant, o.nonce);
        vm.prank(tenant);
        market.invalidateNonce(o.nonce);
        assertTrue(market.nonceUsed(tenant, o.nonce));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NonceAlreadyUsed.selector, tenant, o.nonce));
        market.createOrderWithSignature(o, sig);
    }

    function test_invalidateNonce_revertsWhen_alreadyUsed() public {
        vm.startPrank(tenant);
        market.invalidateNonce(300);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NonceAlreadyUsed.selector, tenant, 300));
        market.invalidateNonce(300);
        vm.stopPrank();
    }

    function test_nonceUsed_isPerBit() public {
        vm.prank(tenant);
        market.invalidateNonce(257);
        assertTrue(market.nonceUsed(tenant, 257));
        assertFalse(market.nonceUsed(tenant, 256));
        assertFalse(market.nonceUsed(tenant, 1));
        assertFalse(market.nonceUsed(stranger, 257));
    }
}
