using Aggregator.Composition;
using Aggregator.Host.Bus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>The engine's consumers, as their definitions place them: one queue, one message at a time.</summary>
public class EngineEndpointTests
{
    [Fact]
    public void Every_engine_consumer_is_on_the_replicas_one_queue_with_one_message_at_a_time_on_the_endpoint()
    {
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Engine = Settings(4), Partition = new EnginePartition(1, 3) });
        var formatter = DefaultEndpointNameFormatter.Instance;
        IConsumerDefinition[] definitions =
        [
            host.Services.GetRequiredService<IConsumerDefinition<CollateralObservedConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<LedgerEntryConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<PricesObservedConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<HealthRequestedConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<RiskRequestedConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<EpochClosedConsumer>>(),
        ];
        Assert.All(definitions, definition =>
        {
            Assert.Equal("engine-1-of-3", definition.GetEndpointName(formatter));
            // The limit is the endpoint's: a limit per consumer would let two kinds of message write the book at once.
            Assert.Equal(1, definition.EndpointDefinition?.ConcurrentMessageLimit);
            Assert.Null(definition.ConcurrentMessageLimit);
        });
    }

    [Fact]
    public void Every_risk_consumer_is_on_the_risk_queue_with_one_message_at_a_time()
    {
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Risk = Risk.RiskSettings.From(Settings(1)) });
        var formatter = DefaultEndpointNameFormatter.Instance;
        IConsumerDefinition[] definitions =
        [
            host.Services.GetRequiredService<IConsumerDefinition<Risk.LiquidationRecordedConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<Risk.BadDebtRecordedConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<Risk.DeskPositionConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<Risk.ReservesForExposureConsumer>>(),
            host.Services.GetRequiredService<IConsumerDefinition<Risk.ExposureReportedConsumer>>(),
        ];
        Assert.All(definitions, definition =>
        {
            Assert.Equal("risk", definition.GetEndpointName(formatter));
            Assert.Equal(1, definition.EndpointDefinition?.ConcurrentMessageLimit);
        });
    }
}
