using System.Text.Json;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;
using Aggregator.Testing;

namespace Aggregator.Commitment.Tests;

public class MerkleSumTreeTests
{
    private static readonly EpochSecret Secret = EpochSecret.ParseHex("00112233445566778899aabbccddeeff");

    private sealed record VectorFile(Vector[] Vectors);

    private sealed record Vector(string Ledger, string Assets, int Depth, string Secret, string Epoch, string Publisher, string RootHash, string[] RootSums, string ParamsHash, string Commitment);

    private static Vector[] Vectors() => JsonSerializer.Deserialize<VectorFile>(
        File.ReadAllText(RepositoryPaths.Combine("circuits", "test-vectors", "commitment.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!.Vectors;

    public static TheoryData<int> ReferenceVectors() => [.. Enumerable.Range(0, Vectors().Length)];

    [Theory]
    [MemberData(nameof(ReferenceVectors))]
    public void Root_and_published_commitment_match_the_independent_circomlibjs_reference(int index)
    {
        var v = Vectors()[index];
        var parameters = CommitmentFixtures.Parameters(v.Assets, v.Depth);
        var rows = LedgerCsv.Read(RepositoryPaths.Combine(v.Ledger), parameters);
        var tree = MerkleSumTree.Build(parameters, rows, EpochSecret.ParseHex(v.Secret));
        Assert.Equal(v.RootHash, tree.RootHash.ToString());
        Assert.Equal(v.RootSums, tree.RootSums.ToArray().Select(s => s.ToString()));
        var binding = EpochCommitment.Of(tree, ulong.Parse(v.Epoch, System.Globalization.CultureInfo.InvariantCulture), PublisherAddress.Parse(v.Publisher));
        Assert.Equal(v.ParamsHash, binding.ParamsHash.ToString());
        Assert.Equal(v.Commitment, binding.Value.ToString());
    }

    [Fact]
    public void The_commitment_changes_with_every_parameter_it_binds()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 4);
        var tree = MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(5, 2, seed: 1), Secret);
        var publisher = PublisherAddress.Parse("0x0000000000000000000000000000000000000001");
        var reference = EpochCommitment.Of(tree, 10, publisher).Value;
        Assert.NotEqual(reference, EpochCommitment.Of(tree, 11, publisher).Value);
        Assert.NotEqual(reference, EpochCommitment.Of(tree, 10, PublisherAddress.Parse("0x0000000000000000000000000000000000000002")).Value);
        // The same tree read with other decimals, columns swapped or another depth means other parameters.
        foreach (var other in new[] { "BTC:6,ETH:8", "ETH:8,BTC:8", "BTC:8,WETH:8" })
        {
            Assert.NotEqual(parameters.Hash(), CommitmentFixtures.Parameters(other, 4).Hash());
        }
        Assert.NotEqual(parameters.Hash(), CommitmentFixtures.Parameters("BTC:8,ETH:8", 5).Hash());
    }

