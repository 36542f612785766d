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

    /// <summary>
    /// collateral(D, K) for the account at <paramref name="leafIndex"/>: the epoch's binding, the public
    /// prices (value of a whole unit ×10^8), weights (10000 minus the haircut, basis points), threshold
    /// (×10^8), subject and scope, the nullifier Poseidon(idHash, scope), and privately the account's
    /// identity, balances and path and the layout's asset codes and proof decimals.
    /// </summary>
    public static JsonObject Collateral(
        MerkleSumTree tree, int leafIndex, EpochCommitment binding, IReadOnlyList<ulong> prices, IReadOnlyList<uint> weights, ulong threshold,
        Crypto.Field.Fr subject, Crypto.Field.Fr scope)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(weights);
        var inclusion = Inclusion(tree, leafIndex, binding);
        var idHash = Crypto.Field.Fr.Parse(inclusion["idHash"]!.GetValue<string>());
        var assets = tree.Parameters.Assets;
        return new JsonObject
        {
            ["commitment"] = inclusion["commitment"]!.DeepClone(),
            ["paramsHash"] = inclusion["paramsHash"]!.DeepClone(),
            ["epoch"] = inclusion["epoch"]!.DeepClone(),
            ["publisher"] = inclusion["publisher"]!.DeepClone(),
            ["prices"] = Numbers(prices),
            ["weights"] = Numbers(weights.Select(w => (ulong)w)),
            ["threshold"] = threshold.ToString(CultureInfo.InvariantCulture),
            ["subject"] = subject.ToString(),
            ["scope"] = scope.ToString(),
            ["nullifier"] = Crypto.Poseidon.PoseidonHash.Hash([idHash, scope]).ToString(),
            ["idHash"] = idHash.ToString(),
            ["balances"] = inclusion["balances"]!.DeepClone(),
            ["siblingHashes"] = inclusion["siblingHashes"]!.DeepClone(),
            ["siblingSums"] = inclusion["siblingSums"]!.DeepClone(),
            ["siblingIsLeft"] = inclusion["siblingIsLeft"]!.DeepClone(),
            ["assetCodes"] = new JsonArray([.. assets.Select(a => JsonValue.Create(a.Code.ToString()))]),
            ["proofDecimals"] = Numbers(assets.Select(a => (ulong)a.ProofDecimals)),
        };
    }

    private static JsonArray Numbers(IEnumerable<ulong> values) =>
        new([.. values.Select(v => JsonValue.Create(v.ToString(CultureInfo.InvariantCulture)))]);
}
