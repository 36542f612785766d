using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Commitment;

namespace Aggregator.Proving;

/// <summary>
/// The witness inputs of the circuits in circuits/src, as the JSON object snarkjs takes (every value a
/// decimal string), built from the institution's private tree.
/// </summary>
internal static class CircuitInputs
{
    /// <summary>inclusion(D, K) for the account at <paramref name="leafIndex"/>: its leaf, identity and path, and the epoch's binding.</summary>
    public static JsonObject Inclusion(MerkleSumTree tree, int leafIndex, EpochCommitment binding)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(binding);
        var leaf = tree.Leaf(leafIndex);
        var path = tree.Path(leafIndex);
        var idHash = AccountIdentity.IdHash(AccountIdentity.AccountField(leaf.AccountId), leaf.Salt);
        return new JsonObject
        {
            ["leafHash"] = leaf.LeafHash.ToString(),
            ["commitment"] = binding.Value.ToString(),
            ["paramsHash"] = binding.ParamsHash.ToString(),
            ["epoch"] = binding.Epoch.ToString(CultureInfo.InvariantCulture),
            ["publisher"] = binding.Publisher.ToField().ToString(),
            ["idHash"] = idHash.ToString(),
            ["balances"] = Numbers(leaf.Balances),
            ["siblingHashes"] = new JsonArray([.. path.Siblings.Select(s => JsonValue.Create(s.Hash.ToString()))]),
            ["siblingSums"] = new JsonArray([.. path.Siblings.Select(s => Numbers(s.Sums))]),
            ["siblingIsLeft"] = new JsonArray([.. path.Siblings.Select(s => JsonValue.Create(s.IsLeft ? "1" : "0"))]),
        };
    }

    /// <summary>solvency(K): the epoch's binding, the reserves in proof units, the coverage ratios (basis points) and the root's two children.</summary>
    public static JsonObject Solvency(MerkleSumTree tree, IReadOnlyList<ulong> reserves, IReadOnlyList<uint> ratios, EpochCommitment binding)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(reserves);
        if (reserves.Count != tree.AssetCount)
        {
            throw new ArgumentException($"{reserves.Count} reserves for {tree.AssetCount} assets", nameof(reserves));
        }
        var childLevel = tree.Depth - 1;
        return new JsonObject
        {
            ["commitment"] = binding.Value.ToString(),
            ["paramsHash"] = binding.ParamsHash.ToString(),
            ["epoch"] = binding.Epoch.ToString(CultureInfo.InvariantCulture),
            ["publisher"] = binding.Publisher.ToField().ToString(),
            ["reserves"] = Numbers(reserves),
            ["ratios"] = Numbers(ratios.Select(r => (ulong)r)),
            ["leftHash"] = tree.NodeHash(childLevel, 0).ToString(),
            ["leftSums"] = Numbers(tree.NodeSums(childLevel, 0).ToArray()),
            ["rightHash"] = tree.NodeHash(childLevel, 1).ToString(),
            ["rightSums"] = Numbers(tree.NodeSums(childLevel, 1).ToArray()),
        };
    }

    private static JsonArray Numbers(IEnumerable<ulong> values) =>
        new([.. values.Select(v => JsonValue.Create(v.ToString(CultureInfo.InvariantCulture)))]);
}
