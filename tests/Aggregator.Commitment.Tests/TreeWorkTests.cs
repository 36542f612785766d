using Aggregator.Core.Errors;
using Aggregator.Testing;

namespace Aggregator.Commitment.Tests;

public sealed class TreeWorkTests : IDisposable
{
    private static readonly EpochSecret Secret = EpochSecret.ParseHex("00112233445566778899aabbccddeeff");
    private static readonly PublisherAddress Publisher = PublisherAddress.Parse("0x0000000000000000000000000000000000000001");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"treework-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("BTC:8,ETH:8,USDC:6,SOL:9", 12, 1000, 64)]
    [InlineData("BTC:8", 6, 64, 64)]
    [InlineData("BTC:8,ETH:8", 10, 37, 8)]
    [InlineData("BTC:8,ETH:8", 8, 0, 16)]
    public void Jobs_done_in_any_order_and_some_twice_assemble_the_one_process_tree_and_the_same_tree_file(string assets, int depth, int accounts, int jobAccounts)
    {
        var parameters = CommitmentFixtures.Parameters(assets, depth);
        var rows = CommitmentFixtures.RandomRows(accounts, parameters.AssetCount, seed: 3);
        var work = TreeWork.Prepare(Path.Combine(_folder, "work"), parameters, rows, Secret, jobAccounts);
        var worker = TreeWork.Open(work.Folder);
        var random = new Random(5);
        void RunAll(string stage)
        {
            // A job redelivered after its worker died is done again: the same file, whole.
            var jobs = worker.Jobs().Concat(worker.Jobs().Where((_, i) => i % 3 == 0)).OrderBy(_ => random.Next()).ToArray();
            foreach (var (start, end) in jobs)
            {
                worker.Run(stage, start, end);
            }
            Assert.All(work.Jobs(), job => Assert.True(work.IsDone(stage, job.Start)));
        }
        RunAll(TreeWork.IdentitiesStage);
        var leaves = work.Sort();
        RunAll(TreeWork.SubtreesStage);
        var assembled = work.Assemble(leaves);
        var single = MerkleSumTree.Build(parameters, rows, Secret);
        Assert.Equal(single.RootHash, assembled.RootHash);

        var fromWork = Path.Combine(_folder, "from-work");
        var fromOne = Path.Combine(_folder, "from-one");
        var at = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        EpochDirectory.Write(fromWork, assembled, Secret, 7, Publisher, at);
        EpochDirectory.Write(fromOne, single, Secret, 7, Publisher, at);
        foreach (var file in new[] { EpochDirectory.TreeFile, EpochDirectory.AccountsFile })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(fromOne, "private", file)), File.ReadAllBytes(Path.Combine(fromWork, "private", file)));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(fromOne, EpochDirectory.ManifestFile)), File.ReadAllText(Path.Combine(fromWork, EpochDirectory.ManifestFile)));
        work.Delete();
        Assert.False(Directory.Exists(work.Folder));
    }

    [Fact]
    public void A_job_outside_the_plan_is_refused_and_writes_nothing()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8", 8);
        var work = TreeWork.Prepare(_folder, parameters, CommitmentFixtures.RandomRows(100, 1, seed: 1), Secret, 32);
        Assert.Equal([(0L, 32L), (32, 64), (64, 96), (96, 100)], work.Jobs());
        Assert.Throws<InputException>(() => work.Run(TreeWork.IdentitiesStage, 16, 48));  // not aligned
        Assert.Throws<InputException>(() => work.Run(TreeWork.IdentitiesStage, 96, 128)); // past the rows
        Assert.Throws<InputException>(() => work.Run(TreeWork.IdentitiesStage, 128, 160));
        Assert.Throws<InputException>(() => work.Run("everything", 0, 32));
        Assert.Empty(Directory.GetFiles(_folder, "identities-*"));
    }

    [Fact]
    public void Sorting_before_every_identity_job_is_done_or_assembling_a_truncated_subtree_is_an_error()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8", 8);
        var work = TreeWork.Prepare(_folder, parameters, CommitmentFixtures.RandomRows(100, 1, seed: 1), Secret, 32);
        foreach (var (start, end) in work.Jobs().Skip(1))
        {
            work.Run(TreeWork.IdentitiesStage, start, end);
        }
        var missing = Assert.Throws<InputException>(() => work.Sort());
        Assert.Contains("identities-000000000000.bin", missing.Message + missing.File, StringComparison.Ordinal);
        work.Run(TreeWork.IdentitiesStage, 0, 32);
        var leaves = work.Sort();
        foreach (var (start, end) in work.Jobs())
        {
            work.Run(TreeWork.SubtreesStage, start, end);
        }
        var subtree = Directory.GetFiles(_folder, "subtrees-*").Order().Last();
        File.WriteAllBytes(subtree, File.ReadAllBytes(subtree)[..^8]);
        Assert.Throws<InputException>(() => work.Assemble(leaves));
    }

    [Fact]
    public void A_column_whose_total_reaches_2_to_the_64_is_refused_before_any_job()
    {
        var parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8", 4);
        LiabilityRow[] rows = [new("a", [1, ulong.MaxValue]), new("b", [1, 1])];
        var error = Assert.Throws<InputException>(() => TreeWork.Prepare(_folder, parameters, rows, Secret, 4));
        Assert.Contains("ETH", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public void The_folder_is_its_owners_alone()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix modes there; CI runs on Linux
        }
        var work = TreeWork.Prepare(_folder, CommitmentFixtures.Parameters("BTC:8", 4), CommitmentFixtures.RandomRows(3, 1, seed: 1), Secret, 4);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(work.Folder));
        foreach (var file in Directory.GetFiles(work.Folder))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
