// The integration tests share one node (AGGREGATOR_EVM_RPC in CI) and its development accounts: run
// them one at a time, or their nonces collide and a reorg test's evm_revert would undo another's state.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
