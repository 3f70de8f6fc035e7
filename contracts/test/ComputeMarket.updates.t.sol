// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {ERC1271WalletMock} from "./mocks/ERC1271WalletMock.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order} from "../src/libraries/OrderLib.sol";
import {LeaseUpdate, LeaseUpdateLib} from "../src/libraries/LeaseUpdateLib.sol";

/// @dev Spec updates (signed and direct) and scoped deploy keys (delegates).
contract ComputeMarketUpdatesTest is MarketFixture {
    uint96 internal constant PRICE = 1e6;
    bytes32 internal constant SPEC_1 = keccak256("manifest v1");
    bytes32 internal constant SPEC_2 = keccak256("manifest v2");

    uint256 internal id;
    address internal deployKey;
    uint256 internal deployKeyPk;

    function setUp() public override {
        super.setUp();
        id = _lease(PRICE);
        (deployKey, deployKeyPk) = makeAddrAndKey("deployKey");
    }

    function _update(uint256 leaseId, bytes32 spec, uint256 nonce) internal view returns (LeaseUpdate memory) {
        return LeaseUpdate({leaseId: leaseId, specHash: spec, nonce: nonce, deadline: block.timestamp + 1 hours});
    }

    function _signUpdate(LeaseUpdate memory u, uint256 key) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.hashLeaseUpdate(u));
        return abi.encodePacked(r, s, v);
    }

    function _grant(address delegate, uint256 leaseId) internal {
        vm.prank(tenant);
        market.setDelegate(delegate, leaseId, true);
    }

    // ------------------------------------------------------------ hashing

    function test_leaseUpdateTypehash_matchesTypeString() public pure {
        assertEq(
            LeaseUpdateLib.LEASE_UPDATE_TYPEHASH,
            keccak256("LeaseUpdate(uint256 leaseId,bytes32 specHash,uint256 nonce,uint256 deadline)")
        );
    }

    function test_hashLeaseUpdate_isEip712DigestOfStructHash() public view {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes32 structHash = keccak256(
            abi.encode(LeaseUpdateLib.LEASE_UPDATE_TYPEHASH, u.leaseId, u.specHash, u.nonce, u.deadline)
        );
        assertEq(
            market.hashLeaseUpdate(u), keccak256(abi.encodePacked("\x19\x01", market.domainSeparator(), structHash))
        );
    }

    // ------------------------------------------------------------ updateLeaseSpec (signed, relayed)

    function test_updateLeaseSpec_relaysTenantSignature() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseSpecUpdated(id, SPEC_1, 1, tenant);
        vm.prank(stranger); // the marketplace relays
        market.updateLeaseSpec(u, tenant, sig);
        (bytes32 spec, uint32 revision) = market.getLeaseSpec(id);
        assertEq(spec, SPEC_1);
        assertEq(revision, 1);
    }

    function test_updateLeaseSpec_rollbackIsANewRevision() public {
        bytes32 original = _order().specHash;
        market.updateLeaseSpec(_update(id, SPEC_1, 0), tenant, _signUpdate(_update(id, SPEC_1, 0), tenantKey));
        market.updateLeaseSpec(_update(id, SPEC_2, 1), tenant, _signUpdate(_update(id, SPEC_2, 1), tenantKey));
        LeaseUpdate memory back = _update(id, original, 2);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseSpecUpdated(id, original, 3, tenant);
        market.updateLeaseSpec(back, tenant, _signUpdate(back, tenantKey));
        (bytes32 spec, uint32 revision) = market.getLeaseSpec(id);
        assertEq(spec, original);
        assertEq(revision, 3);
    }

    function test_updateLeaseSpec_byDelegateForThisLease() public {
        _grant(deployKey, id);
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseSpecUpdated(id, SPEC_1, 1, deployKey);
        market.updateLeaseSpec(u, deployKey, _signUpdate(u, deployKeyPk));
    }

    function test_updateLeaseSpec_byDelegateForAllLeases() public {
        _grant(deployKey, 0);
        uint256 later = _lease(PRICE); // a lease created after the grant is covered too
        for (uint256 i; i < 2; ++i) {
            uint256 leaseId = i == 0 ? id : later;
            LeaseUpdate memory u = _update(leaseId, SPEC_1, 0);
            market.updateLeaseSpec(u, deployKey, _signUpdate(u, deployKeyPk));
            (bytes32 spec,) = market.getLeaseSpec(leaseId);
            assertEq(spec, SPEC_1);
        }
    }

    function test_updateLeaseSpec_acceptsERC1271Tenant() public {
        ERC1271WalletMock wallet = new ERC1271WalletMock(tenant);
        usd.mint(address(wallet), DEPOSIT);
        vm.prank(tenant);
        wallet.approve(IERC20(address(usd)), address(market), DEPOSIT);
        Order memory o = _order();
        o.tenant = address(wallet);
        uint256 walletLease = market.createOrderWithSignature(o, _sign(o, tenantKey));
        _bid(walletLease, alice, PRICE);
        vm.warp(block.timestamp + WINDOW);
        market.settle(walletLease);

        LeaseUpdate memory u = _update(walletLease, SPEC_1, 0);
        market.updateLeaseSpec(u, address(wallet), _signUpdate(u, tenantKey));
        (bytes32 spec,) = market.getLeaseSpec(walletLease);
        assertEq(spec, SPEC_1);
    }

    function test_updateLeaseSpec_revertsWhen_replayed() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        market.updateLeaseSpec(u, tenant, sig);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidLeaseUpdateNonce.selector, id, 0, 1));
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_nonceAhead() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 5);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidLeaseUpdateNonce.selector, id, 5, 0));
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_overtakenByDirectUpdate() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.prank(tenant);
        market.setLeaseSpec(id, SPEC_2);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidLeaseUpdateNonce.selector, id, 0, 1));
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_deadlinePassed() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.warp(u.deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LeaseUpdateExpired.selector, u.deadline, u.deadline + 1));
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_signatureNotBySigner() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, deployKeyPk);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashLeaseUpdate(u))
        );
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_fieldTampered() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        u.specHash = SPEC_2;
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashLeaseUpdate(u))
        );
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_signedForAnotherLease() public {
        uint256 other = _lease(PRICE);
        LeaseUpdate memory u = _update(other, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        u.leaseId = id;
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.InvalidSignature.selector, tenant, market.hashLeaseUpdate(u))
        );
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_signerNotAuthorised() public {
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, deployKeyPk);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenantOrDelegate.selector, id, deployKey));
        market.updateLeaseSpec(u, deployKey, sig);
    }

    function test_updateLeaseSpec_revertsWhen_delegateScopedToOtherLease() public {
        uint256 other = _lease(PRICE);
        _grant(deployKey, other);
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, deployKeyPk);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenantOrDelegate.selector, id, deployKey));
        market.updateLeaseSpec(u, deployKey, sig);
    }

    function test_updateLeaseSpec_revertsWhen_delegateOfAnotherTenant() public {
        // stranger grants the key for all of *its* leases: that does not reach the tenant's lease.
        vm.prank(stranger);
        market.setDelegate(deployKey, 0, true);
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, deployKeyPk);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenantOrDelegate.selector, id, deployKey));
        market.updateLeaseSpec(u, deployKey, sig);
    }

    function test_updateLeaseSpec_revertsWhen_delegateRevoked() public {
        _grant(deployKey, 0);
        vm.prank(tenant);
        market.setDelegate(deployKey, 0, false);
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, deployKeyPk);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenantOrDelegate.selector, id, deployKey));
        market.updateLeaseSpec(u, deployKey, sig);
    }

    function test_updateLeaseSpec_revertsWhen_leaseNotStarted() public {
        uint256 open = _createDefault();
        LeaseUpdate memory u = _update(open, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, open, IComputeMarket.OrderStatus.Open)
        );
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_leaseOver() public {
        vm.warp(block.timestamp + DURATION);
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LeaseOver.selector, id));
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_leaseClosed() public {
        vm.prank(tenant);
        market.closeLease(id, "done");
        LeaseUpdate memory u = _update(id, SPEC_1, 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.UnexpectedStatus.selector, id, IComputeMarket.OrderStatus.Closed)
        );
        market.updateLeaseSpec(u, tenant, sig);
    }

    function test_updateLeaseSpec_revertsWhen_zeroSpecHash() public {
        LeaseUpdate memory u = _update(id, bytes32(0), 0);
        bytes memory sig = _signUpdate(u, tenantKey);
        vm.expectRevert(IComputeMarket.ZeroSpecHash.selector);
        market.updateLeaseSpec(u, tenant, sig);
    }

    // ------------------------------------------------------------ setLeaseSpec (direct)

    function test_setLeaseSpec_byTenant() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseSpecUpdated(id, SPEC_1, 1, tenant);
        vm.prank(tenant);
        market.setLeaseSpec(id, SPEC_1);
        (bytes32 spec, uint32 revision) = market.getLeaseSpec(id);
        assertEq(spec, SPEC_1);
        assertEq(revision, 1);
    }

    function test_setLeaseSpec_byDelegate() public {
        _grant(deployKey, id);
        vm.expectEmit(address(market));
        emit IComputeMarket.LeaseSpecUpdated(id, SPEC_1, 1, deployKey);
        vm.prank(deployKey);
        market.setLeaseSpec(id, SPEC_1);
    }

    function test_setLeaseSpec_revertsWhen_stranger() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenantOrDelegate.selector, id, stranger));
        vm.prank(stranger);
        market.setLeaseSpec(id, SPEC_1);
    }

    function test_setLeaseSpec_revertsWhen_provider() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenantOrDelegate.selector, id, alice));
        vm.prank(alice);
        market.setLeaseSpec(id, SPEC_1);
    }

    function test_setLeaseSpec_revertsWhen_exhausted() public {
        vm.warp(block.timestamp + 48 hours);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.LeaseOver.selector, id));
        vm.prank(tenant);
        market.setLeaseSpec(id, SPEC_1);
    }

    function test_getLeaseSpec_zeroBeforeAnyUpdate() public view {
        (bytes32 spec, uint32 revision) = market.getLeaseSpec(id);
        assertEq(spec, bytes32(0));
        assertEq(revision, 0);
    }

    // ------------------------------------------------------------ setDelegate

    function test_setDelegate_grantsAndRevokesWithEvents() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.DelegateSet(tenant, deployKey, id, true);
        _grant(deployKey, id);
        assertTrue(market.isDelegate(tenant, deployKey, id));
        assertFalse(market.isDelegate(tenant, deployKey, id + 1));

        vm.expectEmit(address(market));
        emit IComputeMarket.DelegateSet(tenant, deployKey, id, false);
        vm.prank(tenant);
        market.setDelegate(deployKey, id, false);
        assertFalse(market.isDelegate(tenant, deployKey, id));
    }

    function test_setDelegate_allLeasesCoversAnyId() public {
        _grant(deployKey, 0);
        assertTrue(market.isDelegate(tenant, deployKey, id));
        assertTrue(market.isDelegate(tenant, deployKey, 12_345));
        assertFalse(market.isDelegate(stranger, deployKey, id));
    }

    function test_setDelegate_revertsWhen_notTenantOfLease() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, id, stranger));
        vm.prank(stranger);
        market.setDelegate(stranger, id, true);
    }

    function test_setDelegate_revertsWhen_unknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, 99, tenant));
        vm.prank(tenant);
        market.setDelegate(deployKey, 99, true);
    }

    function test_setDelegate_revertsWhen_zeroDelegate() public {
        vm.expectRevert(IComputeMarket.ZeroAddress.selector);
        vm.prank(tenant);
        market.setDelegate(address(0), id, true);
    }

    // ------------------------------------------------------------ a delegate can do nothing else

    function test_delegate_cannotClose() public {
        _grant(deployKey, 0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotAuthorizedToClose.selector, id, deployKey));
        vm.prank(deployKey);
        market.closeLease(id, "stolen");
    }

    function test_delegate_cannotCancelOrAccept() public {
        _grant(deployKey, 0);
        uint256 open = _createDefault();
        _bid(open, alice, PRICE);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, open, deployKey));
        vm.prank(deployKey);
        market.cancelOrder(open);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, open, deployKey));
        vm.prank(deployKey);
        market.acceptBid(open);
    }

    function test_delegate_cannotChangeRulesOrGrantOthers() public {
        _grant(deployKey, 0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, id, deployKey));
        vm.prank(deployKey);
        market.setAutoTopUp(id, 1e6, 10e6, 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NotTenant.selector, id, deployKey));
        vm.prank(deployKey);
        market.setDelegate(stranger, id, true);
        // A grant "for all leases" by the delegate only concerns the delegate's own leases.
        vm.prank(deployKey);
        market.setDelegate(stranger, 0, true);
        assertFalse(market.isDelegate(tenant, stranger, id));
    }

    function test_delegate_cannotMoveTenantFunds() public {
        _grant(deployKey, 0);
        uint256 tenantBefore = usd.balanceOf(tenant);
        uint256 escrowBefore = market.getLease(id).escrow;
        // topUp pulls from the caller, never the tenant: a key without tokens or allowance fails.
        vm.expectRevert();
        vm.prank(deployKey);
        market.topUp(id, 1e6);
        // withdraw pays only the provider.
        vm.warp(block.timestamp + 1 hours);
        vm.prank(deployKey);
        market.withdraw(id);
        assertEq(usd.balanceOf(deployKey), 0);
        // No auto top-up rule: nothing to pull.
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.NoAutoTopUpRule.selector, id));
        vm.prank(deployKey);
        market.autoTopUp(id);
        assertEq(usd.balanceOf(tenant), tenantBefore);
        assertEq(market.getLease(id).escrow, escrowBefore);
    }
}
