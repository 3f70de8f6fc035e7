// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IComputeMarket} from "../../src/interfaces/IComputeMarket.sol";
import {ComputeMarket} from "../../src/ComputeMarket.sol";
import {ComputeMarketExtension} from "../../src/ComputeMarketExtension.sol";
import {ComputeMarketViews} from "../../src/ComputeMarketViews.sol";

/// @dev The dev stack's integrity parameters (lib/chain/deploy-market.ts `devIntegrityParams`): a bid locks
/// 20% of the lease value, at most 1,000 tokens (6 decimals); 60 s unbonding; 50% start slash; 10% forfeit.
function devIntegrityParams() pure returns (IComputeMarket.IntegrityParams memory) {
    return IComputeMarket.IntegrityParams({
        bondBps: 2_000,
        bondCap: 1_000e6,
        unbondingDelay: 60,
        startSlashBps: 5_000,
        forfeitBps: 1_000
    });
}

/// @dev Deploys the market the way lib/chain/deploy-market.ts does: views, extension, market.
function deployMarket(
    IERC20 token,
    address owner,
    address treasury,
    uint16 feeBps,
    IComputeMarket.IntegrityParams memory params
) returns (ComputeMarket) {
    ComputeMarketViews views = new ComputeMarketViews(token, owner, treasury, feeBps, params);
    ComputeMarketExtension ext =
        new ComputeMarketExtension(token, owner, treasury, feeBps, params, address(views));
    return new ComputeMarket(token, owner, treasury, feeBps, params, address(ext));
}
