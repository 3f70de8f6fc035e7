// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IComputeMarket} from "../../src/interfaces/IComputeMarket.sol";

/// @dev The dev stack's integrity parameters (lib/chain/deploy-market.ts `devIntegrityParams`): a bid locks
/// 20% of the lease value, at most 1,000 tokens (6 decimals); 60 s unbonding; 50% start slash; 10% forfeit.
function devIntegrityParams() pure returns (IComputeMarket.IntegrityParams memory) {
    return IComputeMarket.IntegrityParams({
        bondBps: 2_000, bondCap: 1_000e6, unbondingDelay: 60, startSlashBps: 5_000, forfeitBps: 1_000
    });
}
