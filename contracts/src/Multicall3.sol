// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Multicall3 (Aggregator's own build)
/// @notice The subset of the widely deployed Multicall3 interface the chain adapter uses, written here
/// and compiled with the rest of contracts/: batched calls that may individually fail, and native
/// balances. Same function signatures as the canonical deployment, so either can be used.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    error CallFailed(uint256 index);

    /// @notice Runs each call; a failing call with allowFailure reports success = false instead of reverting all.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            if (!success && !calls[i].allowFailure) revert CallFailed(i);
            returnData[i] = Result(success, data);
        }
    }

    function getEthBalance(address account) external view returns (uint256) {
        return account.balance;
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    function getBlockHash(uint256 blockNumber) external view returns (bytes32) {
        return blockhash(blockNumber);
    }
}
