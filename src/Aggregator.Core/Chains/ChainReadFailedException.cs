namespace Aggregator.Core.Chains;

/// <summary>A chain could not be read whole, after retries: its batch is missing, never partial or guessed.</summary>
public sealed class ChainReadFailedException(string message, Exception? inner = null) : Exception(message, inner);
