namespace Aggregator.Chains.Evm.Balances;

/// <summary>The RPC endpoint serves a different chain than the configuration names.</summary>
public sealed class ChainMismatchException(string message) : Exception(message);
