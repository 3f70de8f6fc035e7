// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IComputeMarket} from "./interfaces/IComputeMarket.sol";
import {LeaseUpdate, LeaseUpdateLib} from "./libraries/LeaseUpdateLib.sol";

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
    uint16 public constant MIN_START_DEADLINE = 30;
    /// @notice Longest reveal window a sealed order may ask for, seconds.
    uint32 public constant MAX_REVEAL_WINDOW = 1 days;
    /// @notice Highest reputation score.
    uint8 public constant MAX_REPUTATION = 100;

    uint256 internal constant BPS = 10_000;
    uint256 internal constant SECONDS_PER_HOUR = 3_600;

    /// @notice The ERC-20 every deposit, payout and fee is paid in.
    IERC20 public immutable token;

    /// @dev One order and, once settled, its lease (`leaseId == orderId`). Three slots:
    ///  slot 0: tenant | status | feeBps | bidEnd | duration  (read by every call, written on status changes)
    ///  slot 1: bestProvider | bestPrice                         (the whole auction state: one SSTORE per bid)
    ///  slot 2: escrow | paidOut | requirementsTag               (money)
    /// `bidEnd` is the end of the bid window while Open and becomes the lease start on settlement (the auction
    /// ends when it settles). `bestPrice` starts at `maxPricePerHour + 1` with no provider, so "at or below the
    /// max and strictly below the best" is one comparison and the first bid rewrites a warm non-zero slot.
    struct OrderState {
        address tenant;
        IComputeMarket.OrderStatus status;
        uint16 feeBps;
        uint40 bidEnd;
        uint32 duration;
        address bestProvider;
        uint96 bestPrice;
        uint96 escrow;
        uint96 paidOut;
        uint64 requirementsTag;
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

    /// @dev The marketplace's deployer: attests starts, downtime and reputation (`setDeployer`).
    address internal _deployer;

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
}