    [Fact]
    public void Same_inputs_give_the_same_root_whatever_the_row_order()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 12);
        var rows = CommitmentFixtures.RandomRows(1500, 2, seed: 7);
        var first = MerkleSumTree.Build(parameters, rows, Secret);
        var again = MerkleSumTree.Build(parameters, rows, Secret);
        var shuffled = MerkleSumTree.Build(parameters, rows.Reverse().ToArray(), Secret);
        Assert.Equal(first.RootHash, again.RootHash);
        Assert.Equal(first.RootHash, shuffled.RootHash);
    }

    [Theory]
    [InlineData("BTC:8", 12, 2100)]
    [InlineData("BTC:8,ETH:8,USDC:6,SOL:9", 12, 2071)]
    [InlineData("A:0,B:0,C:0,D:0,E:0,F:0,G:0", 4, 13)]
    public void The_tree_built_in_lanes_is_node_for_node_the_tree_built_one_hash_at_a_time(string assets, int depth, int accounts)
    {
        // Counts that are not multiples of four nor of the build's chunks leave lanes and chunks partly filled.
        var parameters = CommitmentFixtures.Parameters(assets, depth);
        var rows = CommitmentFixtures.RandomRows(accounts, parameters.AssetCount, seed: 26);
        var inLanes = MerkleSumTree.Build(parameters, rows, Secret, inLanes: true);
        var oneByOne = MerkleSumTree.Build(parameters, rows, Secret, inLanes: false);
        for (var level = 0; level <= depth; level++)
        {
            Assert.Equal(oneByOne.NodeCount(level), inLanes.NodeCount(level));
            for (var index = 0; index < oneByOne.NodeCount(level); index++)
            {
                Assert.Equal(oneByOne.NodeHash(level, index), inLanes.NodeHash(level, index));
            }
        }
        Assert.Equal(Leaves(oneByOne), Leaves(inLanes));
    }

    private static IEnumerable<(int, string, Fr, Fr, string)> Leaves(MerkleSumTree tree) =>
        Enumerable.Range(0, tree.LeafCount).Select(tree.Leaf).Select(leaf => (leaf.LeafIndex, leaf.AccountId, leaf.Salt, leaf.LeafHash, string.Join(',', leaf.Balances)));

    [Fact]
    public void A_different_secret_or_balance_changes_the_root()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 8);
        var rows = CommitmentFixtures.RandomRows(50, 2, seed: 1);
        var root = MerkleSumTree.Build(parameters, rows, Secret).RootHash;
        Assert.NotEqual(root, MerkleSumTree.Build(parameters, rows, EpochSecret.ParseHex("00112233445566778899aabbccddeefe")).RootHash);
        var changed = rows.ToArray();
        changed[17] = changed[17] with { Balances = [changed[17].Balances[0] + 1, changed[17].Balances[1]] };
        Assert.NotEqual(root, MerkleSumTree.Build(parameters, changed, Secret).RootHash);
    }

    [Fact]
    public void Leaves_are_in_ascending_idHash_order_and_match_the_documented_formulas()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8,SOL:6", 10);
        var rows = CommitmentFixtures.RandomRows(300, 3, seed: 3);
        var tree = MerkleSumTree.Build(parameters, rows, Secret);
        var previous = default(Fr?);
        for (var i = 0; i < tree.LeafCount; i++)
        {
            var leaf = tree.Leaf(i);
            var accountField = AccountIdentity.AccountField(leaf.AccountId);
            var salt = PoseidonHash.Hash(Secret.Value, accountField);
            var idHash = PoseidonHash.Hash(accountField, salt);
            Assert.Equal(salt, leaf.Salt);
            Fr[] leafInputs = [idHash, .. leaf.Balances.Select(Fr.FromUInt64)];
            Assert.Equal(PoseidonHash.Hash(leafInputs), leaf.LeafHash);
            Assert.Equal(rows.Single(r => r.AccountId == leaf.AccountId).Balances, leaf.Balances);
            if (previous is { } p)
            {
                Assert.True(p < idHash, $"leaf {i} is out of idHash order");
            }
            previous = idHash;
        }
    }

    [Fact]
    public void Root_sums_are_the_column_totals()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 9);
        var rows = CommitmentFixtures.RandomRows(301, 2, seed: 11);
        var tree = MerkleSumTree.Build(parameters, rows, Secret);
        Assert.Equal((ulong)rows.Sum(r => (decimal)r.Balances[0]), tree.RootSums[0]);
        Assert.Equal((ulong)rows.Sum(r => (decimal)r.Balances[1]), tree.RootSums[1]);
    }

    [Fact]
    public void Every_path_folds_up_to_the_root()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 9);
        var tree = MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(257, 2, seed: 5), Secret);
        for (var i = 0; i < tree.LeafCount; i++)
        {
            var leaf = tree.Leaf(i);
            var computed = tree.Path(i).ComputeRoot(leaf.LeafHash, leaf.Balances);
            Assert.NotNull(computed);
            Assert.Equal(tree.RootHash, computed.Value.Hash);
            Assert.Equal(tree.RootSums.ToArray(), computed.Value.Sums);
        }
    }

    [Fact]
    public void A_path_with_a_changed_balance_or_sibling_does_not_reach_the_root()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 6);
        var tree = MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(20, 2, seed: 9), Secret);
        var leaf = tree.Leaf(4);
        var path = tree.Path(4);
        Assert.NotEqual(tree.RootHash, path.ComputeRoot(leaf.LeafHash, [leaf.Balances[0] + 1, leaf.Balances[1]])!.Value.Hash);
        var siblings = path.Siblings.ToArray();
        siblings[2] = siblings[2] with { Sums = [siblings[2].Sums[0] + 1, siblings[2].Sums[1]] };
        Assert.NotEqual(tree.RootHash, new MerklePath(siblings).ComputeRoot(leaf.LeafHash, leaf.Balances)!.Value.Hash);
    }

    [Fact]
    public void Padding_uses_the_precomputed_empty_subtrees()
    {
        // One account at depth 3: root = N(N(N(leaf, empty0), empty1), empty2).
        var parameters = CommitmentFixtures.Parameters("USDC:6", 3);
        var tree = MerkleSumTree.Build(parameters, [new LiabilityRow("solo", [5])], Secret);
        var leaf = tree.Leaf(0);
        var empty = MerkleSumTree.EmptySubtreeHashes(3, 1);
        Assert.Equal(Fr.Zero, empty[0]);
        var node = leaf.LeafHash;
        for (var level = 0; level < 3; level++)
        {
            node = MerkleSumTree.HashNode(node, [5], empty[level], [0]);
        }
        Assert.Equal(node, tree.RootHash);
        Assert.Equal(1, tree.NodeCount(3));
    }

    [Fact]
    public void More_accounts_than_leaves_is_an_error()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8", 3);
        var error = Assert.Throws<InputException>(() => MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(9, 1, 1), Secret));
        Assert.Contains("do not fit a tree of depth 3", error.Message);
        Assert.Equal(8, MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(8, 1, 1), Secret).LeafCount);
    }

    [Fact]
    public void A_duplicate_account_id_is_an_error()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8", 5);
        var rows = new[] { new LiabilityRow("a", [1]), new LiabilityRow("b", [2]), new LiabilityRow("a", [3]) };
        Assert.Contains("'a' appears twice", Assert.Throws<InputException>(() => MerkleSumTree.Build(parameters, rows, Secret)).Message);
    }

    [Fact]
    public void A_total_reaching_2_to_the_64_is_an_error()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 4);
        var rows = new[] { new LiabilityRow("a", [1, ulong.MaxValue]), new LiabilityRow("b", [1, 1]) };
        Assert.Contains("total of ETH reaches 2^64", Assert.Throws<InputException>(() => MerkleSumTree.Build(parameters, rows, Secret)).Message);
    }

    [Fact]
    public void More_than_seven_assets_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CommitmentFixtures.Parameters("A:1,B:1,C:1,D:1,E:1,F:1,G:1,H:1", 4));
        Assert.Equal(7, CommitmentFixtures.Parameters("A:1,B:1,C:1,D:1,E:1,F:1,G:1", 4).AssetCount);
    }

    [Fact]
    public void Seven_assets_hash_nodes_of_sixteen_inputs()
    {
        var parameters = CommitmentFixtures.Parameters("A:1,B:1,C:1,D:1,E:1,F:1,G:1", 2);
        var tree = MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(3, 7, 2), Secret);
        var leaf = tree.Leaf(0);
        Assert.Equal(tree.RootHash, tree.Path(0).ComputeRoot(leaf.LeafHash, leaf.Balances)!.Value.Hash);
    }
}
