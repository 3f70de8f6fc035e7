// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {devIntegrityParams} from "./IntegrityParams.sol";
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
        vm.warp(1_700_000_000);

        usd = new MockStablecoin();
        market = IComputeMarketFull(
            address(new ComputeMarket(IERC20(address(usd)), owner, treasury, FEE_BPS, devIntegrityParams()))
        );
        _fund(tenant, 1_000_000e6);
        _fund(stranger, 1_000_000e6);

        vm.prank(alice);
        market.registerProvider(operator, REGION, _one(GPU), new IComputeMarket.Attribute[](0));
        vm.prank(bob);
        market.registerProvider(address(0), REGION, new bytes32[](0), new IComputeMarket.Attribute[](0));
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

    /// @dev An active lease: default order, alice bids `price`, the tenant accepts.
    function _lease(uint96 price) internal returns (uint256 id) {
        id = _createDefault();
        _bid(id, alice, price);
        vm.prank(tenant);
        market.acceptBid(id);
    }
}
