// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TestVariableDebtToken
/// @notice For the tests: what a reserve address owes on Aave v3, read exactly as the prover reads it
/// (the variable-debt token's balanceOf(address), in the underlying asset's base units). Not deployed
/// in production.
contract TestVariableDebtToken {
    uint8 public immutable decimals;
    mapping(address => uint256) public balanceOf;

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    function setDebt(address borrower, uint256 amount) external {
        balanceOf[borrower] = amount;
    }
}

/// @title TestComet
/// @notice For the tests: a Compound v3 market's borrowBalanceOf(address), in its base asset's units.
/// Not deployed in production.
contract TestComet {
    mapping(address => uint256) public borrowBalanceOf;

    function setDebt(address borrower, uint256 amount) external {
        borrowBalanceOf[borrower] = amount;
    }
}
