using System.Diagnostics;
using System.Globalization;
using Aggregator.Commitment;
using Aggregator.Composition;
using Aggregator.Core.Assets;
using Aggregator.Host.Bus;
using Aggregator.Prover;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Bench;

/// <summary>
/// The tree built by tree-worker processes over RabbitMQ (the prover's side here, as the prover user),
/// beside the one-process build of the same rows in the same run: one worker pinned to one core, then
/// one worker on each core. Needs a broker as deploy/local/rabbitmq.sh starts it (its URL and
/// credentials root) and the CLI built in Release.
/// </summary>
internal static class TreeWorkersBenchmark
{
    public static async Task RunAsync(int accounts, int depth, int assets, int jobAccounts, string brokerUrl, string credentialsRoot)
    {
        Console.WriteLine($"# Tree workers: {accounts:N0} accounts, K={assets}, D={depth}, jobs of {jobAccounts:N0} rows");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        var parameters = new CommitmentParameters(depth, [.. Enumerable.Range(0, assets).Select(i => new CommitmentAsset(new AssetId($"A{i}"), 8))]);
        var random = new Random(42);
        var rows = Enumerable.Range(0, accounts)
            .Select(i => new LiabilityRow($"account-{i:D8}", [.. Enumerable.Range(0, assets).Select(_ => (ulong)random.NextInt64(0, 1L << 40))])).ToArray();
        var secret = EpochSecret.Generate();

        var clock = Stopwatch.StartNew();
        var anchor = MerkleSumTree.Build(parameters, rows, secret);
        var anchorSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine("| build | seconds | accounts/s | root |");
        Console.WriteLine("|---|---:|---:|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one process, both cores (the anchor) | {anchorSeconds:F2} | {accounts / anchorSeconds:N0} | the anchor's |"));

        using var config = new DeployConfigFolder();
        var epochs = Directory.CreateTempSubdirectory("aggregator-bench-tree-").FullName;
        var configPath = config.WithEpochs(epochs);
        try
        {
            foreach (var cores in new[] { new[] { 0 }, new[] { 0, 1 } })
            {
                var workers = await RoleProcess.StartOnCoresAsync(configPath, "tree-worker", cores, brokerUrl, credentialsRoot, "Bus started", 1);
                try
                {
                    using var prover = AggregatorHost.Build(new HostPlan(RoleProcess.Transport(brokerUrl, credentialsRoot, BusIdentity.Prover)));
                    await prover.StartAsync();
                    clock.Restart();
                    var (tree, work) = await DistributedTree.BuildAsync(prover.Services.GetRequiredService<IBus>(), epochs, 1, parameters, rows, secret, jobAccounts, NullLogger.Instance, CancellationToken.None);
                    var seconds = clock.Elapsed.TotalSeconds;
                    work.Delete();
                    await prover.StopAsync();
                    var label = cores.Length == 1 ? "1 tree worker, pinned to one core" : $"{cores.Length} tree workers, one core each";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {label} | {seconds:F2} | {accounts / seconds:N0} | {(tree.RootHash == anchor.RootHash ? "the same" : "DIFFERENT")} |"));
                }
                finally
                {
                    foreach (var worker in workers)
                    {
                        worker.Dispose();
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(epochs, recursive: true);
        }
    }
}
