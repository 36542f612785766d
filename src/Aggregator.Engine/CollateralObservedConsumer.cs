using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Engine;

/// <summary>
/// Applies each chain's batch to the book once, and publishes the health changes it caused. A batch in
/// parts is applied when its last part arrives, whole. A batch the book refuses (an unknown asset, other
/// decimals) throws: it goes to the error queue with the reason, and the rest of the stream goes on.
/// </summary>
internal sealed partial class CollateralObservedConsumer(EngineBook engine, LedgerJournal journal, ILogger<CollateralObservedConsumer> log) : IConsumer<CollateralObserved>
{
    public async Task Consume(ConsumeContext<CollateralObserved> context)
    {
        if (engine.Assembly.Add(context.Message) is not { } batch)
        {
            return; // a part: the batch is applied with its last one
        }
        // A refused batch (Core.Errors.InputException) goes to the error queue, with the reason.
        var outcome = engine.Apply(batch);
        if (!outcome.Applied)
        {
            Skipped(log, batch.Chain, batch.Height, outcome.Reason);
        }
        await HealthPublication.PublishAsync(context, engine, journal, outcome, context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Chain} at height {Height} not applied: {Reason}")]
    private static partial void Skipped(ILogger logger, Core.Chains.ChainId chain, ulong height, string reason);
}
