// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PriceFeed
/// @notice A minimal Chainlink-style feed (AggregatorV3Interface's read side) for local chains: its
/// owner sets the answer, as the tests and the demo move a price. Production reads real feeds, which
/// answer the same calls.
contract PriceFeed {
    address public immutable owner;
    uint8 public immutable decimals;
    string public description;
    uint80 private round;
    int256 private answer;
    uint256 private updatedAt;

    error NotOwner();

    constructor(uint8 decimals_, string memory description_, int256 answer_) {
        owner = msg.sender;
        decimals = decimals_;
        description = description_;
        _set(answer_);
    }

    function setAnswer(int256 answer_) external {
        if (msg.sender != owner) revert NotOwner();
        _set(answer_);
    }

    function latestRoundData() external view returns (uint80 roundId, int256 answer_, uint256 startedAt, uint256 updatedAt_, uint80 answeredInRound) {
        return (round, answer, updatedAt, updatedAt, round);
    }

    function _set(int256 answer_) private {
        round += 1;
        answer = answer_;
        updatedAt = block.timestamp;
    }
}
