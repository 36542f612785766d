using Aggregator.Core.Observations;

namespace Aggregator.Messages;

/// <summary>
/// One chain's balances at one pinned height (EVM: latest − confirmations; Solana: finalized), as one
/// batch: chain, height, block hash, every watched address's balance per asset in base units, the reads
/// that failed, and after a reorg the block hash the batch replaces. Consumers apply a batch once: the
/// same chain, height and hash again changes nothing, and an older height never overwrites a newer one.
/// </summary>
public sealed record CollateralObserved(ObservationBatch Batch);
