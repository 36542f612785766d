// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IFeed {
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
}

interface ISupply {
    function totalSupply() external view returns (uint256);
}

/// @title ReserveCheck
/// @notice What a lending protocol's Proof-of-Reserve check does with a feed, as Aave's
/// ProofOfReserveAggregator.areAllReservesBacked does it (no try/catch around the feed): a token is
/// backed unless the feed's answer is negative or the token's total supply exceeds it. For the tests
/// of ProofOfReserveFeed; not deployed in production.
contract ReserveCheck {
    function areAllReservesBacked(address[] calldata tokens, address[] calldata feeds)
        external view returns (bool allBacked, bool[] memory unbacked)
    {
        allBacked = true;
        unbacked = new bool[](tokens.length);
        for (uint256 i = 0; i < tokens.length; i++) {
            (, int256 answer,,,) = IFeed(feeds[i]).latestRoundData();
            if (answer < 0 || ISupply(tokens[i]).totalSupply() > uint256(answer)) {
                unbacked[i] = true;
                allBacked = false;
            }
        }
    }
}
