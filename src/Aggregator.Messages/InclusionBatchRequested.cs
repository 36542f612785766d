namespace Aggregator.Messages;

/// <summary>
/// One batch of an epoch's all-accounts proving (docs/operations.md, "Proving every account"), sent by
/// the closing prover to the "prover-inclusion-all" queue, where every prover replica takes batches as
/// a competing consumer: prove the inclusion of leaves <paramref name="Start"/> (inclusive) to
/// <paramref name="End"/> (exclusive) of epoch <paramref name="Epoch"/> into the epoch's inclusion/
/// folder on the volume the replicas share, keeping every file already there that verifies.
/// </summary>
public sealed record InclusionBatchRequested(ulong Epoch, int Start, int End);
