using Aggregator.Crypto.Field;

namespace Aggregator.Commitment;

/// <summary>
/// A leaf's authentication path, leaf level first. Private to the institution: sibling sums are other
/// accounts' balances. The zero-knowledge inclusion proof is built from it.
/// </summary>
public sealed class MerklePath(IReadOnlyList<MerklePath.Sibling> siblings)
{
    /// <summary>A sibling node; <paramref name="IsLeft"/> when it sits left of the path.</summary>
    public sealed record Sibling(Fr Hash, ulong[] Sums, bool IsLeft);

    public IReadOnlyList<Sibling> Siblings { get; } = siblings;

    /// <summary>
    /// Folds a leaf up the path, returning the root hash and sums, or null when a sum would reach 2^64
    /// (a tree with such a node cannot exist).
    /// </summary>
    public (Fr Hash, ulong[] Sums)? ComputeRoot(Fr leafHash, ReadOnlySpan<ulong> leafSums)
    {
        var hash = leafHash;
        var sums = leafSums.ToArray();
        foreach (var sibling in Siblings)
        {
            if (sibling.Sums.Length != sums.Length)
            {
                return null;
            }
            var parentSums = new ulong[sums.Length];
            for (var k = 0; k < sums.Length; k++)
            {
                parentSums[k] = sums[k] + sibling.Sums[k];
                if (parentSums[k] < sums[k])
                {
                    return null;
                }
            }
            hash = sibling.IsLeft
                ? MerkleSumTree.HashNode(sibling.Hash, sibling.Sums, hash, sums)
                : MerkleSumTree.HashNode(hash, sums, sibling.Hash, sibling.Sums);
            sums = parentSums;
        }
        return (hash, sums);
    }
}
