using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;

namespace Aggregator.Commitment;

/// <summary>The fixed shape of a deployment's tree: depth D and the K asset columns in leaf order.</summary>
public sealed record CommitmentParameters
{
    public const int MaxAssets = 7;
    public const int MaxDepth = 32;

    public CommitmentParameters(int depth, IReadOnlyList<CommitmentAsset> assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        if (depth is < 1 or > MaxDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"the depth must be 1..{MaxDepth}");
        }
        if (assets.Count is < 1 or > MaxAssets)
        {
            // A node hashes 2K + 2 inputs and circomlib's Poseidon takes at most 16.
            throw new ArgumentOutOfRangeException(nameof(assets), assets.Count, $"a commitment has 1..{MaxAssets} assets");
        }
        var duplicate = assets.GroupBy(a => a.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new ArgumentException($"asset {duplicate.Key} is named twice", nameof(assets));
        }
        Depth = depth;
        Assets = assets.ToArray();
    }

    public int Depth { get; }

    public IReadOnlyList<CommitmentAsset> Assets { get; }

    public int AssetCount => Assets.Count;

    /// <summary>
    /// paramsHash = Poseidon(D, K, code[0], proofDecimals[0], ..., code[K-1], proofDecimals[K-1]): what
    /// each column means, bound into the published commitment (2K + 2 &lt;= 16 inputs).
    /// </summary>
    public Fr Hash()
    {
        var inputs = new Fr[2 + 2 * AssetCount];
        inputs[0] = Fr.FromUInt64((ulong)Depth);
        inputs[1] = Fr.FromUInt64((ulong)AssetCount);
        for (var k = 0; k < AssetCount; k++)
        {
            inputs[2 + 2 * k] = Assets[k].Code;
            inputs[3 + 2 * k] = Fr.FromUInt64((ulong)Assets[k].ProofDecimals);
        }
        return PoseidonHash.Hash(inputs);
    }

    /// <summary>How many leaves the padded tree has: 2^D.</summary>
    public long Capacity => 1L << Depth;
}
