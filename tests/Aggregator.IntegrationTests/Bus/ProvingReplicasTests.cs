using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Composition;
using Aggregator.Composition.Configuration;
using Aggregator.Prover;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// Every account's inclusion proof made by prover replicas over a real RabbitMQ (docs/operations.md,
/// "Proving every account"): each `aggregator run --role prover` a process with its own broker user, the
/// closing prover's side here. A replica killed mid-batch leaves its batch to the other; a run asked
/// again proves nothing that is done, and verifies all of it.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class ProvingReplicasTests(RabbitMqBroker broker) : IDisposable
{
    private const ulong Epoch = 300;
    private const int Accounts = 12;
    private readonly DeployConfigFolder _config = new();
    private readonly string _epochs = Directory.CreateTempSubdirectory("aggregator-proving-replicas-").FullName;

    public void Dispose()
    {
        _config.Dispose();
        Directory.Delete(_epochs, recursive: true);
    }

    [Fact]
    public async Task A_replica_killed_mid_batch_leaves_it_to_the_other_and_a_second_run_keeps_every_verified_file()
    {
        // No window multiples: a dozen proofs would not repay them.
        var config = _config.WithEpochs(_epochs, precomputeBases: false);
        var directory = Path.Combine(_epochs, Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var parameters = RunConfigFile.Read(config).Prover!.Parameters;
        var random = new Random(26);
        var rows = Enumerable.Range(0, Accounts).Select(i => new LiabilityRow($"account-{i:D3}", [.. Enumerable.Range(0, parameters.AssetCount).Select(_ => (ulong)random.NextInt64(0, 1L << 40))])).ToArray();
        EpochDirectory.Write(directory, MerkleSumTree.Build(parameters, rows, EpochSecret.Generate()), EpochSecret.Generate(), Epoch,
            PublisherAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), DateTimeOffset.UtcNow);

        using var first = ServiceProcess.Run(config, "prover", broker.BusArguments("prover"));
        using var second = ServiceProcess.Run(config, "prover", broker.BusArguments("prover-2"));
        await Task.WhenAll(new[] { first, second }.Select(p => p.WaitForLogAsync("Bus started", TimeSpan.FromSeconds(60))));

        // Batches of two: the first replica to start one is killed at once, before its second proof.
        var run = ProveAllAsync(directory, batch: 2);
        ServiceProcess? victim = null;
        while (victim is null)
        {
            Assert.False(run.IsFaulted, run.Exception?.ToString());
            victim = new[] { first, second }.FirstOrDefault(p => p.Log.Contains("inclusion batch started", StringComparison.Ordinal));
            await Task.Delay(2);
        }
        victim.Kill();
        var survivor = victim == first ? second : first;
        var (proved, kept) = await run;
        Assert.Equal(Accounts, proved + kept);
        Assert.Equal(Accounts, Directory.GetFiles(Path.Combine(directory, "inclusion"), "*.json").Length);
        // The killed replica's batch was proved again by the survivor: it started every batch there is.
        Assert.Equal(Accounts / 2, System.Text.RegularExpressions.Regex.Count(survivor.Log, "inclusion batch done"));

        // Asked again, by the operator's CLI this time: every file is verified against the manifest and kept, none proved.
        var again = CliRunner.Run(["prove", "inclusion", "--epoch", directory, "--all", "--batch", "4", .. broker.BusArguments(Host.Bus.BusIdentity.Operator)]);
        Assert.True(again.Exit == 0, again.Error + survivor.Log);
        Assert.Contains($"{Accounts} inclusion proofs in {Path.Combine(directory, "inclusion")} by the prover replicas: 0 proved", again.Output, StringComparison.Ordinal);
        Assert.Contains($"{Accounts} kept from an earlier run", again.Output, StringComparison.Ordinal);
        Assert.Contains($"inclusion proofs: {Accounts} of {Accounts} ({Accounts} kept)", again.Error, StringComparison.Ordinal);

        // A file tampered with is not kept: it is proved again, and verifies.
        var tampered = Directory.GetFiles(Path.Combine(directory, "inclusion"), "*.json").Order(StringComparer.Ordinal).First();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(tampered))!;
        document["balances"]![0] = "1";
        await File.WriteAllTextAsync(tampered, document.ToJsonString());
        var (provedThird, keptThird) = await ProveAllAsync(directory, batch: 4);
        Assert.Equal(1, provedThird);
        Assert.Equal(Accounts - 1, keptThird);
        var verified = CliRunner.Run("verify", "inclusion", "--proof", tampered, "--manifest", Path.Combine(directory, EpochDirectory.ManifestFile));
        Assert.True(verified.Exit == 0, verified.Output + verified.Error);
    }

    // The closing prover's side, as its user.
    private async Task<(int Proved, int Kept)> ProveAllAsync(string directory, int batch)
    {
        using var host = AggregatorHost.Build(new HostPlan(broker.Transport("prover")));
        await host.StartAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var done = await InclusionBatches.ProveAllAsync(host.Services.GetRequiredService<IBus>(), directory, batch, null, timeout.Token);
            Assert.Equal(Accounts, done.Total);
            return (done.Proved, done.Kept);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
