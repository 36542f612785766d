using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Host;
using Aggregator.Host.Adapter;
using Aggregator.Host.Configuration;
using Aggregator.Host.Demo;
using Aggregator.Host.Engine;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// The roles as the distributed deployment runs them: each `aggregator run --role` in a process of its
/// own, over a RabbitMQ of the test's own (durable queues from other tests never leak in), on two local
/// EVM chains and the Solana test server holding the demo's institution.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SeparateProcessesTests
{
    private const int Accounts = 40;
    private static readonly AssetId Usdc = new("USDC");

    [Fact]
    public async Task From_balances_on_three_chains_to_a_published_epoch_and_a_verified_inclusion_proof()
    {
        await using var deployment = await Deployment.StartAsync();
        using var adapter = ServiceProcess.Run(deployment.World.ConfigPath, "adapter", deployment.Broker.Url);
        using var oracle = ServiceProcess.Run(deployment.World.ConfigPath, "oracle", deployment.Broker.Url);
        using var engine = ServiceProcess.Run(deployment.World.ConfigPath, "engine", deployment.Broker.Url);
        using var prover = ServiceProcess.Run(deployment.World.ConfigPath, "prover", deployment.Broker.Url);
        var processes = new[] { adapter, oracle, engine, prover };

        var entries = Path.Combine(deployment.World.Directory, "entries.csv");
        await File.WriteAllLinesAsync(entries, ["entryId,account,kind,asset,amount,at", .. deployment.World.Debts.Select((d, i) => $"b{i},{d.Account},borrow,USDC,{new Amount(d.Usdc, 6)},2026-12-01T10:00:00Z")]);
        var health = await deployment.HealthWhen(h => h.Rebuilt, processes, "the engine rebuilt from every chain");
        var published = CliRunner.Run("ledger", "publish", "--file", entries, "--config", deployment.World.ConfigPath, "--bus", deployment.Broker.Url);
        Assert.True(published.Exit == 0, published.Error);
        health = await deployment.HealthWhen(h => h.LedgerEntries == Accounts, processes, "every borrow applied");
        Assert.All(health.Accounts, a => Assert.Equal("healthy", a.Status));

        var epoch = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        deployment.World.SignOwnership(epoch);
        await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "evm_mine", []); // the chain's clock passes the epoch (a real chain's next block does)
        var close = CliRunner.Run("epoch", "close", "--bus", deployment.Broker.Url, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--timeout", "120");
        Assert.True(close.Exit == 0, close.Error + close.Output + prover.Log);
        var commitment = close.Output.Split('\n')[0].Trim();
        Assert.DoesNotContain("guest", close.Output + close.Error, StringComparison.Ordinal);

        // The registry holds exactly the announced commitment, for this publisher and epoch.
        var publisher = RunConfigFile.Read(deployment.World.ConfigPath).Prover!.Publisher();
        var stored = await new SolvencyRegistryClient(new Nethereum.Web3.Web3(deployment.ChainA.Url), deployment.World.Registry, publisher).CommitmentOfAsync(publisher, epoch);
        Assert.Equal(commitment, stored!.Commitment.ToString(CultureInfo.InvariantCulture));
        var directory = Path.Combine(deployment.World.Directory, "epochs", epoch.ToString(CultureInfo.InvariantCulture));
        var reserves = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "reserves.json")))!;
        Assert.Equal(3, reserves["chains"]!.AsArray().Count); // both anvils and Solana, at the engines' blocks
        Assert.All(reserves["chains"]!.AsArray(), c => Assert.Equal("verified", c!["addresses"]![0]!["ownership"]!.GetValue<string>()));

        // An account asks for its inclusion proof over the bus and checks it against the published manifest.
        var proofPath = Path.Combine(deployment.World.Directory, "account-00003.json");
        var inclusion = CliRunner.Run("epoch", "inclusion", "--bus", deployment.Broker.Url, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--account", "account-00003", "--out", proofPath);
        Assert.True(inclusion.Exit == 0, inclusion.Error + prover.Log);
        var verified = CliRunner.Run("verify", "inclusion", "--proof", proofPath, "--manifest", Path.Combine(directory, "manifest.json"));
        Assert.True(verified.Exit == 0, verified.Output + verified.Error);
        Assert.Contains("VALID", verified.Output, StringComparison.Ordinal);
        var refused = CliRunner.Run("epoch", "inclusion", "--bus", deployment.Broker.Url, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--account", "nobody", "--out", proofPath + ".nobody");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("'nobody' is not in this epoch", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_killed_with_SIGKILL_mid_stream_comes_back_to_a_from_scratch_evaluation()
    {
        await using var deployment = await Deployment.StartAsync();
        using var adapter = ServiceProcess.Run(deployment.World.ConfigPath, "adapter", deployment.Broker.Url);
        using var oracle = ServiceProcess.Run(deployment.World.ConfigPath, "oracle", deployment.Broker.Url);
        var engine = ServiceProcess.Run(deployment.World.ConfigPath, "engine", deployment.Broker.Url);
        try
        {
            await deployment.HealthWhen(h => h.Rebuilt, [adapter, oracle, engine], "the engine rebuilt from every chain");
            var publish = deployment.Client.Services.GetRequiredService<IPublishEndpoint>();
            var entries = new List<LedgerEntry>();
            var random = new Random(7);
            for (var round = 0; round < 12; round++)
            {
                if (round == 4)
                {
                    engine.Kill(); // mid-stream: entries and batches keep coming into its durable queue
                }
                if (round == 8)
                {
                    engine.Dispose();
                    engine = ServiceProcess.Run(deployment.World.ConfigPath, "engine", deployment.Broker.Url);
                }
                var moved = Enumerable.Range(0, Accounts).Where(_ => random.Next(4) == 0).ToArray();
                await JsonRpc.BatchAsync(deployment.Http, deployment.ChainA.Url, [.. moved.Select(i => ("anvil_setBalance", new JsonArray(deployment.World.DepositA(i), $"0x{random.Next(1, 8_000):x}00000000000000")))]);
                await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "evm_mine", []);
                foreach (var i in moved)
                {
                    var entry = new LedgerEntry($"r{round}-{i}", deployment.World.Debts[i].Account, LedgerEntryKind.Borrow, Usdc, new Amount(random.Next(1, 500) * 1_000_000L, 6), DateTimeOffset.UtcNow);
                    entries.Add(entry);
                    await publish.Publish(entry);
                }
                await Task.Delay(300);
            }
            var head = ulong.Parse((await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "eth_blockNumber", []))!.GetValue<string>()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var health = await deployment.HealthWhen(
                h => h.Rebuilt && h.LedgerEntries == entries.Count && h.Heights.Any(b => b.Chain == DemoWorld.ChainA && b.Height == head),
                [adapter, oracle, engine], "the restarted engine caught up with the stream");

            // From scratch: the chains as they are now, and every ledger entry once.
            var config = RunConfigFile.Read(deployment.World.ConfigPath);
            var fresh = new EngineBook(config.Engine.CreateBook());
            foreach (var reader in AdapterRole.Readers(config.Reserves, config.Engine, deployment.Http))
            {
                fresh.Apply(await reader.ReadAsync());
            }
            foreach (var entry in entries)
            {
                fresh.Apply(entry);
            }
            var expected = fresh.Health(Guid.Empty).Accounts;
            Assert.Equal(expected.Count, health.Accounts.Count);
            Assert.Equal(expected.OrderBy(a => a.Account, StringComparer.Ordinal), health.Accounts.OrderBy(a => a.Account, StringComparer.Ordinal));
            Assert.Contains(health.Accounts, a => a.Requirement > 0);
        }
        finally
        {
            engine.Dispose();
        }
    }

    /// <summary>A broker, two anvils and the Solana test server of the test's own, the demo's institution on them, and a bus client.</summary>
    private sealed class Deployment : IAsyncDisposable
    {
        private Deployment(RabbitMqBroker broker, LocalServer chainA, LocalServer chainB, LocalServer solana, HttpClient http, DemoWorld world, IHost client)
        {
            (Broker, ChainA, ChainB, Solana, Http, World, Client) = (broker, chainA, chainB, solana, http, world, client);
        }

        public RabbitMqBroker Broker { get; }

        public LocalServer ChainA { get; }

        public LocalServer ChainB { get; }

        public LocalServer Solana { get; }

        public HttpClient Http { get; }

        public DemoWorld World { get; }

        public IHost Client { get; }

        public static async Task<Deployment> StartAsync()
        {
            var broker = RabbitMqBroker.OfItsOwn();
            await broker.InitializeAsync();
            var chainA = await LocalServer.StartAnvilAsync(RepositoryPaths.Root, 31337, CancellationToken.None);
            var chainB = await LocalServer.StartAnvilAsync(RepositoryPaths.Root, 31338, CancellationToken.None);
            var solana = await LocalServer.StartSolanaAsync(RepositoryPaths.Root, CancellationToken.None);
            var http = new HttpClient();
            var directory = Directory.CreateTempSubdirectory("aggregator-services-").FullName;
            var world = await DemoWorld.CreateAsync(RepositoryPaths.Root, http, chainA.Url, chainB.Url, solana.Url, directory, Accounts, CancellationToken.None);
            var client = AggregatorHost.Build(new HostPlan(BusTransport.Parse(broker.Url)));
            await client.StartAsync();
            return new Deployment(broker, chainA, chainB, solana, http, world, client);
        }

        /// <summary>Asks the engine for every account's health until the answer satisfies <paramref name="condition"/>.</summary>
        public async Task<HealthReported> HealthWhen(Func<HealthReported, bool> condition, IReadOnlyList<ServiceProcess> processes, string what)
        {
            var client = Client.Services.GetRequiredService<IClientFactory>().CreateRequestClient<HealthRequested>(RequestTimeout.After(s: 5));
            var deadline = DateTime.UtcNow.AddSeconds(90);
            HealthReported? last = null;
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    last = (await client.GetResponse<HealthReported>(new HealthRequested(Guid.NewGuid()))).Message;
                    if (condition(last))
                    {
                        return last;
                    }
                }
                catch (RequestTimeoutException)
                {
                    // not up yet
                }
                Assert.DoesNotContain(processes, p => p.HasExited && p.Role != "engine");
                await Task.Delay(200);
            }
            Assert.Fail($"timed out waiting until {what}; last answer: {(last is null ? "none" : $"rebuilt {last.Rebuilt}, {last.LedgerEntries} entries, at {string.Join(", ", last.Heights.Select(h => $"{h.Chain}@{h.Height}"))}")}\n{string.Join("\n", processes.Select(p => $"--- {p.Role}\n{p.Log}"))}");
            return last!;
        }

        public async ValueTask DisposeAsync()
        {
            await Client.StopAsync();
            Client.Dispose();
            Http.Dispose();
            Solana.Dispose();
            ChainB.Dispose();
            ChainA.Dispose();
            await Broker.DisposeAsync();
            Directory.Delete(World.Directory, recursive: true);
        }
    }
}

