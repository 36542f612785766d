namespace Aggregator.Messages;

/// <summary>Close an epoch: the prover fixes one pinned height per chain and commits to the liabilities at those heights.</summary>
public sealed record EpochCloseRequested(ulong Epoch, DateTimeOffset RequestedAt);
