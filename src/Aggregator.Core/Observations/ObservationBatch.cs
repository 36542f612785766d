using Aggregator.Core.Chains;

namespace Aggregator.Core.Observations;

/// <summary>
/// Every balance a chain adapter read at one pinned height of one chain, with the block hash that
/// identifies that height (a changed hash at a reported height is a reorg), and the reads that failed.
/// </summary>
public sealed record ObservationBatch(
    ChainId Chain,
    ulong Height,
    string BlockHash,
    IReadOnlyList<BalanceObservation> Balances,
    IReadOnlyList<ReadFailure> Failures)
{
    /// <summary>Set when this batch corrects one reported earlier at the same height under another block hash (a reorg).</summary>
    public string? ReplacesBlockHash { get; init; }

    /// <summary>What the addresses owed the configured lending protocols at this height (reserves net them).</summary>
    public IReadOnlyList<DebtObservation> Debts { get; init; } = [];
}
