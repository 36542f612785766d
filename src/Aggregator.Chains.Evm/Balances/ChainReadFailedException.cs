namespace Aggregator.Chains.Evm.Balances;

/// <summary>A chain could not be read whole, after retries: its batch is missing, never partial.</summary>
public sealed class ChainReadFailedException(string message, Exception inner) : Exception(message, inner);
