using Aggregator.Core.Positions;
using Aggregator.Margin.Liquidation;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Evaluation;

/// <summary>Evaluates pools against a market: values, health factor, status, borrowing power, plan.</summary>
public static class PoolEvaluator
{
    /// <summary>An account's cross pool and isolated positions; isolated losses never reach the cross pool.</summary>
    public static AccountHealth Evaluate(MarginAccount account, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new AccountHealth(
            account.Id,
            Evaluate(account.Cross, market, isolated: false),
            account.Isolated.Select(i => (i.Id, Evaluate(i.Positions, market, isolated: true))).ToArray());
    }

    /// <summary>One pool. Isolated pools also report each perp's liquidation price.</summary>
    public static PoolHealth Evaluate(MarginPositions pool, MarketState market, bool isolated)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(market);
        var tally = new PoolTally();
        foreach (var position in pool.Collateral)
        {
            var asset = market[position.Asset];
            var held = WholeUnits(position.Amount.BaseUnits, asset);
            tally.AddCollateral(held, held * (1 - market.Haircut(position.Chain, position.Asset)), asset.Price, asset.EffectiveLiquidationThreshold, asset.EffectiveLtv, asset.Frozen);
        }
        foreach (var debt in pool.Debts)
        {
            var asset = market[debt.Asset];
            tally.AddDebt(WholeUnits(debt.Amount.BaseUnits, asset), asset.Price, asset.Frozen);
        }
        foreach (var perp in pool.Perps)
        {
            tally.AddPerp(perp, RiskSensitivity.PerpAsset(perp, market) is { } follows && market[follows].Frozen);
        }
        var healthFactor = tally.HealthFactor;
        var status = tally.Status(market.Settings.WarningHealthFactor);
        var plan = status is MarginStatus.Liquidatable or MarginStatus.Insolvent
            ? LiquidationPlanner.Plan(pool, healthFactor, market)
            : null;
        var perpPrices = isolated
            ? pool.Perps.Select(p => new PerpLiquidationPrice(p.Market, LiquidationPrice(p, tally.HealthWeighted - p.UnrealizedPnl, tally.Requirement - p.MaintenanceMargin))).ToArray()
            : [];
        return new PoolHealth(tally.CollateralValue, tally.HealthWeighted, tally.DebtValue, tally.Pnl, tally.Requirement, healthFactor, status, tally.BorrowingPower(status), plan, perpPrices);
    }

    /// <summary>
    /// The liquidation plan of a pool already found liquidatable (by the live book, say) at
    /// <paramref name="healthFactor"/>: the same plan <see cref="Evaluate(MarginPositions, MarketState, bool)"/> gives,
    /// without deciding the status again (a second evaluation could round a boundary case the other way).
    /// </summary>
    public static LiquidationPlan? PlanLiquidation(MarginPositions pool, decimal? healthFactor, MarketState market) =>
        LiquidationPlanner.Plan(pool, healthFactor, market);

    /// <summary>Whole units of an amount in base units.</summary>
    public static decimal WholeUnits(System.Numerics.BigInteger baseUnits, AssetState asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return (decimal)baseUnits / asset.UnitScale;
    }

    // Solves weightedOthers + size·(P − entry) = requirementOthers + |size|·P·mmr for P.
    private static decimal? LiquidationPrice(PerpPosition perp, decimal weightedOthers, decimal requirementOthers)
    {
        var denominator = perp.Size - Math.Abs(perp.Size) * perp.MaintenanceMarginRate;
        if (denominator == 0)
        {
            return null;
        }
        var price = (requirementOthers - weightedOthers + perp.Size * perp.EntryPrice) / denominator;
        return price > 0 ? price : null;
    }
}
