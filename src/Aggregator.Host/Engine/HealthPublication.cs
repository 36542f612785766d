using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Margin.Scenarios;
using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Host.Engine;

/// <summary>
/// What the engine publishes after a write: its health changes in one message, a margin call for each
/// pool that fell to a margin call or below (frozen pools are not called: there is no price to act on),
/// and a liquidation plan for each pool that became liquidatable or insolvent.
/// </summary>
internal static class HealthPublication
{
    public static async Task PublishAsync(ConsumeContext context, EngineBook engine, IReadOnlyList<HealthChange> changes)
    {
        var now = DateTimeOffset.UtcNow;
        var health = changes.Select(c => new AccountHealthChanged(
            engine.Book.AccountId(c.Account), c.Pool,
            MarginReportJson.StatusName(c.PreviousStatus), MarginReportJson.StatusName(c.Status),
            c.PreviousBand, c.Band, c.HealthFactor, now)).ToArray();
        if (health.Length > 0)
        {
            await context.Publish(new AccountsHealthChanged(health), context.CancellationToken).ConfigureAwait(false);
        }
        var calls = changes.Where(NeedsCall)
            .Select(c => new MarginCall(engine.Book.AccountId(c.Account), c.Pool, MarginReportJson.StatusName(c.Status), c.HealthFactor, now)).ToArray();
        await context.PublishBatch(calls, context.CancellationToken).ConfigureAwait(false);
        var plans = engine.LiquidationPlans(changes).Select(p => new LiquidationPlanned(
            engine.Book.AccountId(p.Change.Account), p.Change.Pool, MarginReportJson.StatusName(p.Change.Status), p.Change.HealthFactor,
            p.Plan.CloseFactor, p.Plan.DebtAsset, p.Plan.DebtToCover, p.Plan.CollateralChain, p.Plan.CollateralAsset, p.Plan.CollateralToSeize,
            p.Plan.PerpsToClose, now)).ToArray();
        await context.PublishBatch(plans, context.CancellationToken).ConfigureAwait(false);
    }

    private static bool NeedsCall(HealthChange change) =>
        change.Status is MarginStatus.MarginCall or MarginStatus.Liquidatable or MarginStatus.Insolvent
        && change.Status < change.PreviousStatus;
}
