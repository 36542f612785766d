using Aggregator.Commitment;
using Aggregator.Core.Errors;

namespace Aggregator.Commitment.Tests;

public sealed class EpochDirectoryTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-epoch-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private static MerkleSumTree SampleTree(out EpochSecret secret)
    {
        secret = EpochSecret.ParseHex("0badc0de");
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 8);
        return MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(77, 2, seed: 4), secret);
    }

    [Fact]
    public void Written_epoch_reads_back_with_the_same_root_paths_and_records()
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "epoch-1");
        EpochDirectory.Write(directory, tree, secret, 7, DateTimeOffset.UnixEpoch);

        var manifest = EpochDirectory.ReadManifest(directory);
        Assert.Equal(tree.RootHash.ToString(), manifest.RootHash);
        Assert.Equal(8, manifest.Depth);
        Assert.Equal(["BTC", "ETH"], manifest.Assets.Select(a => a.Symbol));
        Assert.Equal("0badc0de\n", File.ReadAllText(Path.Combine(directory, "private", "secret.hex")));

        var loaded = EpochDirectory.ReadTree(directory);
        Assert.Equal(tree.LeafCount, loaded.LeafCount);
        for (var i = 0; i < tree.LeafCount; i += 7)
        {
            var (expected, actual) = (tree.Leaf(i), loaded.Leaf(i));
            Assert.Equal((expected.AccountId, expected.Salt, expected.LeafHash), (actual.AccountId, actual.Salt, actual.LeafHash));
            Assert.Equal(expected.Balances, actual.Balances);
            Assert.Equal(tree.Path(i).Siblings.Select(s => s.Hash), loaded.Path(i).Siblings.Select(s => s.Hash));
        }
    }

    [Fact]
    public void Manifest_reveals_neither_totals_nor_the_number_of_accounts()
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "epoch-2");
        EpochDirectory.Write(directory, tree, secret, 7, DateTimeOffset.UnixEpoch);
        var text = File.ReadAllText(Path.Combine(directory, "manifest.json"));
        foreach (var secretValue in new[] { tree.RootSums[0].ToString(), tree.RootSums[1].ToString(), "77" })
        {
            Assert.DoesNotContain(secretValue, text, StringComparison.Ordinal);
        }
        Assert.Equal(["format", "epoch", "rootHash", "depth", "assets", "createdAt"],
            System.Text.Json.JsonDocument.Parse(text).RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void An_existing_directory_is_never_overwritten()
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "taken");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "keep.txt"), "mine");
        Assert.Throws<InputException>(() => EpochDirectory.Write(directory, tree, secret, 7, DateTimeOffset.UnixEpoch));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(directory, "keep.txt")));
        Assert.Single(Directory.GetFileSystemEntries(_workspace));
    }

    [Fact]
    public void A_corrupted_tree_file_is_reported_not_loaded()
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "epoch-3");
        EpochDirectory.Write(directory, tree, secret, 7, DateTimeOffset.UnixEpoch);
        var treeFile = Path.Combine(directory, "private", "tree.bin");
        var bytes = File.ReadAllBytes(treeFile);
        File.WriteAllBytes(treeFile, bytes[..^5]);
        Assert.Contains("truncated or corrupt", Assert.Throws<InputException>(() => EpochDirectory.ReadTree(directory)).Message);
    }
}
