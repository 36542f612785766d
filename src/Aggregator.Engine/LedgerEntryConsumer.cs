using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Engine;

/// <summary>Applies each entry of the institution's books once, records it in the journal, and publishes what it caused.</summary>
internal sealed partial class LedgerEntryConsumer(EngineBook engine, LedgerJournal journal, ILogger<LedgerEntryConsumer> log) : IConsumer<LedgerEntry>
{
    public async Task Consume(ConsumeContext<LedgerEntry> context)
    {
        if (context.Message.Kind == LedgerEntryKind.Deficit)
        {
            // Only the engine writes a debt off, by its own rule: from the bus it would erase a debt.
            throw new Core.Errors.InputException($"ledger entry {context.Message.EntryId} is a deficit: the engine records deficits itself and takes none from the bus", field: "kind");
        }
        var outcome = engine.Apply(context.Message);
        if (!outcome.Applied)
        {
            Skipped(log, outcome.Reason);
        }
        else
        {
            journal.Append(context.Message);
        }
        await HealthPublication.PublishAsync(context, engine, journal, outcome, context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reason}")]
    private static partial void Skipped(ILogger logger, string reason);
}
