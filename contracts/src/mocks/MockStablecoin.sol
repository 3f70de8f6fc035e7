// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title MockStablecoin
/// @notice Dev/test payment token: 6 decimals like USDC, EIP-2612 permit, and an open faucet.
/// @dev Never deploy outside dev/test chains: anyone can mint.
contract MockStablecoin is ERC20, ERC20Permit {
    /// @notice Most a single faucet or mint call may create: one million units (6 decimals).
    uint256 public constant MAX_MINT_PER_CALL = 1_000_000e6;

    /// @notice The requested amount exceeds `MAX_MINT_PER_CALL`.
    error MintCapExceeded(uint256 amount, uint256 cap);

    constructor() ERC20("KubeBid Mock USD", "kbUSD") ERC20Permit("KubeBid Mock USD") {}

    /// @notice 6, like USDC.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mint `amount` to the caller.
    /// @param amount At most `MAX_MINT_PER_CALL`.
    function faucet(uint256 amount) external {
        _capped(amount);
        _mint(msg.sender, amount);
    }

    /// @notice Mint `amount` to `to` (dev seeding).
    /// @param to Recipient.
    /// @param amount At most `MAX_MINT_PER_CALL`.
    function mint(address to, uint256 amount) external {
        _capped(amount);
        _mint(to, amount);
    }

    function _capped(uint256 amount) private pure {
        if (amount > MAX_MINT_PER_CALL) revert MintCapExceeded(amount, MAX_MINT_PER_CALL);
    }
}
