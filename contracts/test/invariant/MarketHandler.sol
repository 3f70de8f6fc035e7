// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {IComputeMarketFull} from "../../src/interfaces/IComputeMarketFull.sol";
import {IComputeMarket} from "../../src/interfaces/IComputeMarket.sol";
import {Order} from "../../src/libraries/OrderLib.sol";
import {LeaseUpdate} from "../../src/libraries/LeaseUpdateLib.sol";
import {MockStablecoin} from "../../src/mocks/MockStablecoin.sol";

/// @dev Drives the market through random but valid sequences (orders, bids, settle/accept/cancel, withdraw,
/// top-up, close, time passing, fee claims, delegates, spec updates by anyone, auto top-up rules and keeper
/// calls) and keeps ghost totals of every token movement it causes, measured as balance deltas of the actors
/// rather than trusted from the contract. Breaches the contract must never allow are counted in ghosts
/// (assertions inside a handler would only revert the call, which the invariant runner ignores).
contract MarketHandler is Test {
    IComputeMarketFull public immutable market;
    MockStablecoin public immutable usd;

    address[] public tenants;
    address[] public providers;
    uint256[] public ids;

    uint256 public ghostDeposits;
    uint256 public ghostTopUps;
    uint256 public ghostProviderPayouts;
    uint256 public ghostRefunds;
    uint256 public ghostFeesClaimed;
    uint256 public ghostAutoTopUps;
    /// @dev Bonds in, bonds withdrawn (part of the providers' payouts), and bond slashed to tenants (kept out of
    /// `ghostRefunds`): deposits + bonds = payouts + refunds + slashes + held.
    uint256 public ghostBondDeposits;
    uint256 public ghostBondWithdrawals;
    uint256 public ghostSlashes;
    uint256 internal pendingSlash;

    /// @dev Keys that sign spec updates: the tenants' own (index < 3) and two deploy keys (3, 4).
    uint256[] internal keys;
    address[] public deployKeys;
    /// @dev The grants the handler made (tenant => delegate => lease id or 0 => allowed).
    mapping(address => mapping(address => mapping(uint256 => bool))) internal ghostGrants;
    /// @dev Expected spec hash and revision per lease, moved only by updates the ghost model authorises.
    mapping(uint256 id => bytes32) public ghostSpec;
    mapping(uint256 id => uint32) public ghostRevision;
    /// @dev Per lease: what its auto top-ups pulled from the tenant, and the highest cap ever set.
    mapping(uint256 id => uint256) public ghostAutoTopUpOf;
    mapping(uint256 id => uint256) public ghostMaxCap;
    /// @dev Ids that ever had an auto top-up rule: the keeper action picks among them.
    uint256[] internal ruled;
    /// @dev Must stay zero: a spec moved by an unauthorised account, an auto top-up that left its lease above
    /// the cap in force or did not pull exactly the rule's amount, or happened with enough runway.
    uint256 public ghostUnauthorisedSpecMoves;
    uint256 public ghostAutoTopUpBreaches;
    /// @dev How often each state change really happened (to see the fuzzer reaches deep states).
    mapping(bytes32 action => uint256) public calls;
    uint256 internal nonce;

    constructor(IComputeMarketFull market_, MockStablecoin usd_) {
        market = market_;
        usd = usd_;
        for (uint256 i; i < 3; ++i) {
            address t = vm.addr(uint256(keccak256(abi.encode("tenant", i))));
            tenants.push(t);
            usd.mint(t, 1_000_000e6);
            vm.prank(t);
            usd.approve(address(market), type(uint256).max);
            address p = vm.addr(uint256(keccak256(abi.encode("provider", i))));
            providers.push(p);
            vm.prank(p);
            market.registerProvider(address(0), "eu-west", new bytes32[](0), new IComputeMarket.Attribute[](0));
            usd.mint(p, 100_000e6);
            vm.startPrank(p);
            usd.approve(address(market), type(uint256).max);
            market.depositBond(100_000e6);
            vm.stopPrank();
            ghostBondDeposits += 100_000e6;
            keys.push(uint256(keccak256(abi.encode("tenant", i))));
        }
        for (uint256 i; i < 2; ++i) {
            uint256 key = uint256(keccak256(abi.encode("deploy key", i)));
            keys.push(key);
            deployKeys.push(vm.addr(key));
        }
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function _id(uint256 seed) internal view returns (uint256) {
        return ids.length == 0 ? 0 : ids[seed % ids.length];
    }

    function _status(uint256 id) internal view returns (IComputeMarket.OrderStatus) {
        return market.getOrder(id).status;
    }

    function _sumBalances(address[] storage who) internal view returns (uint256 sum) {
        for (uint256 i; i < who.length; ++i) {
            sum += usd.balanceOf(who[i]);
        }
    }

    /// @dev Runs after an action: attributes balance changes of tenants (refunds) and providers (payouts).
    modifier accounted() {
        uint256 tenantsBefore = _sumBalances(tenants);
        uint256 providersBefore = _sumBalances(providers);
        _;
        uint256 tenantsAfter = _sumBalances(tenants);
        if (tenantsAfter > tenantsBefore) ghostRefunds += tenantsAfter - tenantsBefore - pendingSlash;
        ghostSlashes += pendingSlash;
        pendingSlash = 0;
        ghostProviderPayouts += _sumBalances(providers) - providersBefore;
    }

    function _bondTotals() internal view returns (uint256 sum) {
        for (uint256 i; i < providers.length; ++i) {
            sum += market.getBond(providers[i]).total;
        }
    }

    // ------------------------------------------------------------ integrity actions (the handler is the deployer)

    function attestStart(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        (bytes32 spec,) = market.getLeaseSpec(id);
        try market.attestStart(id, spec == bytes32(0) ? keccak256("order spec") : spec) {
            ++calls["attestStart"];
        } catch {}
    }

    function cancelUnstarted(uint256 idSeed) external accounted {
        uint256 before = _bondTotals();
        try market.cancelUnstarted(_id(idSeed)) {
            ++calls["cancelUnstarted"];
        } catch {}
        pendingSlash = before - _bondTotals();
    }

    function attestDowntime(uint256 idSeed, uint32 secs) external accounted {
        uint256[] memory ids_ = new uint256[](1);
        ids_[0] = _id(idSeed);
        uint32[] memory secs_ = new uint32[](1);
        secs_[0] = uint32(bound(secs, 1, 2 days));
        uint256 before = _bondTotals();
        try market.attestDowntime(ids_, secs_) {
            ++calls["attestDowntime"];
        } catch {}
        pendingSlash = before - _bondTotals();
    }

    function bondWithdrawal(uint256 providerSeed, uint96 amount, bool complete) external accounted {
        address p = providers[providerSeed % providers.length];
        vm.startPrank(p);
        if (complete) {
            uint256 before = usd.balanceOf(p);
            try market.withdrawBond() {
                ++calls["withdrawBond"];
                ghostBondWithdrawals += usd.balanceOf(p) - before;
            } catch {}
        } else {
            try market.requestBondWithdrawal(bound(amount, 1, 50_000e6)) {
                ++calls["requestBondWithdrawal"];
            } catch {}
        }
        vm.stopPrank();
    }

    function createOrder(uint256 actor, uint96 maxPrice, uint96 deposit, uint32 duration, uint32 window) external {
        address t = tenants[actor % tenants.length];
        Order memory o = Order({
            tenant: t,
            specHash: keccak256(abi.encode(nonce)),
            cpuMillicores: 1000,
            memoryMiB: 1024,
            storageMiB: 1024,
            gpuCount: 0,
            gpuModel: bytes32(0),
            requiredAttributes: new bytes32[](0),
            maxPricePerHour: uint96(bound(maxPrice, 1, 100e6)),
            duration: uint32(bound(duration, 1, 7 days)),
            deposit: uint96(bound(deposit, 1, 10_000e6)),
            bidWindow: uint32(bound(window, 1, 1 hours)),
            nonce: nonce++,
            deadline: block.timestamp,
            startDeadline: 600,
            auctionFormat: 0,
            revealWindow: 0,
            minReputation: 0
        });
        vm.prank(t);
        ids.push(market.createOrder(o));
        ghostDeposits += o.deposit;
    }

    /// @dev Order, bid and acceptance in one step, so leases (what updates and top-ups act on) are common
    /// within the run depth; the escrow lasts 1 to 48 hours, so runways run low.
    function openLease(uint256 actor, uint256 providerSeed, uint96 price, uint32 hoursFunded, uint32 duration)
        external
    {
        address t = tenants[actor % tenants.length];
        uint96 p = uint96(bound(price, 1e6, 100e6));
        Order memory o = Order({
            tenant: t,
            specHash: keccak256(abi.encode(nonce)),
            cpuMillicores: 1000,
            memoryMiB: 1024,
            storageMiB: 1024,
            gpuCount: 0,
            gpuModel: bytes32(0),
            requiredAttributes: new bytes32[](0),
            maxPricePerHour: p,
            duration: uint32(bound(duration, 1 hours, 7 days)),
            deposit: p * uint96(bound(hoursFunded, 1, 48)),
            bidWindow: 1 hours,
            nonce: nonce++,
            deadline: block.timestamp,
            startDeadline: 600,
            auctionFormat: 0,
            revealWindow: 0,
            minReputation: 0
        });
        vm.prank(t);
        uint256 id = market.createOrder(o);
        ids.push(id);
        ghostDeposits += o.deposit;
        address provider = providers[providerSeed % providers.length];
        vm.prank(provider);
        market.placeBid(id, provider, p, new bytes32[](0));
        vm.prank(t);
        market.acceptBid(id);
        ++calls["openLease"];
        if (price % 3 != 0) market.attestStart(id, keccak256("order spec"));
        // Every other lease starts with an auto top-up rule, so keeper calls often find one.
        if (hoursFunded % 2 == 0) {
            uint96 amount = p * uint96(bound(hoursFunded, 1, 12));
            uint96 cap = amount * uint96(bound(duration, 1, 5));
            vm.prank(t);
            market.setAutoTopUp(id, amount, cap, uint32(bound(price, 1 hours, 3 days)));
            if (cap > ghostMaxCap[id]) ghostMaxCap[id] = cap;
            ruled.push(id);
        }
    }

    function placeBid(uint256 idSeed, uint256 providerSeed, uint96 price) external {
        uint256 id = _id(idSeed);
        if (_status(id) != IComputeMarket.OrderStatus.Open) return;
        IComputeMarket.OrderInfo memory o = market.getOrder(id);
        if (block.timestamp >= o.bidEnd) return;
        (, uint96 best) = market.bestBid(id);
        uint256 ceiling = best == 0 ? 100e6 : best - 1;
        if (ceiling == 0) return;
        address p = providers[providerSeed % providers.length];
        vm.prank(p);
        try market.placeBid(id, p, uint96(bound(price, 1, ceiling)), new bytes32[](0)) {} catch {}
    }

    function settle(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        if (_status(id) != IComputeMarket.OrderStatus.Open || block.timestamp < market.getOrder(id).bidEnd) return;
        market.settle(id);
        ++calls["settle"];
    }

    function acceptBid(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        IComputeMarket.OrderInfo memory o = market.getOrder(id);
        if (o.status != IComputeMarket.OrderStatus.Open || o.bestProvider == address(0)) return;
        vm.prank(o.tenant);
        market.acceptBid(id);
        ++calls["acceptBid"];
    }

    function cancelOrder(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        IComputeMarket.OrderInfo memory o = market.getOrder(id);
        if (o.status != IComputeMarket.OrderStatus.Open) return;
        vm.prank(o.tenant);
        market.cancelOrder(id);
        ++calls["cancelOrder"];
    }

    function withdraw(uint256 idSeed) external accounted {
        uint256 id = _id(idSeed);
        if (market.withdrawable(id) == 0) return;
        market.withdraw(id);
        ++calls["withdraw"];
    }

    function topUp(uint256 idSeed, uint256 actor, uint96 amount) external {
        uint256 id = _id(idSeed);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        if (l.status != IComputeMarket.OrderStatus.Active) return;
        if (block.timestamp >= l.endsAt || l.accrued >= l.escrow) return;
        uint256 a = bound(amount, 1, 1_000e6);
        address from = tenants[actor % tenants.length];
        vm.prank(from);
        market.topUp(id, a);
        ghostTopUps += a;
        ++calls["topUp"];
    }

    function closeLease(uint256 idSeed, uint256 who) external {
        uint256 id = _id(idSeed);
        IComputeMarket.LeaseInfo memory l = market.getLease(id);
        if (l.status != IComputeMarket.OrderStatus.Active) return;
        address caller = who % 2 == 0 ? l.tenant : l.provider;
        uint256 tenantsBefore = _sumBalances(tenants);
        uint256 providersBefore = _sumBalances(providers);
        vm.prank(caller);
        market.closeLease(id, "invariant");
        ++calls["closeLease"];
        ghostRefunds += _sumBalances(tenants) - tenantsBefore;
        ghostProviderPayouts += _sumBalances(providers) - providersBefore;
    }

    function warp(uint32 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 12 hours));
    }

    function claimFees() external {
        uint256 fees = market.feesAccrued();
        if (fees == 0) return;
        market.claimFees();
        ghostFeesClaimed += fees;
    }

    // ------------------------------------------------------------ delegates and spec updates

    function setDelegate(uint256 idSeed, uint256 actor, uint256 delegateSeed, bool allLeases, bool allowed) external {
        uint256 id = allLeases ? 0 : _id(idSeed);
        address t = id == 0 ? tenants[actor % tenants.length] : market.getOrder(id).tenant;
        if (t == address(0)) return;
        address d = deployKeys[delegateSeed % deployKeys.length];
        vm.prank(t);
        market.setDelegate(d, id, allowed);
        ghostGrants[t][d][id] = allowed;
        ++calls["setDelegate"];
    }

    function _authorised(address tenant, address account, uint256 id) internal view returns (bool) {
        return account == tenant || ghostGrants[tenant][account][0] || ghostGrants[tenant][account][id];
    }

    function _recordSpecMove(uint256 id, address account, bytes32 spec) internal {
        (address t) = market.getOrder(id).tenant;
        if (!_authorised(t, account, id)) ++ghostUnauthorisedSpecMoves;
        ghostSpec[id] = spec;
        ++ghostRevision[id];
        ++calls["specUpdate"];
    }

    /// @dev Any of tenants, deploy keys, providers or a stranger tries to set the spec directly.
    function setLeaseSpec(uint256 idSeed, uint256 actor, bytes32 spec) external {
        uint256 id = _id(idSeed);
        // Half the time the lease's own tenant (so updates do land), else anyone from the pool.
        uint256 n = tenants.length + deployKeys.length + providers.length + 1;
        uint256 a = (actor >> 1) % n;
        address account = a < 3 ? tenants[a] : a < 5 ? deployKeys[a - 3] : a < 8 ? providers[a - 5] : address(0xbad);
        if (actor % 2 == 0) account = market.getOrder(id).tenant;
        vm.prank(account);
        try market.setLeaseSpec(id, spec) {
            _recordSpecMove(id, account, spec);
        } catch {}
    }

    /// @dev Any key signs an update (at the current revision or a stale/future one); a stranger relays it.
    function updateLeaseSpec(uint256 idSeed, uint256 keySeed, bytes32 spec, uint8 nonceShift) external {
        uint256 id = _id(idSeed);
        uint256 key = keys[(keySeed >> 1) % keys.length];
        address t = market.getOrder(id).tenant;
        // Half the time the lease's own tenant key (so updates do land).
        for (uint256 i; i < tenants.length && keySeed % 2 == 0; ++i) {
            if (tenants[i] == t) key = keys[i];
        }
        (, uint32 revision) = market.getLeaseSpec(id);
        uint256 updateNonce = uint256(revision) + (nonceShift % 4 == 0 ? 1 : 0);
        LeaseUpdate memory u = LeaseUpdate({leaseId: id, specHash: spec, nonce: updateNonce, deadline: block.timestamp});
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.hashLeaseUpdate(u));
        address signer = vm.addr(key);
        vm.prank(address(0xbad));
        try market.updateLeaseSpec(u, signer, abi.encodePacked(r, s, v)) {
            _recordSpecMove(id, signer, spec);
        } catch {}
    }

    // ------------------------------------------------------------ auto top-up

    function setAutoTopUp(uint256 idSeed, uint96 amount, uint96 cap, uint32 minRunway, bool clear) external {
        uint256 id = _id(idSeed);
        IComputeMarket.OrderInfo memory o = market.getOrder(id);
        if (o.status != IComputeMarket.OrderStatus.Open && o.status != IComputeMarket.OrderStatus.Active) return;
        if (clear) {
            (amount, cap, minRunway) = (0, 0, 0);
        } else {
            amount = uint96(bound(amount, 1, 500e6));
            cap = uint96(bound(cap, amount, 2_000e6));
            minRunway = uint32(bound(minRunway, 1, 30 days));
        }
        vm.prank(o.tenant);
        market.setAutoTopUp(id, amount, cap, minRunway);
        if (cap > ghostMaxCap[id]) ghostMaxCap[id] = cap;
        ruled.push(id);
        ++calls["setAutoTopUp"];
    }

    /// @dev The keeper (anyone) calls; it may revert (no rule, runway fine, cap, over, closed).
    function autoTopUp(uint256 idSeed) external {
        // Mostly a lease that has (had) a rule; sometimes any id, to also meet "no rule".
        uint256 id = ruled.length == 0 || idSeed % 4 == 0 ? _id(idSeed) : ruled[(idSeed >> 2) % ruled.length];
        IComputeMarket.LeaseInfo memory before = market.getLease(id);
        (IComputeMarket.AutoTopUpRule memory rule,) = market.getAutoTopUp(id);
        uint256 tenantsBefore = _sumBalances(tenants);
        vm.prank(address(0xbeef));
        try market.autoTopUp(id) {
            uint256 pulled = tenantsBefore - _sumBalances(tenants);
            ghostAutoTopUps += pulled;
            ghostAutoTopUpOf[id] += pulled;
            (, uint256 used) = market.getAutoTopUp(id);
            uint256 runway = (before.escrow - before.accrued) * 3600 / before.pricePerHour;
            if (pulled != rule.amountPerTopUp || used > rule.totalCap || runway >= rule.minRunwaySeconds) {
                ++ghostAutoTopUpBreaches;
            }
            ++calls["autoTopUp"];
        } catch {}
    }
}
