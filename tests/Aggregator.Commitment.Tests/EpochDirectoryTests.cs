using Aggregator.Core.Errors;

namespace Aggregator.Commitment.Tests;

public sealed class EpochDirectoryTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-epoch-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private static readonly PublisherAddress Publisher = PublisherAddress.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    private static MerkleSumTree SampleTree(out EpochSecret secret)
    {
        secret = EpochSecret.ParseHex("0badc0de0badc0de0badc0de0badc0de");
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 8);
        return MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(77, 2, seed: 4), secret);
    }

    [Fact]
    public void Written_epoch_reads_back_with_the_same_root_paths_and_records()
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "epoch-1");
        EpochDirectory.Write(directory, tree, secret, 7, Publisher, DateTimeOffset.UnixEpoch);

        var manifest = EpochDirectory.ReadManifest(directory);
        Assert.Equal(tree.RootHash.ToString(), manifest.RootHash);
        Assert.Equal(8, manifest.Depth);
        Assert.Equal(["BTC", "ETH"], manifest.Assets.Select(a => a.Symbol));
        Assert.Equal("0badc0de0badc0de0badc0de0badc0de\n", File.ReadAllText(Path.Combine(directory, "private", "secret.hex")));
        Assert.Equal("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", manifest.Publisher);
        Assert.Equal(EpochCommitment.Of(tree, 7, Publisher).Value.ToString(), manifest.Commitment);

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
        EpochDirectory.Write(directory, tree, secret, 7, Publisher, DateTimeOffset.UnixEpoch);
        var text = File.ReadAllText(Path.Combine(directory, "manifest.json"));
        // No value of the manifest is a total or the count (a hash may contain their digits by chance).
        var values = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject()
            .SelectMany(p => p.Value is System.Text.Json.Nodes.JsonArray array ? array.SelectMany(e => e!.AsObject().Select(q => q.Value)) : [p.Value])
            .Select(v => v!.ToString()).ToArray();
        foreach (var secretValue in new[] { tree.RootSums[0].ToString(), tree.RootSums[1].ToString(), "77" })
        {
            Assert.DoesNotContain(secretValue, values);
        }
        Assert.Equal(["format", "epoch", "publisher", "rootHash", "depth", "assets", "paramsHash", "commitment", "createdAt"],
            System.Text.Json.JsonDocument.Parse(text).RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void An_existing_directory_is_never_overwritten()
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "taken");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "keep.txt"), "mine");
        Assert.Throws<InputException>(() => EpochDirectory.Write(directory, tree, secret, 7, Publisher, DateTimeOffset.UnixEpoch));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(directory, "keep.txt")));
        Assert.Single(Directory.GetFileSystemEntries(_workspace));
    }

    [Fact]
    public void A_corrupted_tree_file_is_reported_not_loaded()
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "epoch-3");
        EpochDirectory.Write(directory, tree, secret, 7, Publisher, DateTimeOffset.UnixEpoch);
        var treeFile = Path.Combine(directory, "private", "tree.bin");
        var bytes = File.ReadAllBytes(treeFile);
        File.WriteAllBytes(treeFile, bytes[..^5]);
        Assert.Contains("truncated or corrupt", Assert.Throws<InputException>(() => EpochDirectory.ReadTree(directory)).Message);
    }

    [Fact]
    public void Private_files_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix modes there; CI runs on Linux
        }
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "epoch-4");
        EpochDirectory.Write(directory, tree, secret, 7, Publisher, DateTimeOffset.UnixEpoch);
        var privateFolder = Path.Combine(directory, "private");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(privateFolder));
        foreach (var file in new[] { "secret.hex", "accounts.jsonl", "tree.bin" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(privateFolder, file)));
        }
    }

    [Theory]
    [InlineData("\"epoch\": 7", "\"epoch\": 8", "commitment")]
    [InlineData("\"proofDecimals\": 8", "\"proofDecimals\": 6", "paramsHash")]
    [InlineData("\"symbol\": \"BTC\"", "\"symbol\": \"WBTC\"", "paramsHash")]
    [InlineData("\"publisher\": \"0x7", "\"publisher\": \"0x8", "commitment")]
    public void A_manifest_whose_parameters_no_longer_hash_to_its_commitment_is_refused(string original, string tampered, string field)
    {
        var tree = SampleTree(out var secret);
        var directory = Path.Combine(_workspace, "epoch-5");
        EpochDirectory.Write(directory, tree, secret, 7, Publisher, DateTimeOffset.UnixEpoch);
        var path = Path.Combine(directory, "manifest.json");
        var text = File.ReadAllText(path);
        Assert.Contains(original, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(original, tampered, StringComparison.Ordinal));
        var error = Assert.Throws<InputException>(() => EpochDirectory.ReadManifest(directory));
        Assert.Equal((path, field), (error.File, error.Field));
    }

    [Fact]
    public void The_leaf_count_comes_from_the_tree_header_and_a_truncated_one_is_an_error()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 8);
        var directory = Path.Combine(_workspace, "leaf-count");
        EpochDirectory.Write(directory, MerkleSumTree.Build(parameters, CommitmentFixtures.RandomRows(37, 2, seed: 4), EpochSecret.Generate()), EpochSecret.Generate(), 7, Publisher, DateTimeOffset.UnixEpoch);
        Assert.Equal(37, EpochDirectory.LeafCount(directory));
        var tree = Path.Combine(directory, "private", EpochDirectory.TreeFile);
        File.WriteAllBytes(tree, File.ReadAllBytes(tree)[..20]);
        var error = Assert.Throws<InputException>(() => EpochDirectory.LeafCount(directory));
        Assert.Equal(tree, error.File);
    }
}
