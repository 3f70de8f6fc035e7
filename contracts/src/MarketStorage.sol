// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IComputeMarket} from "./interfaces/IComputeMarket.sol";
import {LeaseUpdate, LeaseUpdateLib} from "./libraries/LeaseUpdateLib.sol";
import {OrderLib} from "./libraries/OrderLib.sol";

/// @title MarketStorage
/// @notice The storage, immutables and bases shared by `ComputeMarket` and `ComputeMarketExtension`. The market
/// delegatecalls the extension for its cold paths, so both must see one layout: both inherit this contract and
/// declare no state of their own. Append new state at the end only.
abstract contract MarketStorage is EIP712, Ownable2Step, ReentrancyGuardTransient {
    /// @notice Highest protocol fee the owner may set: 10%.
    uint16 public constant MAX_FEE_BPS = 1_000;
    /// @notice Most attributes (region + GPU models + free-form) a provider may hold.
    uint256 public constant MAX_PROVIDER_ATTRIBUTES = 32;
    /// @notice Longest bid window an order may ask for.
    uint32 public constant MAX_BID_WINDOW = 30 days;
    /// @notice Attribute key under which a provider's region is stored.
    bytes32 public constant REGION_KEY = "region";
    /// @notice Attribute key under which each of a provider's GPU models is stored.
    bytes32 public constant GPU_KEY = "gpu";

    /// @notice Shortest start deadline an order may ask for, seconds.
    uint16 internal constant MIN_START_DEADLINE = 30;
    /// @notice Longest reveal window a sealed order may ask for, seconds.
    uint32 internal constant MAX_REVEAL_WINDOW = 1 days;
    /// @notice Highest reputation score.
    uint8 internal constant MAX_REPUTATION = 100;

    uint256 internal constant BPS = 10_000;
    uint256 internal constant SECONDS_PER_HOUR = 3_600;

    /// @notice The ERC-20 every deposit, payout and fee is paid in.
    IERC20 public immutable token;

    /// @dev One order and, once settled, its lease (`leaseId == orderId`). Three slots:
    ///  slot 0: status | startDeadline | bidEnd | duration | escrow | requirementsTag | minReputation
    ///          (read by every call; everything `placeBid` screens a bid with)
    ///  slot 1: bestProvider | bestPrice   (the whole auction state: one SSTORE per bid)
    ///  slot 2: tenant | paidOut           (parties and payouts; `placeBid` never reads it)
    /// A bid thus reads two order slots.
    /// `bidEnd` is the end of the bid window while Open and becomes the settlement time on settlement. An open
    /// auction's `bestPrice` starts at `maxPricePerHour + 1` with no provider, so "at or below the max and
    /// strictly below the best" is one comparison; a sealed auction's stays 0 until reveals, so `placeBid`
    /// refuses it in its revert branch at no cost to open auctions. `paidOut` is what `withdraw` paid (gross);
    /// SLA refunds out of earnings are `LeaseState.refunded`.
    struct OrderState {
        IComputeMarket.OrderStatus status;
        uint16 startDeadline;
        uint40 bidEnd;
        uint32 duration;
        uint96 escrow;
        uint56 requirementsTag;
        uint8 minReputation;
        address bestProvider;
        uint96 bestPrice;
        address tenant;
        uint96 paidOut;
    }

    /// @dev Per-lease slot written at settlement: the fee snapshot, the attested start (0: not yet; nothing
    /// accrues before), attested downtime and what SLA refunds took out of the provider's earnings.
    struct LeaseState {
        uint16 feeBps;
        uint40 attestedAt;
        uint32 downtimeSeconds;
        uint96 refunded;
    }

    /// @dev A provider's bond. Slot 0 (`active | locked`) is all a bid touches; `active` excludes what is
    /// unbonding, so free bond is `active - locked` (saturating: an SLA slash may take `active` below `locked`).
    struct Bond {
        uint96 active;
        uint96 locked;
        uint96 unbonding;
        uint40 unbondAt;
    }

    /// @dev A sealed auction, one slot, written only for sealed orders. `secondPrice` is the second-lowest
    /// reveal (0 while fewer than two); the lowest is the order's best bid.
    struct SealedState {
        uint40 revealEnd;
        uint96 maxPrice;
        uint96 secondPrice;
        uint8 commits;
        uint8 reveals;
    }

    /// @dev A provider's commit: slot 0 the commitment; slot 1 the revealed price and flags.
    struct CommitState {
        bytes32 commitment;
        uint96 price;
        bool revealed;
        bool closed;
    }

    /// @notice Id the next order gets (ids start at 1).
    uint64 public nextOrderId = 1;
    /// @notice Protocol fee in basis points of provider payouts, snapshotted into each lease at settlement.
    uint16 public feeBps;
    /// @notice Fees collected and not yet claimed to the treasury.
    uint96 public feesAccrued;
    /// @notice Where `claimFees` sends fees.
    address public treasury;

    mapping(uint256 orderId => OrderState) internal _orders;
    mapping(address account => IComputeMarket.ProviderInfo) internal _providers;
    /// @dev attribute id => the provider's `attributeEpoch` when it was written; stale epochs do not count,
    /// so replacing a provider's attributes never loops over the old set.
    mapping(address account => mapping(bytes32 attributeId => uint32 epoch)) internal _attributeEpochs;
    /// @dev Permit2-style nonce bitmap: word = nonce >> 8, bit = nonce & 0xff.
    mapping(address tenant => mapping(uint256 word => uint256 bits)) internal _nonceBitmap;

    /// @dev Per-lease counters, one slot: the spec revision (the nonce of the next signed update) and the sum of
    /// auto top-ups (checked against the cap). Kept apart from `OrderState` so orders stay three slots.
    struct LeaseCounters {
        uint32 specRevision;
        uint96 autoTopUpUsed;
    }

    /// @dev Latest spec hash per lease; zero until the first update (the order's hash is in `OrderCreated`).
    mapping(uint256 leaseId => bytes32 specHash) internal _specHashes;
    mapping(uint256 leaseId => LeaseCounters) internal _leaseCounters;
    mapping(uint256 leaseId => IComputeMarket.AutoTopUpRule) internal _autoTopUps;
    /// @dev tenant => deploy key => lease id (0: all of the tenant's leases) => may update specs.
    mapping(address tenant => mapping(address delegate => mapping(uint256 leaseId => bool))) internal _delegates;

    /// @notice keccak256 of the integrity parameters: the market checks its extensions were built with its own.
    function paramsHash() external view returns (bytes32) {
        return _paramsHash();
    }

    function _paramsHash() internal view returns (bytes32) {
        return keccak256(abi.encode(address(token), _bondBps, _bondCap, _unbondingDelay, _startSlashBps, _forfeitBps));
    }

    /// @dev The marketplace's deployer: attests starts, downtime and reputation (`setDeployer`).
    address internal _deployer;
    mapping(uint256 leaseId => LeaseState) internal _leases;
    mapping(address provider => Bond) internal _bonds;
    mapping(uint256 orderId => SealedState) internal _sealed;
    mapping(uint256 orderId => mapping(address provider => CommitState)) internal _commits;

    /// @notice Most commits one sealed auction takes.
    uint8 internal constant MAX_COMMITS = type(uint8).max;

    /// @dev Integrity parameters (`IComputeMarket.IntegrityParams`), immutable.
    uint16 internal immutable _bondBps;
    uint96 internal immutable _bondCap;
    uint32 internal immutable _unbondingDelay;
    uint16 internal immutable _startSlashBps;
    uint16 internal immutable _forfeitBps;

    /// @param token_ Payment token.
    /// @param owner_ Admin (fee, treasury, deployer).
    /// @param treasury_ Fee recipient.
    /// @param feeBps_ Initial protocol fee, at most `MAX_FEE_BPS`.
    /// @param params Integrity parameters (bps fields at most 10,000).
    constructor(
        IERC20 token_,
        address owner_,
        address treasury_,
        uint16 feeBps_,
        IComputeMarket.IntegrityParams memory params
    ) EIP712("KubeBid ComputeMarket", "1") Ownable(owner_) {
        if (address(token_) == address(0) || treasury_ == address(0)) {
            revert IComputeMarket.ZeroAddress();
        }
        if (feeBps_ > MAX_FEE_BPS) revert IComputeMarket.FeeTooHigh(feeBps_, MAX_FEE_BPS);
        if (params.bondBps > BPS) revert IComputeMarket.InvalidIntegrityParam("bondBps");
        if (params.startSlashBps > BPS) revert IComputeMarket.InvalidIntegrityParam("startSlashBps");
        if (params.forfeitBps > BPS) revert IComputeMarket.InvalidIntegrityParam("forfeitBps");
        token = token_;
        treasury = treasury_;
        feeBps = feeBps_;
        _bondBps = params.bondBps;
        _bondCap = params.bondCap;
        _unbondingDelay = params.unbondingDelay;
        _startSlashBps = params.startSlashBps;
        _forfeitBps = params.forfeitBps;
    }

    function _isDelegate(address tenant, address delegate, uint256 leaseId) internal view returns (bool) {
        mapping(uint256 => bool) storage grants = _delegates[tenant][delegate];
        return grants[0] || grants[leaseId];
    }

    function _leaseUpdateDigest(LeaseUpdate calldata update) internal view returns (bytes32) {
        return _hashTypedDataV4(LeaseUpdateLib.hash(update.leaseId, update.specHash, update.nonce, update.deadline));
    }

    // ================================================================ shared helpers

    /// @dev One copy of the three-slot load per contract.
    function _load(uint256 id) internal view returns (OrderState memory) {
        return _orders[id];
    }

    /// @dev A lease that is running: active, and neither exhausted nor past its duration.
    function _loadRunning(uint256 leaseId) internal view returns (OrderState memory s, LeaseState memory ls) {
        s = _load(leaseId);
        if (s.status != IComputeMarket.OrderStatus.Active) revert IComputeMarket.UnexpectedStatus(leaseId, s.status);
        ls = _leases[leaseId];
        if (_isOver(s, ls, block.timestamp)) revert IComputeMarket.LeaseOver(leaseId);
    }

    /// @dev Gross earnings at time `t`: `pricePerHour * seconds since the attested start / 3600`, rounded down,
    /// capped by the duration and the escrow; 0 before the start is attested. Always computed from the start,
    /// so rounding loses at most one base unit per lease, in the tenant's favour.
    function _accrued(OrderState memory s, LeaseState memory ls, uint256 t) internal pure returns (uint256) {
        uint256 start = ls.attestedAt;
        if (start == 0 || t <= start) return 0;
        uint256 elapsed = t - start;
        if (elapsed > s.duration) elapsed = s.duration;
        uint256 earned = uint256(s.bestPrice) * elapsed / SECONDS_PER_HOUR;
        return earned < s.escrow ? earned : s.escrow;
    }

    /// @dev Started, and the duration is over or the escrow fully earned. A lease never started is not over
    /// (it ends by `cancelUnstarted` or by a party closing it).
    function _isOver(OrderState memory s, LeaseState memory ls, uint256 t) internal pure returns (bool) {
        if (ls.attestedAt == 0) return false;
        return t >= uint256(ls.attestedAt) + s.duration || _accrued(s, ls, t) >= s.escrow;
    }

    /// @dev Fee rounds down (in the provider's favour); kept in `feesAccrued` until claimed.
    function _takeFee(uint256 amount, uint16 bps) internal returns (uint256 fee) {
        fee = amount * bps / BPS;
        // forge-lint: disable-next-line(unsafe-typecast) — fee <= 10% of a uint96 escrow amount
        if (fee != 0) feesAccrued += uint96(fee);
    }

    /// @dev `min(price * duration / 3600 * bondBps / 10000, bondCap)`.
    /// Callers pass a uint96 price and a uint32 duration, so the products stay below 2^142: unchecked.
    function _bondRequired(uint256 pricePerHour, uint256 duration) internal view returns (uint256) {
        uint256 lock;
        unchecked {
            lock = pricePerHour * duration / SECONDS_PER_HOUR * _bondBps / BPS;
        }
        uint256 cap = _bondCap;
        return lock < cap ? lock : cap;
    }

    /// @dev Locks `amount` of `provider`'s free bond or reverts `InsufficientBond`. Bond slot 0 is read and
    /// written as one word (`active` low 96 bits, `locked` the next 96): one SLOAD, one SSTORE.
    function _lock(address provider, uint256 amount) internal {
        Bond storage b = _bonds[provider];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(b.slot)
        }
        (uint256 active, uint256 locked) = (uint96(word), uint96(word >> 96));
        uint256 free = active > locked ? active - locked : 0;
        if (amount > free) revert IComputeMarket.InsufficientBond(provider, amount, free);
        _setLocked(b, word, locked + amount); // <= active, a uint96
    }

    /// @dev Releases up to `amount` of `provider`'s lock (saturating: slashes may have eaten into it).
    function _release(address provider, uint256 amount) internal {
        Bond storage b = _bonds[provider];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(b.slot)
        }
        uint256 locked = uint96(word >> 96);
        _setLocked(b, word, locked > amount ? locked - amount : 0);
    }

    /// @dev Writes `locked` (a uint96 by the callers' checks) into bond slot 0 `word`, keeping its other bits.
    function _setLocked(Bond storage b, uint256 word, uint256 locked) private {
        assembly ("memory-safe") {
            sstore(b.slot, or(and(word, not(shl(96, 0xffffffffffffffffffffffff))), shl(96, locked)))
        }
    }

    /// @dev Takes up to `amount` from `provider`'s active bond and returns what was taken (the caller pays it
    /// out and releases the lock it came from).
    function _slash(address provider, uint256 amount) internal returns (uint256 taken) {
        Bond storage b = _bonds[provider];
        uint256 active = b.active;
        taken = amount < active ? amount : active;
        // forge-lint: disable-next-line(unsafe-typecast) — at most the uint96 original
        b.active = uint96(active - taken);
    }

    /// @dev The bidder checks `placeBid` shares with `commitBid` (in the extension): registered, sent by the
    /// provider or its operator, reputation at least the order's minimum, required attributes held.
    /// `tag` and `minReputation` are the order's (slot 0, already loaded by the caller).
    function _screen(
        uint256 orderId,
        uint56 tag,
        uint8 minReputation,
        address provider,
        IComputeMarket.ProviderInfo memory p,
        bytes32[] calldata requiredAttributes
    ) internal view {
        if (!p.registered) revert IComputeMarket.ProviderNotRegistered(provider);
        if (msg.sender != provider && msg.sender != p.operator) revert IComputeMarket.NotProviderOrOperator(msg.sender, provider);
        if (p.reputation < minReputation) revert IComputeMarket.ReputationTooLow(provider, p.reputation, minReputation);
        if (tag != 0 || requiredAttributes.length != 0) {
            // Bounded: a matching tag implies the list is the order's, which has at most 8 entries.
            if (OrderLib.requirementsTag(requiredAttributes) != tag) revert IComputeMarket.RequirementsMismatch(orderId);
            mapping(bytes32 => uint32) storage held = _attributeEpochs[provider];
            for (uint256 i; i < requiredAttributes.length; ++i) {
                if (held[requiredAttributes[i]] != p.attributeEpoch) {
                    revert IComputeMarket.MissingAttribute(provider, requiredAttributes[i]);
                }
            }
        }
    }


    /// @dev Active: accrued now; Closed: what the provider earned in the end (paid out plus refunded).
    function _earned(OrderState memory s, LeaseState memory ls) internal view returns (uint256) {
        if (s.status == IComputeMarket.OrderStatus.Active) return _accrued(s, ls, block.timestamp);
        if (s.status == IComputeMarket.OrderStatus.Closed) return uint256(s.paidOut) + ls.refunded;
        return 0;
    }

    /// @dev Runs the current call in `target` on this contract's storage and returns or reverts with its result.
    function _delegate(address target) internal {
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}
