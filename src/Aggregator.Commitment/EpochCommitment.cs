using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;

namespace Aggregator.Commitment;

/// <summary>
/// What an epoch publishes (docs/commitment.md, "What is published"):
/// commitment = Poseidon(rootHash, paramsHash, epoch, publisher). It binds the tree root to the meaning
/// of its columns (<see cref="CommitmentParameters.Hash"/>: depth, assets in leaf order with their proof
/// decimals), to the epoch and to the publisher. Both circuits recompute it from their public inputs.
/// </summary>
public sealed record EpochCommitment(Fr RootHash, Fr ParamsHash, ulong Epoch, PublisherAddress Publisher)
{
    /// <summary>The published value.</summary>
    public Fr Value { get; } = PoseidonHash.Hash([RootHash, ParamsHash, Fr.FromUInt64(Epoch), Publisher.ToField()]);

    /// <summary>The epoch's commitment from its tree's root and parameters.</summary>
    public static EpochCommitment Of(MerkleSumTree tree, ulong epoch, PublisherAddress publisher)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return new EpochCommitment(tree.RootHash, tree.Parameters.Hash(), epoch, publisher);
    }
}
