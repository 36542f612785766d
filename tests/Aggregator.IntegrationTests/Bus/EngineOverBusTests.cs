using System.Collections.Concurrent;
using Aggregator.Core.Observations;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>The engine role fed through the bus, in memory and over a real RabbitMQ: the same code, the same results.</summary>
[Collection(RabbitMqTests.Name)]
public sealed class EngineOverBusTests(RabbitMqBroker broker)
{
    private const int Accounts = 200;

    /// <summary>Every health change the engine publishes, as a subscriber sees it.</summary>
    public sealed class Published : IConsumer<AccountsHealthChanged>
    {
        private readonly ConcurrentQueue<AccountHealthChanged> _seen;

        public Published(ConcurrentQueue<AccountHealthChanged> seen) => _seen = seen;

        public Task Consume(ConsumeContext<AccountsHealthChanged> context)
        {
            foreach (var change in context.Message.Changes)
            {
                _seen.Enqueue(change);
            }
            return Task.CompletedTask;
        }
    }

    // These tests play every role from one host (they publish what adapters, the oracle and the books
    // would), so on RabbitMQ they connect as the user that may: "all".
    private BusTransport Transport(string bus) => bus == "memory" ? BusTransport.InMemory : broker.Transport(BusIdentity.All);

    private static (IHost Host, ConcurrentQueue<AccountHealthChanged> Seen) Start(BusTransport transport, string queue)
    {
        var seen = new ConcurrentQueue<AccountHealthChanged>();
        var host = AggregatorHost.Build(new HostPlan(transport) { Engine = Settings(Accounts), EngineQueue = queue }, bus =>
        {
            bus.AddSingleton(seen);
            // One message at a time, as a subscriber that cares about order consumes.
            bus.AddConsumer<Published>().Endpoint(e =>
            {
                e.Name = queue + "-subscriber";
                e.ConcurrentMessageLimit = 1;
            });
        });
        return (host, seen);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("rabbitmq")]
    public async Task A_stream_with_replays_stale_batches_and_batches_in_parts_ends_as_a_fresh_evaluation_of_the_final_balances(string bus)
    {
        var (host, seen) = Start(Transport(bus), $"engine-{Guid.NewGuid():N}");
        await host.StartAsync();
        try
        {
            var engine = host.Services.GetRequiredService<EngineBook>();
            var usdc = engine.Book.AssetIndex(Usdc);
            for (var i = 0; i < Accounts; i++)
            {
                engine.Book.SetDebt(i, usdc, 1_000_000_000); // 1000 USDC each, as the books say
            }
            engine.Book.TakeHealthChanges([]);

            var random = new Random(5);
            var final = new ulong[Accounts];
            var batches = new List<ObservationBatch>();
            for (ulong height = 1; height <= 30; height++)
            {
                var balances = Enumerable.Range(0, Accounts).Where(_ => random.Next(3) == 0)
                    .Select(a => (a, (ulong)random.Next(0, 2000) * (OneEth / 1000))).ToArray();
                foreach (var (account, wei) in balances)
                {
                    final[account] = wei;
                }
                batches.Add(Batch(height, $"0x{height:x}", balances));
            }
            var endpoint = host.Services.GetRequiredService<IPublishEndpoint>();
            foreach (var (batch, index) in batches.Select((b, i) => (b, i)))
            {
                if (index % 3 == 1)
                {
                    // In parts, last first, one of them twice: applied once, whole, when the last is in.
                    var parts = CollateralObserved.Split(batch, 7).Reverse().ToList();
                    foreach (var part in parts.Append(parts[^1]))
                    {
                        await endpoint.Publish(part);
                    }
                }
                else
                {
                    await endpoint.Publish(new CollateralObserved(batch));
                }
                if (index % 7 == 3)
                {
                    await endpoint.Publish(new CollateralObserved(batch)); // a redelivered batch
                }
                if (index % 5 == 4)
                {
                    await endpoint.Publish(new CollateralObserved(batches[index - 3])); // a stale one
                }
            }
            await Eventually.Until(() => engine.AppliedHeight(Ethereum) == 30, "the engine applied height 30");

            // From scratch: the final balances into a fresh book.
            AssertSameHealth(FreshEngine(final, 1_000_000_000), engine);
            // A subscriber hears every change in order: each account's last published status ends as the book's.
            string StatusOf(string account) =>
                Margin.Scenarios.MarginReportJson.StatusName(engine.Book.Status(engine.Book.TryFindAccount(account, out var index) ? index : throw new InvalidOperationException(account)));
            await Eventually.Until(
                () => seen.GroupBy(c => c.Account).Count(g => g.Last().Status == StatusOf(g.Key)) == seen.Select(c => c.Account).Distinct().Count()
                    && seen.Select(c => c.Account).Distinct().Count() > Accounts / 2,
                "every account's last published status is its status in the book");
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task A_batch_the_engine_refuses_ends_in_the_error_queue_with_its_reason_and_the_stream_goes_on()
    {
        var queue = $"engine-{Guid.NewGuid():N}";
        var (host, _) = Start(Transport("rabbitmq"), queue);
        await host.StartAsync();
        try
        {
            var engine = host.Services.GetRequiredService<EngineBook>();
            var endpoint = host.Services.GetRequiredService<IPublishEndpoint>();
            var unknown = new ObservationBatch(Ethereum, 1, "0x1", [new BalanceObservation(Address(0), new("DOGE"), new Core.Amounts.Amount(5, 8))], []);
            await endpoint.Publish(new CollateralObserved(unknown));
            await endpoint.Publish(new CollateralObserved(Batch(2, "0x2", (0, OneEth))));
            await Eventually.Until(() => engine.AppliedHeight(Ethereum) == 2, "the good batch after the bad one was applied");

            await using var connection = await broker.ConnectAsync(BusIdentity.All);
            BasicGetResult? faulted = null;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (faulted is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the bad batch never reached the error queue");
                // MassTransit declares the error queue when it first moves a message there.
                await using var channel = await connection.CreateChannelAsync();
                try
                {
                    faulted = await channel.BasicGetAsync(queue + "_error", autoAck: true);
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    await Task.Delay(50);
                }
            }
            var reason = System.Text.Encoding.UTF8.GetString((byte[])faulted!.BasicProperties.Headers!["MT-Fault-Message"]!);
            Assert.Contains("which the engine's market does not list", reason, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Ledger_entries_published_by_hand_reach_the_running_engine_once()
    {
        var folder = Directory.CreateTempSubdirectory("aggregator-ledger-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "reserves.json"), """
                { "institution": "Example Custody Ltd", "evm": [{ "name": "local", "chainId": 31337, "rpc": "http://127.0.0.1:9/",
                  "multicall3": "0xcA11bde05977b3631167028862bE2a173976CA11",
                  "addresses": [{ "address": "0x00000000000000000000000000000000000000aa", "signedText": "signed", "signature": "0x00" }] }] }
                """);
            File.WriteAllText(Path.Combine(folder, "market.json"), """
                { "assets": [
                    { "symbol": "ETH", "decimals": 18, "ltv": "0.80", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000" },
                    { "symbol": "USDC", "decimals": 6, "ltv": "0.85", "liquidationThreshold": "0.88", "liquidationBonus": "0.04", "price": "1" } ],
                  "accounts": [] }
                """);
            var config = Path.Combine(folder, "config.json");
            File.WriteAllText(config, """{ "reserves": "reserves.json", "market": "market.json", "accounts": [{ "id": "alice", "deposits": {} }, { "id": "bob", "deposits": {} }] }""");
            var entries = Path.Combine(folder, "entries.csv");
            File.WriteAllText(entries, "entryId,account,kind,asset,amount,at\ne1,alice,borrow,USDC,1000,2026-12-01T10:00:00Z\ne2,bob,borrow,USDC,250.5,2026-12-01T10:00:01Z\ne3,alice,repay,USDC,400,2026-12-01T10:00:02Z\n");

            var settings = Composition.Configuration.RunConfigFile.Read(config);
            using var host = AggregatorHost.Build(new HostPlan(Transport("rabbitmq")) { Engine = settings.Engine, EngineQueue = $"engine-{Guid.NewGuid():N}" });
            await host.StartAsync();
            try
            {
                var engine = host.Services.GetRequiredService<EngineBook>();
                for (var run = 0; run < 2; run++) // the second run replays every entry: nothing changes
                {
                    var (exit, output, error) = CliRunner.Run(["ledger", "publish", "--file", entries, "--config", config, .. broker.BusArguments(BusIdentity.Operator)]);
                    Assert.True(exit == 0, error);
                    Assert.Contains("published 3 ledger entries", output, StringComparison.Ordinal);
                    Assert.DoesNotContain(File.ReadAllText(Path.Combine(broker.Credentials(BusIdentity.Operator), "password")).Trim(), output + error, StringComparison.Ordinal);
                }
                await Eventually.Until(() => engine.Book.Requirement(0) == 600m && engine.Book.Requirement(1) == 250.5m, "both accounts' debts reached the engine");
                await Task.Delay(500); // the replays, had they counted, would have landed by now
                Assert.Equal((600m, 250.5m), (engine.Book.Requirement(0), engine.Book.Requirement(1)));
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Two_engine_partitions_hold_exactly_what_one_engine_holds()
    {
        var run = Guid.NewGuid().ToString("N");
        var transport = Transport("rabbitmq");
        Microsoft.Extensions.Hosting.IHost Engine(EnginePartition partition) =>
            AggregatorHost.Build(new HostPlan(transport) { Engine = Settings(Accounts), Partition = partition, EngineQueue = $"{partition.Queue}-{run}" });
        using var whole = Engine(EnginePartition.Whole);
        using var first = Engine(new EnginePartition(0, 2));
        using var second = Engine(new EnginePartition(1, 2));
        Microsoft.Extensions.Hosting.IHost[] hosts = [whole, first, second];
        foreach (var host in hosts)
        {
            await host.StartAsync();
        }
        try
        {
            var books = hosts.Select(h => h.Services.GetRequiredService<EngineBook>()).ToArray();
            Assert.Equal(Accounts, books[1].Book.AccountCount + books[2].Book.AccountCount);
            Assert.InRange(books[1].Book.AccountCount, Accounts / 4, 3 * Accounts / 4); // the hash spreads them

            var endpoint = whole.Services.GetRequiredService<IPublishEndpoint>();
            var random = new Random(9);
            for (var i = 0; i < 40; i++)
            {
                var account = $"account-{random.Next(Accounts)}";
                await endpoint.Publish(new LedgerEntry($"{run}-{i}", account, LedgerEntryKind.Borrow, Usdc, new Core.Amounts.Amount(random.Next(1, 3000) * 1_000_000L, 6), DateTimeOffset.UtcNow));
            }
            for (ulong height = 1; height <= 20; height++)
            {
                var balances = Enumerable.Range(0, Accounts).Where(_ => random.Next(3) == 0).Select(a => (a, (ulong)random.Next(0, 3000) * (OneEth / 1000))).ToArray();
                await endpoint.Publish(new CollateralObserved(Batch(height, $"0x{height:x}", balances)));
            }
            await endpoint.Publish(new PricesObserved([new PriceObservation(Eth, "feed", 1700m, DateTimeOffset.UtcNow)]));
            // One queue per replica, consumed in order: once the last message is applied, the ledger entries before it are too.
            await Eventually.Until(() => books.All(b => b.AppliedHeight(Ethereum) == 20 && b.Book.Market[Eth].Price == 1700m), "every replica applied the stream");

            for (var i = 0; i < Accounts; i++)
            {
                var id = $"account-{i}";
                var owner = books[1].Book.TryFindAccount(id, out var index) ? books[1] : books[2];
                Assert.True(owner.Book.TryFindAccount(id, out index));
                Assert.Equal(
                    (books[0].Book.Status(i), books[0].Book.HealthFactor(i), books[0].Book.Requirement(i)),
                    (owner.Book.Status(index), owner.Book.HealthFactor(index), owner.Book.Requirement(index)));
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
            }
        }
    }
}
