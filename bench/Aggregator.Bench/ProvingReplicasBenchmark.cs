using System.Diagnostics;
using System.Globalization;
using Aggregator.Commitment;
using Aggregator.Composition;
using Aggregator.Composition.Configuration;
using Aggregator.Host.Bus;
using Aggregator.Prover;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Bench;

/// <summary>
/// Every account's inclusion proof (D = 20, K = 4) by prover replicas over RabbitMQ: one replica pinned
/// to one core, then two replicas, one core each, with their window multiples built first, as a
/// running prover has them. Needs a broker as deploy/local/rabbitmq.sh starts it and the CLI built in Release.
/// </summary>
internal static class ProvingReplicasBenchmark
{
    public static async Task RunAsync(int accounts, int batch, string brokerUrl, string credentialsRoot)
    {
        Console.WriteLine($"# Proving every account by prover replicas: {accounts:N0} accounts, inclusion(20, 4), batches of {batch}");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        using var folder = new DeployConfigFolder();
        var epochs = Directory.CreateTempSubdirectory("aggregator-bench-proving-").FullName;
        var configPath = folder.WithEpochs(epochs);
        var parameters = RunConfigFile.Read(configPath).Prover!.Parameters;
        var random = new Random(42);
        var rows = Enumerable.Range(0, accounts)
            .Select(i => new LiabilityRow($"account-{i:D8}", [.. Enumerable.Range(0, parameters.AssetCount).Select(_ => (ulong)random.NextInt64(0, 1L << 40))])).ToArray();
        var directory = Path.Combine(epochs, "1");
        EpochDirectory.Write(directory, MerkleSumTree.Build(parameters, rows, EpochSecret.Generate()), EpochSecret.Generate(), 1,
            PublisherAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), DateTimeOffset.UtcNow);
        Console.WriteLine("| replicas | seconds | proofs/s | per replica-core |");
        Console.WriteLine("|---|---:|---:|---:|");
        try
        {
            foreach (var cores in new[] { new[] { 0 }, new[] { 0, 1 } })
            {
                if (Directory.Exists(Path.Combine(directory, InclusionBatches.Folder)))
                {
                    Directory.Delete(Path.Combine(directory, InclusionBatches.Folder), recursive: true); // every proof made again
                }
                // Once both circuits' window multiples are built, as a running prover holds them.
                var replicas = await RoleProcess.StartOnCoresAsync(configPath, "prover", cores, brokerUrl, credentialsRoot, "window multiples of", 2);
                try
                {
                    using var closing = AggregatorHost.Build(new HostPlan(RoleProcess.Transport(brokerUrl, credentialsRoot, BusIdentity.Prover)));
                    await closing.StartAsync();
                    var clock = Stopwatch.StartNew();
                    var proved = (await InclusionBatches.ProveAllAsync(closing.Services.GetRequiredService<IBus>(), directory, batch, null, CancellationToken.None)).Proved;
                    var seconds = clock.Elapsed.TotalSeconds;
                    await closing.StopAsync();
                    var label = cores.Length == 1 ? "1 replica, pinned to one core" : $"{cores.Length} replicas, one core each";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {seconds:F1} | {proved / seconds:F2} | {proved / seconds / cores.Length:F2} |"));
                }
                finally
                {
                    foreach (var replica in replicas)
                    {
                        replica.Dispose();
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
