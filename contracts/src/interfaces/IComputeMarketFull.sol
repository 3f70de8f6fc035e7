// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IComputeMarket} from "./IComputeMarket.sol";
import {IComputeMarketExtension} from "./IComputeMarketExtension.sol";
import {IComputeMarketViews} from "./IComputeMarketViews.sol";

/// @title IComputeMarketFull
/// @notice Everything callable at a ComputeMarket's address: the market's own functions (`IComputeMarket`),
/// those its fallback serves from the extension (`IComputeMarketExtension`) and, through the extension's
/// fallback, from the views contract (`IComputeMarketViews`), plus the public getters and Ownable2Step functions. Use it (not `ComputeMarket`) as the type of a deployed market.
interface IComputeMarketFull is IComputeMarket, IComputeMarketExtension, IComputeMarketViews {
    function token() external view returns (IERC20);
    function extension() external view returns (address);
    function paramsHash() external view returns (bytes32);
    function nextOrderId() external view returns (uint64);
    function feeBps() external view returns (uint16);
    function feesAccrued() external view returns (uint96);
    function treasury() external view returns (address);
    function MAX_FEE_BPS() external view returns (uint16);
    function owner() external view returns (address);
    function pendingOwner() external view returns (address);
    function transferOwnership(address newOwner) external;
    function acceptOwnership() external;
}
