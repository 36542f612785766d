using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Margin.Scenarios;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Host.Engine;

/// <summary>
/// Applies each chain's batch to the book once, and publishes the health changes it caused (a margin
/// call besides, for a pool that fell to a margin call or below). A batch the book refuses (an unknown
/// asset, other decimals) throws: MassTransit retries it, then moves it to the error queue with the
/// reason, and the rest of the stream goes on.
/// </summary>
internal sealed partial class CollateralObservedConsumer(EngineBook engine, ILogger<CollateralObservedConsumer> log) : IConsumer<CollateralObserved>
{
    public async Task Consume(ConsumeContext<CollateralObserved> context)
    {
        var batch = context.Message.Batch;
        var outcome = engine.Apply(batch);
        if (!outcome.Applied)
        {
            Skipped(log, batch.Chain, batch.Height, outcome.Reason);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var health = outcome.Changes.Select(c => Health(engine, c, now)).ToArray();
        await context.PublishBatch(health, context.CancellationToken).ConfigureAwait(false);
        var calls = outcome.Changes.Where(NeedsCall).Select(c => new MarginCall(engine.Book.AccountId(c.Account), c.Pool, MarginReportJson.StatusName(c.Status), c.HealthFactor, now)).ToArray();
        await context.PublishBatch(calls, context.CancellationToken).ConfigureAwait(false);
        Applied(log, outcome.Reason, health.Length);
    }

    internal static AccountHealthChanged Health(EngineBook engine, HealthChange change, DateTimeOffset at) => new(
        engine.Book.AccountId(change.Account), change.Pool,
        MarginReportJson.StatusName(change.PreviousStatus), MarginReportJson.StatusName(change.Status),
        change.PreviousBand, change.Band, change.HealthFactor, at);

    // A pool that now needs the account's attention and did not before (frozen pools are not called: no
    // price to act on).
    private static bool NeedsCall(HealthChange change) =>
        change.Status is MarginStatus.MarginCall or MarginStatus.Liquidatable or MarginStatus.Insolvent
        && change.Status < change.PreviousStatus;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Chain} at height {Height} not applied: {Reason}")]
    private static partial void Skipped(ILogger logger, Core.Chains.ChainId chain, ulong height, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Outcome}; {Changes} health changes published")]
    private static partial void Applied(ILogger logger, string outcome, int changes);
}
