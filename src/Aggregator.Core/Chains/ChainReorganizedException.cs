namespace Aggregator.Core.Chains;

/// <summary>The block at a recorded height is no longer the recorded one (a reorg, or another chain).</summary>
public sealed class ChainReorganizedException(string message) : Exception(message);
