using Aggregator.Host.Bus;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Margin.Scenarios;
using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Engine;

/// <summary>
/// What the engine publishes after a write, each kind in messages of up to 1,000 entries, in this order: a
/// liquidation plan for each pool that became liquidatable or insolvent, a margin call for each pool that
/// fell to a margin call or below (frozen pools are not called: there is no price to act on), and its
/// health changes. The views of the accounts it changed follow in <see cref="ViewPublication"/>'s rounds.
/// </summary>
internal static class HealthPublication
{
    // At most this many entries per message: a rebuild or a large tick can change every account at once,
    // and one message of a million entries would pass a broker's size limit (and its confirm timeout).
    // A thousand keeps each body under the large-object threshold (85 kB): at 5,000 a price tick's bodies
    // went to the large-object heap and set off full collections pausing the engine 150 ms (measured).
    private const int MessageSize = 1_000;

    /// <summary>
    /// After a write: the deficits it recorded go in the journal first (before the write is acknowledged),
    /// then what the risk role has not heard yet (a refused or repeated write may still have some: a
    /// publish that failed before), then the write's health changes.
    /// </summary>
    public static async Task PublishAsync(IPublishEndpoint publisher, EngineBook engine, LedgerJournal journal, EngineBook.Outcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (var deficit in outcome.Deficits)
        {
            journal.Append(deficit);
        }
        if (outcome.Applied)
        {
            await PublishAsync(publisher, engine, outcome.Changes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await AnnounceAsync(publisher, engine, cancellationToken).ConfigureAwait(false);
        }
    }

    // What the risk role has not heard yet (fees, deficits, perp shortfalls, deleveraging candidates). A
    // publish that fails (the risk role's queue full, the broker away) leaves them for the next write (the
    // risk role applies each once); the write itself stands.
    private static async Task AnnounceAsync(IPublishEndpoint publisher, EngineBook engine, CancellationToken cancellationToken)
    {
        var unannounced = engine.Unannounced();
        if (unannounced.Count == 0)
        {
            return;
        }
        try
        {
            await publisher.PublishBatch(unannounced.OfType<LiquidationRecorded>(), cancellationToken).ConfigureAwait(false);
            await publisher.PublishBatch(unannounced.OfType<BadDebtRecorded>(), cancellationToken).ConfigureAwait(false);
            await publisher.PublishBatch(unannounced.OfType<DeleveragingCandidatesReported>(), cancellationToken).ConfigureAwait(false);
            engine.Announced(unannounced);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Left for the next write.
        }
    }

    /// <summary>After a write (a price tick's included): what the risk role has not heard yet, then the write's changes.</summary>
    public static async Task PublishAsync(IPublishEndpoint publisher, EngineBook engine, IReadOnlyList<HealthChange> changes, CancellationToken cancellationToken)
    {
        await AnnounceAsync(publisher, engine, cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        // Most urgent first: the plans someone must act on, then the calls, then the health changes
        // (a price tick's tens of thousands of band moves would otherwise delay the plans behind them).
        var plans = engine.LiquidationPlans(changes).Select(p => new LiquidationPlanned(
            engine.Book.AccountId(p.Change.Account), p.Change.Pool, MarginReportJson.StatusName(p.Change.Status), p.Change.HealthFactor,
            p.Plan.CloseFactor, p.Plan.DebtAsset, p.Plan.DebtToCover, p.Plan.CollateralChain, p.Plan.CollateralAsset, p.Plan.CollateralToSeize,
            p.Plan.PerpsToClose, now)).ToArray();
        await publisher.PublishBatch(plans.Chunk(MessageSize).Select(chunk => new LiquidationsPlanned(chunk)), cancellationToken).ConfigureAwait(false);
        var calls = changes.Where(NeedsCall)
            .Select(c => new MarginCall(engine.Book.AccountId(c.Account), c.Pool, MarginReportJson.StatusName(c.Status), c.HealthFactor, now)).ToArray();
        await publisher.PublishBatch(calls.Chunk(MessageSize).Select(chunk => new MarginCalls(chunk)), cancellationToken).ConfigureAwait(false);
        var health = changes.Select(c => new AccountHealthChanged(
            engine.Book.AccountId(c.Account), c.Pool,
            MarginReportJson.StatusName(c.PreviousStatus), MarginReportJson.StatusName(c.Status),
            c.PreviousBand, c.Band, c.HealthFactor, now)).ToArray();
        await publisher.PublishBatch(health.Chunk(MessageSize).Select(chunk => new AccountsHealthChanged(chunk)), cancellationToken).ConfigureAwait(false);
    }

    private static bool NeedsCall(HealthChange change) =>
        change.Status is MarginStatus.MarginCall or MarginStatus.Liquidatable or MarginStatus.Insolvent
        && change.Status < change.PreviousStatus;
}
