using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Aggregator.Core.Chains;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// The attacks of the trust-boundary issue, as a compromised role would make them on the broker that
/// deploy/local/rabbitmq.sh sets up (TLS, one user per role): each is refused by the broker, or by the
/// consumer, which moves the message to its error queue with the reason.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class TrustBoundaryTests(RabbitMqBroker broker)
{
    /// <summary>Keeps what reaches it.</summary>
    public sealed class Kept(ConcurrentQueue<HealthReported> kept) : IConsumer<HealthReported>
    {
        public Task Consume(ConsumeContext<HealthReported> context)
        {
            kept.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData("adapter", "PricesObserved")] // a forged ETH price that plans liquidations
    [InlineData("adapter", "EpochCloseRequested")] // an early close
    [InlineData("adapter", "HealthReported")] // every account healthy
    [InlineData("prover", "CollateralObserved")] // the prover reads the books itself: it moves no collateral
    [InlineData("oracle", "CollateralObserved")] // a height the chain never reached
    [InlineData("engine-1-of-2", "LedgerEntry")] // debts the books never wrote
    [InlineData("oracle", "ObservationsReplayRequested")] // a flood of replays
    [InlineData("operator", "EpochClosed")] // a false announcement
    [InlineData("api", "LedgerEntry")] // the front door writing the books
    [InlineData("api", "EpochCloseRequested")] // the front door choosing when the institution is measured
    [InlineData("operator", "BadDebtRecorded")] // a deficit no liquidation left, drawing the insurance fund
    [InlineData("risk", "LiquidationRecorded")] // the fund crediting itself
    [InlineData("engine-0-of-2", "InsuranceFundChanged")] // a fund balance the risk role never had
    [InlineData("operator", "ExposureReported")] // an exposure no book holds, and hedges sized to it
    [InlineData("engine", "HedgeProposed")] // orders the risk role never proposed
    [InlineData("operator", "DeleveragingCandidatesReported")] // counterparties chosen by hand, their positions closed
    [InlineData("engine-0-of-2", "DeleveragingPlanned")] // a plan closing positions no bankruptcy called for
    [InlineData("api", "DeleveragingCandidatesRequested")] // every partition's best-ranked positions, to a caller
    [InlineData("engine", "TreeJobRequested")] // the tree's jobs: the prover's alone
    [InlineData("tree-worker", "EpochClosed")] // a worker says nothing on the bus
    public async Task A_role_publishing_what_another_role_says_is_refused_by_the_broker(string user, string message)
    {
        await using var connection = await broker.ConnectAsync(user);
        await using var channel = await connection.CreateChannelAsync();
        var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(async () =>
        {
            // Declaring the exchange is refused outright (no configure permission); so is publishing into it.
            await channel.ExchangeDeclareAsync($"Aggregator.Messages:{message}", ExchangeType.Fanout, durable: true);
            await channel.BasicPublishAsync($"Aggregator.Messages:{message}", "", mandatory: false, new BasicProperties { UserId = user }, Encoding.UTF8.GetBytes("{}"));
            await channel.BasicPublishAsync($"Aggregator.Messages:{message}", "", Encoding.UTF8.GetBytes("{}"));
            await Eventually.Until(() => channel.IsClosed, "the broker closed the channel");
            throw new OperationInterruptedException(channel.CloseReason!);
        });
        Assert.Equal(403, refused.ShutdownReason!.ReplyCode); // ACCESS_REFUSED
    }

    [Theory]
    [InlineData("engine")]
    [InlineData("operator")]
    [InlineData("api")]
    [InlineData("adapter")]
    public async Task Only_the_prover_sends_into_the_tree_work_queue(string user)
    {
        await using var connection = await broker.ConnectAsync(user);
        await using var channel = await connection.CreateChannelAsync();
        var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(async () =>
        {
            await channel.BasicPublishAsync("tree-work", "", mandatory: false, new BasicProperties { UserId = user }, Encoding.UTF8.GetBytes("{}"));
            await Eventually.Until(() => channel.IsClosed, "the broker closed the channel");
            throw new OperationInterruptedException(channel.CloseReason!);
        });
        Assert.Equal(403, refused.ShutdownReason!.ReplyCode); // ACCESS_REFUSED: no write on tree-work
    }

    [Fact]
    public async Task A_message_claiming_another_user_is_refused_by_the_broker()
    {
        await using var connection = await broker.ConnectAsync(BusIdentity.Adapter);
        await using var channel = await connection.CreateChannelAsync();
        // The adapter may publish observations, but not as the oracle.
        await channel.ExchangeDeclareAsync("Aggregator.Messages:CollateralObserved", ExchangeType.Fanout, durable: true);
        await channel.BasicPublishAsync("Aggregator.Messages:CollateralObserved", "", mandatory: false, new BasicProperties { UserId = BusIdentity.Oracle }, Encoding.UTF8.GetBytes("{}"));
        await Eventually.Until(() => channel.IsClosed, "the broker closed the channel");
        Assert.Equal(406, channel.CloseReason!.ReplyCode); // PRECONDITION_FAILED: user_id is not the connection's
    }

    [Theory]
    [InlineData("prover", "HealthReported")] // every account's health: sent to the requester only
    [InlineData("operator", "HealthReported")]
    [InlineData("adapter", "HealthReported")]
    [InlineData("operator", "AccountViewsChanged")] // every account's collateral and health: the api's alone
    [InlineData("prover", "AccountViewsChanged")]
    public async Task No_role_may_hear_the_answers_that_carry_balances_on_their_exchange(string user, string message)
    {
        await using var connection = await broker.ConnectAsync(user);
        await using var channel = await connection.CreateChannelAsync();
        var queue = $"{user}.sniff.{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true);
        var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => channel.QueueBindAsync(queue, $"Aggregator.Messages:{message}", ""));
        Assert.Equal(403, refused.ShutdownReason!.ReplyCode); // ACCESS_REFUSED: binding needs read on the exchange
    }

    [Fact]
    public async Task An_engine_answering_for_another_partition_is_refused_to_the_error_queue_with_its_reason_and_counted()
    {
        var refusals = new ConcurrentQueue<(long Count, string Message, string Publisher)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Aggregator.Bus")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
        {
            var all = tags.ToArray();
            refusals.Enqueue((count, (string)all.Single(t => t.Key == "message").Value!, (string)all.Single(t => t.Key == "publisher").Value!));
        });
        listener.Start();

        // The operator's side: a reply queue of its own for health, as the CLI's is; durable here, so this
        // test can read its error queue (a temporary endpoint's is exclusive to its connection).
        var operatorBus = broker.Transport(BusIdentity.Operator);
        var queue = operatorBus.OwnQueue("health");
        var kept = new ConcurrentQueue<HealthReported>();
        using var prover = AggregatorHost.Build(new HostPlan(operatorBus), bus =>
        {
            bus.AddSingleton(kept);
            ReplyEndpoints.Add<HealthReported, Kept>(bus, queue, temporary: false);
        });
        using var engine = AggregatorHost.Build(new HostPlan(broker.Transport("engine-1-of-2")));
        await prover.StartAsync();
        await engine.StartAsync();
        try
        {
            var id = Guid.NewGuid();
            HealthReported Report(int partition) => new(id, partition, 2, [new AppliedBlock(ChainId.Evm(1), 10, "0x0a")], true, 0, []);
            var replies = await engine.Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(prover.Services.GetRequiredService<ReplyEndpoint<HealthReported>>().Address);
            await replies.Send(Report(0)); // partition 0's health, from partition 1's engine: forged
            await replies.Send(Report(1)); // its own: taken
            await Eventually.Until(() => kept.Any(r => r.RequestId == id), "the engine's own answer reached the operator");
            Assert.DoesNotContain(kept, r => r.RequestId == id && r.Partition == 0);

            await using var connection = await broker.ConnectAsync(BusIdentity.Operator);
            BasicGetResult? refused = null;
            await Eventually.Until(() => (refused = TryGet(connection, queue + "_error").GetAwaiter().GetResult()) is not null, "the forged answer reached the error queue");
            var headers = refused!.BasicProperties.Headers!;
            Assert.Contains("HealthReported for partition 0/2 from 'engine-1-of-2', which is another partition's engine", Encoding.UTF8.GetString((byte[])headers["MT-Fault-Message"]!), StringComparison.Ordinal);
            Assert.Equal("engine-1-of-2", Encoding.UTF8.GetString((byte[])headers[ErrorQueueFilter.PublisherHeader]!));
            Assert.Equal(BusIdentity.Operator, refused.BasicProperties.UserId); // moved by the operator's process, under its own user
            listener.RecordObservableInstruments();
            Assert.Contains(refusals, r => r is (1, "HealthReported", "engine-1-of-2"));
        }
        finally
        {
            await engine.StopAsync();
            await prover.StopAsync();
        }
    }

    // The error queue is declared when the first message is moved there.
    private static async Task<BasicGetResult?> TryGet(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return await channel.BasicGetAsync(queue, autoAck: true);
        }
        catch (OperationInterruptedException)
        {
            return null;
        }
    }
}
