// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {deployMarket, devIntegrityParams} from "./utils/IntegrityParams.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {ComputeMarket} from "../src/ComputeMarket.sol";
import {ComputeMarketExtension} from "../src/ComputeMarketExtension.sol";
import {ComputeMarketViews} from "../src/ComputeMarketViews.sol";
import {IComputeMarket} from "../src/interfaces/IComputeMarket.sol";
import {Order, OrderLib} from "../src/libraries/OrderLib.sol";
import {MockStablecoin} from "../src/mocks/MockStablecoin.sol";

contract ComputeMarketAdminTest is MarketFixture {
    // ------------------------------------------------------------ constructor

    /// @dev Tests deploy without the EIP-170 limit; a real chain refuses a larger contract.
    function test_runtimeSize_withinEip170() public view {
        assertLe(address(market).code.length, 24_576);
        address ext = market.extension();
        assertLe(ext.code.length, 24_576);
        assertLe(ComputeMarketExtension(payable(ext)).views().code.length, 24_576);
    }

    function test_constructor_setsConfig() public view {
        assertEq(address(market.token()), address(usd));
        assertEq(market.owner(), owner);
        assertEq(market.treasury(), treasury);
        assertEq(market.feeBps(), FEE_BPS);
        assertEq(market.nextOrderId(), 1);
    }

    function test_constructor_revertsWhen_zeroToken() public {
        vm.expectRevert(IComputeMarket.ZeroAddress.selector);
        new ComputeMarketViews(IERC20(address(0)), owner, treasury, 0, devIntegrityParams());
    }

    function test_constructor_revertsWhen_zeroTreasury() public {
        vm.expectRevert(IComputeMarket.ZeroAddress.selector);
        new ComputeMarketViews(IERC20(address(usd)), owner, address(0), 0, devIntegrityParams());
    }

    function test_constructor_revertsWhen_feeTooHigh() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.FeeTooHigh.selector, 1001, 1000));
        new ComputeMarketViews(IERC20(address(usd)), owner, treasury, 1001, devIntegrityParams());
    }

    function test_constructor_revertsWhen_extensionBuiltWithOtherParams() public {
        IComputeMarket.IntegrityParams memory other = devIntegrityParams();
        other.bondBps = 1;
        ComputeMarketViews views = new ComputeMarketViews(IERC20(address(usd)), owner, treasury, 0, other);
        ComputeMarketExtension ext =
            new ComputeMarketExtension(IERC20(address(usd)), owner, treasury, 0, other, address(views));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidIntegrityParam.selector, bytes32("extension")));
        new ComputeMarket(IERC20(address(usd)), owner, treasury, 0, devIntegrityParams(), address(ext));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidIntegrityParam.selector, bytes32("views")));
        new ComputeMarketExtension(IERC20(address(usd)), owner, treasury, 0, devIntegrityParams(), address(views));
    }

    function test_constructor_revertsWhen_bpsAboveOneHundredPercent() public {
        IComputeMarket.IntegrityParams memory p = devIntegrityParams();
        p.startSlashBps = 10_001;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.InvalidIntegrityParam.selector, bytes32("startSlashBps")));
        new ComputeMarketViews(IERC20(address(usd)), owner, treasury, 0, p);
    }

    // ------------------------------------------------------------ setFee / setTreasury / claimFees

    function test_setFee_appliesToLeasesSettledAfter() public {
        uint256 before = _lease(1e6);
        vm.expectEmit(address(market));
        emit IComputeMarket.FeeSet(FEE_BPS, 500);
        vm.prank(owner);
        market.setFee(500);
        uint256 afterChange = _lease(1e6);
        assertEq(market.getLease(before).feeBps, FEE_BPS);
        assertEq(market.getLease(afterChange).feeBps, 500);
    }

    function test_setFee_revertsWhen_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        market.setFee(1);
    }

    function test_setFee_revertsWhen_aboveCap() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.FeeTooHigh.selector, 1001, 1000));
        vm.prank(owner);
        market.setFee(1001);
    }

    function test_setTreasury_setsAndEmits() public {
        vm.expectEmit(address(market));
        emit IComputeMarket.TreasurySet(treasury, stranger);
        vm.prank(owner);
        market.setTreasury(stranger);
        assertEq(market.treasury(), stranger);
    }

    function test_setTreasury_revertsWhen_zero() public {
        vm.expectRevert(IComputeMarket.ZeroAddress.selector);
        vm.prank(owner);
        market.setTreasury(address(0));
    }

    function test_setTreasury_revertsWhen_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        market.setTreasury(stranger);
    }

    function test_claimFees_sendsToTreasury() public {
        uint256 id = _lease(1e6);
        vm.warp(block.timestamp + 10 hours);
        market.withdraw(id);
        vm.expectEmit(address(market));
        emit IComputeMarket.FeesClaimed(treasury, 1e5);
        vm.prank(stranger);
        market.claimFees();
        assertEq(usd.balanceOf(treasury), 1e5);
        assertEq(market.feesAccrued(), 0);
    }

    function test_claimFees_revertsWhen_nothingAccrued() public {
        vm.expectRevert(IComputeMarket.ZeroAmount.selector);
        market.claimFees();
    }

    function test_ownership_transfersInTwoSteps() public {
        vm.prank(owner);
        market.transferOwnership(stranger);
        assertEq(market.owner(), owner);
        vm.prank(stranger);
        market.acceptOwnership();
        assertEq(market.owner(), stranger);
    }

    // ------------------------------------------------------------ views / EIP-712

    function test_domainSeparator_matchesEip712() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("KubeBid ComputeMarket"),
                keccak256("1"),
                block.chainid,
                address(market)
            )
        );
        assertEq(market.domainSeparator(), expected);
    }

    function test_orderTypehash_matchesTypeString() public pure {
        assertEq(
            OrderLib.ORDER_TYPEHASH,
            keccak256(
                "Order(address tenant,bytes32 specHash,uint32 cpuMillicores,uint32 memoryMiB,uint32 storageMiB,"
                "uint16 gpuCount,bytes32 gpuModel,bytes32[] requiredAttributes,uint96 maxPricePerHour,"
                "uint32 duration,uint96 deposit,uint32 bidWindow,uint256 nonce,uint256 deadline,uint16 startDeadline,"
                "uint8 auctionFormat,uint32 revealWindow,uint8 minReputation)"
            )
        );
    }

    function test_hashOrder_isEip712DigestOfStructHash() public {
        Order memory o = _order();
        bytes32 structHash = keccak256(
            bytes.concat(
                abi.encode(
                    OrderLib.ORDER_TYPEHASH,
                    o.tenant,
                    o.specHash,
                    o.cpuMillicores,
                    o.memoryMiB,
                    o.storageMiB,
                    o.gpuCount,
                    o.gpuModel
                ),
                abi.encode(
                    keccak256(abi.encodePacked(o.requiredAttributes)),
                    o.maxPricePerHour,
                    o.duration,
                    o.deposit,
                    o.bidWindow,
                    o.nonce,
                    o.deadline
                ),
                abi.encode(o.startDeadline, o.auctionFormat, o.revealWindow, o.minReputation)
            )
        );
        assertEq(market.hashOrder(o), keccak256(abi.encodePacked("\x19\x01", market.domainSeparator(), structHash)));
    }

    function test_attributeId_matchesLibrary() public view {
        assertEq(market.attributeId("region", REGION), keccak256(abi.encode(bytes32("region"), REGION)));
    }

    function test_bestBid_zeroWithoutBids() public {
        uint256 id = _createDefault();
        (address p, uint96 price) = market.bestBid(id);
        assertEq(p, address(0));
        assertEq(price, 0);
    }

    function test_getOrder_unknownIsEmpty() public view {
        IComputeMarket.OrderInfo memory info = market.getOrder(12345);
        assertTrue(info.status == IComputeMarket.OrderStatus.None);
        assertEq(info.tenant, address(0));
    }
}

contract MockStablecoinTest is MarketFixture {
    function test_decimals_isSix() public view {
        assertEq(usd.decimals(), 6);
    }

    function test_faucet_mintsToCaller() public {
        vm.prank(stranger);
        usd.faucet(5e6);
        assertEq(usd.balanceOf(stranger), 1_000_000e6 + 5e6);
    }

    function test_faucet_revertsWhen_aboveCap() public {
        vm.expectRevert(abi.encodeWithSelector(MockStablecoin.MintCapExceeded.selector, 1_000_000e6 + 1, 1_000_000e6));
        usd.faucet(1_000_000e6 + 1);
    }

    function test_mint_revertsWhen_aboveCap() public {
        vm.expectRevert(abi.encodeWithSelector(MockStablecoin.MintCapExceeded.selector, 1_000_000e6 + 1, 1_000_000e6));
        usd.mint(stranger, 1_000_000e6 + 1);
    }
}