/// <summary>`aggregator demo`, the README's first command, end to end on the in-memory bus and on RabbitMQ.</summary>
[Collection(ProcessTests.Name)]
public sealed class DemoCommandTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("rabbitmq")]
    public async Task The_demo_runs_every_step_and_reports_each(string bus)
    {
        var broker = bus == "rabbitmq" ? RabbitMqBroker.OfItsOwn() : null;
        if (broker is not null)
        {
            await broker.InitializeAsync();
        }
        var directory = Path.Combine(Directory.CreateTempSubdirectory("aggregator-demo-").FullName, "run");
        try
        {
            var (exit, output, error) = CliRunner.Run("demo", "--accounts", "60", "--out", directory, "--bus", broker?.Url ?? "memory");
            Assert.True(exit == 0, output + error);
            string[] steps = ["local chains:", "institution:", "services on", "books: 60 USDC borrows", "liquidation plans published", "read back from the registry", "VALID against the published manifest", "in all; the local chains are stopped"];
            var lines = output.Split('\n');
            Assert.Equal(steps.Length, lines.Count(l => l.Length > 0));
            for (var i = 0; i < steps.Length; i++)
            {
                Assert.Contains(steps[i], lines[i], StringComparison.Ordinal);
            }
            Assert.Matches(@"[1-9][0-9]* liquidation plans published", output);
            Assert.DoesNotContain("guest", output + error, StringComparison.Ordinal);
            Assert.Single(Directory.GetDirectories(Path.Combine(directory, "epochs")));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }
    }
}
