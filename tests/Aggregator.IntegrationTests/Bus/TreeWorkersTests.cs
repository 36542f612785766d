using Aggregator.Commitment;
using Aggregator.Composition;
using Aggregator.Prover;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// The epoch's tree built by tree workers (docs/operations.md, "Tree workers"): each `aggregator run --role
/// tree-worker` a process of its own with its own broker user, the prover's side in this process as the
/// prover user, over a real RabbitMQ. Whatever the number of workers, and with one killed mid-job, the
/// tree is the one a single process builds, and so is its tree.bin.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class TreeWorkersTests(RabbitMqBroker broker) : IDisposable
{
    private static readonly EpochSecret Secret = EpochSecret.ParseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    private readonly DeployConfigFolder _config = new();
    private readonly string _epochs = Directory.CreateTempSubdirectory("aggregator-tree-workers-").FullName;

    public void Dispose()
    {
        _config.Dispose();
        Directory.Delete(_epochs, recursive: true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Any_number_of_workers_build_the_one_process_tree_and_its_file(int workers)
    {
        // D = 12, K = 4: 3,000 accounts in jobs of 128, so every worker gets some of the 24 jobs a stage.
        var parameters = Parameters("BTC:8,ETH:8,SOL:9,USDC:6", 12);
        var rows = Rows(3000, parameters.AssetCount);
        var running = Enumerable.Range(1, workers).Select(Worker).ToArray();
        try
        {
            await Task.WhenAll(running.Select(w => w.WaitForLogAsync("Bus started", TimeSpan.FromSeconds(60))));
            var tree = await BuildAsync(100, parameters, rows, 128);
            AssertSameAsOneProcess(tree, parameters, rows);
            Assert.All(running, w => Assert.Contains("tree job done", w.Log, StringComparison.Ordinal));
            Assert.Empty(Directory.GetDirectories(_epochs, ".tree-*"));
        }
        finally
        {
            foreach (var worker in running)
            {
                worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_job_leaves_its_job_to_another_and_the_same_tree()
    {
        // One subtree job of all 4,096 leaves with K = 7 (nodes of 16 inputs): long enough to be killed in.
        var parameters = Parameters("A:0,B:0,C:0,D:0,E:0,F:0,G:0", 12);
        var rows = Rows(4096, parameters.AssetCount);
        var workers = new List<ServiceProcess> { Worker(1), Worker(2) };
        try
        {
            var killedMidJob = false;
            // A kill that lands just after the job's file was written proves nothing: then the build is done
            // again with a fresh worker in the place of the one killed, up to five times.
            for (var attempt = 1; attempt <= 5 && !killedMidJob; attempt++)
            {
                await Task.WhenAll(workers.Select(w => w.WaitForLogAsync("Bus started", TimeSpan.FromSeconds(60))));
                var before = workers.Select(w => Count(w.Log, "tree job started: subtrees")).ToArray();
                var build = BuildAsync((ulong)(200 + attempt), parameters, rows, 4096);
                var victim = -1;
                while (victim < 0)
                {
                    Assert.False(build.IsCompleted && build.IsFaulted, build.Exception?.ToString());
                    victim = workers.FindIndex(w => Count(w.Log, "tree job started: subtrees") > before[workers.IndexOf(w)]);
                    await Task.Delay(2);
                }
                workers[victim].Kill();
                // The log line can reach us late, after the job and the whole build were done and the work
                // folder deleted: that kill, too, landed after the job.
                killedMidJob = NoSubtreeWritten(200 + attempt);
                AssertSameAsOneProcess(await build, parameters, rows);
                if (killedMidJob)
                {
                    var survivor = workers[1 - victim];
                    Assert.True(Count(survivor.Log, "tree job done: subtrees") > 0, survivor.Log);
                }
                workers[victim].Dispose();
                workers[victim] = Worker(3);
            }
            Assert.True(killedMidJob, "no kill landed mid-job in five attempts");
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    // True when the build's work folder exists and holds no subtree file yet.
    private bool NoSubtreeWritten(int epoch)
    {
        try
        {
            var folder = Directory.GetDirectories(_epochs, $".tree-{epoch}-*").SingleOrDefault();
            return folder is not null && Directory.GetFiles(folder, "subtrees-*.bin").Length == 0;
        }
        catch (DirectoryNotFoundException)
        {
            return false; // deleted as we looked: the build was done
        }
    }

    private ServiceProcess Worker(int index) =>
        ServiceProcess.Run(_config.WithEpochs(_epochs), "tree-worker", broker.BusArguments(index == 1 ? "tree-worker" : $"tree-worker-{index}"));

    // The prover's side, as its epoch close runs it: as the prover's broker user.
    private async Task<MerkleSumTree> BuildAsync(ulong epoch, CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows, int jobAccounts)
    {
        using var prover = AggregatorHost.Build(new HostPlan(broker.Transport("prover")));
        await prover.StartAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var (tree, work) = await DistributedTree.BuildAsync(
                prover.Services.GetRequiredService<IBus>(), _epochs, epoch, parameters, rows, Secret, jobAccounts, NullLogger.Instance, timeout.Token);
            work.Delete();
            return tree;
        }
        finally
        {
            await prover.StopAsync();
        }
    }

    private void AssertSameAsOneProcess(MerkleSumTree tree, CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows)
    {
        var single = MerkleSumTree.Build(parameters, rows, Secret);
        Assert.Equal(single.RootHash, tree.RootHash);
        var publisher = PublisherAddress.Parse("0x0000000000000000000000000000000000000001");
        var at = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var fromWorkers = Path.Combine(_epochs, $"workers-{Guid.NewGuid():N}");
        var fromOne = Path.Combine(_epochs, $"one-{Guid.NewGuid():N}");
        EpochDirectory.Write(fromWorkers, tree, Secret, 1, publisher, at);
        EpochDirectory.Write(fromOne, single, Secret, 1, publisher, at);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fromOne, "private", EpochDirectory.TreeFile)), File.ReadAllBytes(Path.Combine(fromWorkers, "private", EpochDirectory.TreeFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(fromOne, "private", EpochDirectory.AccountsFile)), File.ReadAllBytes(Path.Combine(fromWorkers, "private", EpochDirectory.AccountsFile)));
        Directory.Delete(fromWorkers, recursive: true);
        Directory.Delete(fromOne, recursive: true);
    }

    private static CommitmentParameters Parameters(string assets, int depth) => new(depth,
        [.. assets.Split(',').Select(a => a.Split(':')).Select(p => new CommitmentAsset(new Core.Assets.AssetId(p[0]), int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))]);

    private static LiabilityRow[] Rows(int count, int assets)
    {
        var random = new Random(26);
        return [.. Enumerable.Range(0, count).Select(i => new LiabilityRow($"account-{i:D5}", [.. Enumerable.Range(0, assets).Select(_ => (ulong)random.NextInt64(0, 1L << 40))]))];
    }

    private static int Count(string text, string what) => System.Text.RegularExpressions.Regex.Count(text, System.Text.RegularExpressions.Regex.Escape(what));
}
