using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Engine;

/// <summary>Applies each entry of the institution's books once, records it in the journal, and publishes the health changes it caused.</summary>
internal sealed partial class LedgerEntryConsumer(EngineBook engine, LedgerJournal journal, ILogger<LedgerEntryConsumer> log) : IConsumer<LedgerEntry>
{
    public async Task Consume(ConsumeContext<LedgerEntry> context)
    {
        var outcome = engine.Apply(context.Message);
        if (!outcome.Applied)
        {
            Skipped(log, outcome.Reason);
            return;
        }
        journal.Append(context.Message);
        await HealthPublication.PublishAsync(context, engine, outcome.Changes, context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reason}")]
    private static partial void Skipped(ILogger logger, string reason);
}
