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

    /// <summary>
    /// Parameters from a depth and asset items written <c>SYMBOL:PROOF_DECIMALS</c> (e.g. BTC:8), in leaf
    /// order; <paramref name="field"/> names where they came from in the error.
    /// </summary>
    /// <exception cref="Core.Errors.InputException">A bad item, a repeated asset, too many assets or a bad depth.</exception>
    public static CommitmentParameters Parse(int depth, IEnumerable<string> items, string field, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (depth is < 1 or > MaxDepth)
        {
            throw new Core.Errors.InputException($"the depth must be 1..{MaxDepth}, not {depth}", file: file, field: field);
        }
        var assets = new List<CommitmentAsset>();
        foreach (var item in items)
        {
            var parts = item.Split(':');
            if (parts.Length != 2 || !Core.Assets.AssetId.IsValid(parts[0])
                || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var decimals)
                || decimals > CommitmentAsset.MaxProofDecimals)
            {
                throw new Core.Errors.InputException($"'{item}' is not SYMBOL:PROOF_DECIMALS with 0..{CommitmentAsset.MaxProofDecimals} decimals (e.g. BTC:8)", file: file, field: field);
            }
            if (assets.Any(a => a.Id.Symbol == parts[0]))
            {
                throw new Core.Errors.InputException($"asset {parts[0]} is named twice", file: file, field: field);
            }
            assets.Add(new CommitmentAsset(new Core.Assets.AssetId(parts[0]), decimals));
        }
        if (assets.Count is < 1 or > MaxAssets)
        {
            throw new Core.Errors.InputException($"{assets.Count} assets; a commitment holds at least 1 and at most {MaxAssets} (a node hashes 2K+2 <= 16 inputs)", file: file, field: field);
        }
        return new CommitmentParameters(depth, assets);
    }

    /// <summary>How many leaves the padded tree has: 2^D.</summary>
    public long Capacity => 1L << Depth;
}
