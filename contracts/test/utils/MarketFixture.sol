// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {deployMarket, devIntegrityParams} from "./IntegrityParams.sol";
import {Test} from "./Test.sol";
import {ComputeMarket} from "../../src/ComputeMarket.sol";
import {IComputeMarket} from "../../src/interfaces/IComputeMarket.sol";
import {IComputeMarketFull} from "../../src/interfaces/IComputeMarketFull.sol";
import {Order, OrderLib} from "../../src/libraries/OrderLib.sol";
import {MockStablecoin} from "../../src/mocks/MockStablecoin.sol";

/// @dev Shared deployment and builders for the ComputeMarket tests: a market with a 1% fee, a funded tenant
/// (with a signing key), two providers in eu-west (alice names `operator`), and a default order.
abstract contract MarketFixture is Test {
    IComputeMarketFull internal market;
    MockStablecoin internal usd;

    address internal owner;
    address internal treasury;
    address internal tenant;
    uint256 internal tenantKey;
    address internal alice; // provider, operator = `operator`
    address internal bob; // provider, no operator
    address internal operator;
    address internal stranger;
    address internal attester; // the marketplace's deployer key

    bytes32 internal constant REGION = "eu-west";
    bytes32 internal constant GPU = "nvidia-a100";
    uint96 internal constant MAX_PRICE = 2e6; // 2 USD/hour
    uint96 internal constant DEPOSIT = 48e6; // 24 hours at max price
    uint32 internal constant DURATION = 1 days;
    uint32 internal constant WINDOW = 10 minutes;
    uint16 internal constant FEE_BPS = 100;

    uint256 internal nextNonce;

    function setUp() public virtual {
        owner = makeAddr("owner");
        treasury = makeAddr("treasury");
        (tenant, tenantKey) = makeAddrAndKey("tenant");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        operator = makeAddr("operator");
        stranger = makeAddr("stranger");
        attester = makeAddr("attester");
        vm.warp(1_700_000_000);

        usd = new MockStablecoin();
        market = IComputeMarketFull(
            address(deployMarket(IERC20(address(usd)), owner, treasury, FEE_BPS, devIntegrityParams()))
        );
        _fund(tenant, 1_000_000e6);
        _fund(stranger, 1_000_000e6);

        vm.prank(alice);
        market.registerProvider(operator, REGION, _one(GPU), new IComputeMarket.Attribute[](0));
        vm.prank(bob);
        market.registerProvider(address(0), REGION, new bytes32[](0), new IComputeMarket.Attribute[](0));
        vm.prank(owner);
        market.setDeployer(attester);
        // Both providers bond enough for any lease of the default order (bondRequired caps at 1,000 USD).
        _bond(alice, BOND);
        _bond(bob, BOND);
    }

    uint256 internal constant BOND = 10_000e6;

    function _bond(address provider, uint256 amount) internal {
        _fund(provider, amount);
        vm.prank(provider);
        market.depositBond(amount);
    }

    /// @dev The market's balance minus every provider bond (alice's and bob's): what escrows and fees hold.
    function _held() internal view returns (uint256) {
        return usd.balanceOf(address(market)) - market.getBond(alice).total - market.getBond(bob).total;
    }

    /// @dev The deployer attests the lease's start now (its spec: the order's, unless updated on chain).
    function _attest(uint256 id) internal {
        (bytes32 spec,) = market.getLeaseSpec(id);
        vm.prank(attester);
        market.attestStart(id, spec == bytes32(0) ? keccak256("manifest") : spec);
    }

    function _fund(address who, uint256 amount) internal {
        usd.mint(who, amount);
        vm.prank(who);
        usd.approve(address(market), type(uint256).max);
    }

    function _one(bytes32 x) internal pure returns (bytes32[] memory a) {
        a = new bytes32[](1);
        a[0] = x;
    }

    function _regionReq() internal pure returns (bytes32[] memory) {
        return _one(OrderLib.attributeId("region", REGION));
    }

    function _order() internal returns (Order memory o) {
        o = Order({
            tenant: tenant,
            specHash: keccak256("manifest"),
            cpuMillicores: 2000,
            memoryMiB: 4096,
            storageMiB: 10_240,
            gpuCount: 0,
            gpuModel: bytes32(0),
            requiredAttributes: _regionReq(),
            maxPricePerHour: MAX_PRICE,
            duration: DURATION,
            deposit: DEPOSIT,
            bidWindow: WINDOW,
            nonce: nextNonce++,
            deadline: block.timestamp + 1 hours,
            startDeadline: 600,
            auctionFormat: 0,
            revealWindow: 0,
            minReputation: 0
        });
    }

    function _create(Order memory o) internal returns (uint256 id) {
        vm.prank(o.tenant);
        id = market.createOrder(o);
    }

    function _createDefault() internal returns (uint256) {
        return _create(_order());
    }

    function _bid(uint256 id, address provider, uint96 price) internal {
        vm.prank(provider);
        market.placeBid(id, provider, price, _regionReq());
    }

    function _sign(Order memory o, uint256 key) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.hashOrder(o));
        return abi.encodePacked(r, s, v);
    }

    /// @dev An active, started lease: default order, alice bids `price`, the tenant accepts, the deployer
    /// attests the start at once (so it accrues from now, as every lease did before attestation existed).
    function _lease(uint96 price) internal returns (uint256 id) {
        id = _createDefault();
        _bid(id, alice, price);
        vm.prank(tenant);
        market.acceptBid(id);
        _attest(id);
    }
}
