using System.Text.Json.Serialization;
using Aggregator.Core.Observations;

namespace Aggregator.Messages;

/// <summary>
/// One chain's balances at one pinned height (EVM: latest − confirmations; Solana: finalized), as one
/// batch: chain, height, block hash, every watched address's balance per asset in base units, the reads
/// that failed, and after a reorg the block hash the batch replaces. Consumers apply a batch once: the
/// same chain, height and hash again changes nothing, and an older height never overwrites a newer one.
/// On the wire the batch is one compact binary string (<see cref="CompactBatchJsonConverter"/>).
/// </summary>
public sealed record CollateralObserved([property: JsonConverter(typeof(CompactBatchJsonConverter))] ObservationBatch Batch);
