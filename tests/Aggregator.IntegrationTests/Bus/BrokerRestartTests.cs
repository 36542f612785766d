using Aggregator.Core.Observations;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// The broker dies and comes back, with a broker of the test's own (a shared one is never restarted):
/// nothing acknowledged is lost and nothing is applied twice.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class BrokerRestartTests
{
    private const int Accounts = 100;

    private static List<ObservationBatch> Stream(int from, int to, ulong[] final, Random random)
    {
        var batches = new List<ObservationBatch>();
        for (var height = from; height <= to; height++)
        {
            var balances = Enumerable.Range(0, Accounts).Where(_ => random.Next(2) == 0)
                .Select(a => (a, (ulong)random.Next(0, 3000) * (OneEth / 1000))).ToArray();
            foreach (var (account, wei) in balances)
            {
                final[account] = wei;
            }
            batches.Add(Batch((ulong)height, $"0x{height:x}", balances));
        }
        return batches;
    }

    // While the bus reconnects a publish can fail; the publisher tries again (each attempt confirmed or failed, never lost silently).
    private static async Task PublishUntilConfirmed(IPublishEndpoint endpoint, CollateralObserved message)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await endpoint.Publish(message, attempt.Token);
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static EngineHost StartEngine(BusTransport transport, string queue)
    {
        var host = AggregatorHost.Build(new HostPlan(transport) { Engine = Settings(Accounts), EngineQueue = queue });
        var engine = host.Services.GetRequiredService<EngineBook>();
        for (var i = 0; i < Accounts; i++)
        {
            engine.Book.SetDebt(i, engine.Book.AssetIndex(Usdc), 1_000_000_000);
        }
        engine.Book.TakeHealthChanges([]);
        return new EngineHost(host, engine);
    }

    private sealed record EngineHost(Microsoft.Extensions.Hosting.IHost Host, EngineBook Engine);

    [Fact]
    public async Task An_engine_running_through_a_broker_restart_ends_as_a_fresh_evaluation()
    {
        var broker = RabbitMqBroker.OfItsOwn();
        await broker.InitializeAsync();
        try
        {
            // This host publishes the batches it consumes: the user that may do both.
            var (host, engine) = StartEngine(broker.Transport(BusIdentity.All), "engine");
            await host.StartAsync();
            try
            {
                var final = new ulong[Accounts];
                var random = new Random(11);
                var endpoint = host.Services.GetRequiredService<IPublishEndpoint>();
                foreach (var batch in Stream(1, 10, final, random))
                {
                    await PublishUntilConfirmed(endpoint, new CollateralObserved(batch));
                }
                await Eventually.Until(() => engine.AppliedHeight(Ethereum) == 10, "the first ten heights were applied");

                await broker.RestartAsync();
                var second = Stream(11, 20, final, random);
                foreach (var batch in second)
                {
                    await PublishUntilConfirmed(endpoint, new CollateralObserved(batch));
                }
                // One redelivered after the restart, as a publisher unsure of its last confirm would.
                await PublishUntilConfirmed(endpoint, new CollateralObserved(second[^1]));
                await Eventually.Until(() => engine.AppliedHeight(Ethereum) == 20, "the engine applied height 20 after the restart", TimeSpan.FromSeconds(90));
                AssertSameHealth(FreshEngine(final, 1_000_000_000), engine);
            }
            finally
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Batches_waiting_in_the_durable_queue_survive_a_broker_restart_while_the_engine_is_down()
    {
        var broker = RabbitMqBroker.OfItsOwn();
        await broker.InitializeAsync();
        try
        {
            // The engine declares its durable queue, then goes away. (Hosts are disposed only at the end:
            // MassTransit keeps a process-wide log context that a disposed host would leave dangling.)
            var first = StartEngine(broker.Transport(BusIdentity.Engine), "engine");
            await first.Host.StartAsync();
            await first.Host.StopAsync();

            var final = new ulong[Accounts];
            using var publisher = AggregatorHost.Build(new HostPlan(broker.Transport(BusIdentity.Adapter)));
            await publisher.StartAsync();
            var endpoint = publisher.Services.GetRequiredService<IPublishEndpoint>();
            foreach (var batch in Stream(1, 15, final, new Random(3)))
            {
                await endpoint.Publish(new CollateralObserved(batch)); // confirmed by the broker before it returns
            }
            await publisher.StopAsync();

            await broker.RestartAsync();

            var (host, engine) = StartEngine(broker.Transport(BusIdentity.Engine), "engine");
            await host.StartAsync();
            try
            {
                await Eventually.Until(() => engine.AppliedHeight(Ethereum) == 15, "a new engine consumed every batch published before the restart");
                AssertSameHealth(FreshEngine(final, 1_000_000_000), engine);
            }
            finally
            {
                await host.StopAsync();
                host.Dispose();
                first.Host.Dispose();
            }
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }
}
