using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Engine;

/// <summary>Reprices the assets a message quotes (the market's oracle rules) and publishes what it caused: perp shortfalls for the risk role, then the health changes.</summary>
internal sealed partial class PricesObservedConsumer(EngineBook engine, TimeProvider clock, ILogger<PricesObservedConsumer> log) : IConsumer<PricesObserved>
{
    public async Task Consume(ConsumeContext<PricesObserved> context)
    {
        var outcome = engine.Apply(context.Message, clock.GetUtcNow());
        if (!outcome.Applied)
        {
            Skipped(log, outcome.Reason);
            return;
        }
        await HealthPublication.PublishAsync(context, engine, outcome.Changes, context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "prices not applied: {Reason}")]
    private static partial void Skipped(ILogger logger, string reason);
}
