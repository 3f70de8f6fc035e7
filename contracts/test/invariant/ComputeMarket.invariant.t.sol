// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IComputeMarketFull} from "../../src/interfaces/IComputeMarketFull.sol";
import {deployMarket, devIntegrityParams} from "../utils/IntegrityParams.sol";
import {StdInvariant, Test} from "../utils/Test.sol";
import {MarketHandler} from "./MarketHandler.sol";
import {ComputeMarket} from "../../src/ComputeMarket.sol";
import {IComputeMarket} from "../../src/interfaces/IComputeMarket.sol";
import {MockStablecoin} from "../../src/mocks/MockStablecoin.sol";

/// @dev Money conservation (Solady-style handler pattern): the market's token balance always equals every
/// open escrow plus unclaimed fees, and deposits + top-ups (incl. auto) = provider payouts + fees + refunds +
/// held. Auto top-ups stay within each lease's rule; only the tenant or its delegates move a spec hash.
contract ComputeMarketInvariantTest is StdInvariant, Test {
    IComputeMarketFull internal market;
    MockStablecoin internal usd;
    MarketHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        usd = new MockStablecoin();
        market = IComputeMarketFull(
            address(
                deployMarket(IERC20(address(usd)), address(this), makeAddr("treasury"), 250, devIntegrityParams())
            )
        );
        handler = new MarketHandler(market, usd);
        market.setDeployer(address(handler));
        targetContract(address(handler));
        // Only the actions: the handler's public getters would waste the call budget.
        bytes4[] memory actions = new bytes4[](20);
        actions[0] = MarketHandler.createOrder.selector;
        actions[1] = MarketHandler.placeBid.selector;
        actions[2] = MarketHandler.settle.selector;
        actions[3] = MarketHandler.acceptBid.selector;
        actions[4] = MarketHandler.cancelOrder.selector;
        actions[5] = MarketHandler.withdraw.selector;
        actions[6] = MarketHandler.topUp.selector;
        actions[7] = MarketHandler.closeLease.selector;
        actions[8] = MarketHandler.warp.selector;
        actions[9] = MarketHandler.claimFees.selector;
        actions[10] = MarketHandler.setDelegate.selector;
        actions[11] = MarketHandler.setLeaseSpec.selector;
        actions[12] = MarketHandler.updateLeaseSpec.selector;
        actions[13] = MarketHandler.setAutoTopUp.selector;
        actions[14] = MarketHandler.autoTopUp.selector;
        actions[15] = MarketHandler.openLease.selector;
        actions[16] = MarketHandler.attestStart.selector;
        actions[17] = MarketHandler.cancelUnstarted.selector;
        actions[18] = MarketHandler.attestDowntime.selector;
        actions[19] = MarketHandler.bondWithdrawal.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    /// @dev What the market must still hold: unspent + unwithdrawn escrow of every open order and active lease.
    function _held() internal view returns (uint256 held) {
        uint256 n = handler.idCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            IComputeMarket.OrderInfo memory o = market.getOrder(id);
            if (o.status == IComputeMarket.OrderStatus.Open) {
                held += o.escrow;
            } else if (o.status == IComputeMarket.OrderStatus.Active) {
                IComputeMarket.LeaseInfo memory l = market.getLease(id);
                assertLe(uint256(l.paidOut) + l.refunded, l.accrued, "paidOut + refunded <= accrued");
                assertLe(l.accrued, l.escrow, "accrued <= escrow");
                held += l.escrow - l.paidOut - l.refunded;
            }
        }
    }

    /// @dev Every provider bond (free, locked and unbonding).
    function _bonds() internal view returns (uint256 sum) {
        for (uint256 i; i < 3; ++i) {
            sum += market.getBond(handler.providers(i)).total;
        }
    }

    function invariant_balanceCoversEveryEscrowAndBond() public view {
        assertEq(
            usd.balanceOf(address(market)), _held() + _bonds() + market.feesAccrued(), "balance == escrows + bonds + fees"
        );
    }

    function invariant_moneyIsConserved() public view {
        uint256 inflow =
            handler.ghostDeposits() + handler.ghostTopUps() + handler.ghostAutoTopUps() + handler.ghostBondDeposits();
        uint256 fees = market.feesAccrued() + handler.ghostFeesClaimed();
        uint256 outflow = handler.ghostProviderPayouts() + fees + handler.ghostRefunds() + handler.ghostSlashes();
        // held: escrow still owed to someone plus the bonds, summed from the views
        assertEq(
            inflow,
            outflow + _held() + _bonds(),
            "deposits + top-ups + bonds = payouts (incl. bond withdrawals) + fees + refunds + slashes + held"
        );
    }

    /// @dev Locks are recomputable: each provider's locked bond is the sum of bondRequired over the open
    /// orders it leads and its active leases.
    function invariant_locksMatchBestBidsAndLeases() public view {
        uint256[3] memory expected;
        uint256 n = handler.idCount();
        for (uint256 i; i < n; ++i) {
            IComputeMarket.OrderInfo memory o = market.getOrder(handler.ids(i));
            bool holds = (o.status == IComputeMarket.OrderStatus.Open || o.status == IComputeMarket.OrderStatus.Active)
                && o.bestProvider != address(0);
            if (!holds) continue;
            for (uint256 k; k < 3; ++k) {
                if (handler.providers(k) == o.bestProvider) {
                    expected[k] += market.bondRequired(o.bestPrice, o.duration);
                }
            }
        }
        for (uint256 k; k < 3; ++k) {
            assertEq(market.getBond(handler.providers(k)).locked, expected[k], "locked == sum of recomputed locks");
        }
    }

    function invariant_activeLeaseCountsMatch() public view {
        uint256 active;
        uint256 n = handler.idCount();
        for (uint256 i; i < n; ++i) {
            if (market.getOrder(handler.ids(i)).status == IComputeMarket.OrderStatus.Active) ++active;
        }
        uint256 counted;
        for (uint256 i; i < 3; ++i) {
            counted += market.getProvider(handler.providers(i)).activeLeases;
        }
        assertEq(active, counted, "providers' activeLeases == active leases");
    }

    function invariant_autoTopUpsWithinRules() public view {
        assertEq(handler.ghostAutoTopUpBreaches(), 0, "every auto top-up: exact amount, within cap, runway low");
        uint256 n = handler.idCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            (, uint256 used) = market.getAutoTopUp(id);
            assertEq(used, handler.ghostAutoTopUpOf(id), "used == what the tenant paid");
            assertLe(used, handler.ghostMaxCap(id), "used <= the highest cap the tenant ever set");
        }
    }

    function invariant_onlyTenantOrDelegateMovesSpec() public view {
        assertEq(handler.ghostUnauthorisedSpecMoves(), 0, "spec moved by an unauthorised account");
        uint256 n = handler.idCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            (bytes32 spec, uint32 revision) = market.getLeaseSpec(id);
            assertEq(spec, handler.ghostSpec(id), "spec hash == last authorised update");
            assertEq(revision, handler.ghostRevision(id), "revision == authorised updates");
        }
    }
}
