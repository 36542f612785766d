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
        decimal collateralValue = 0, weighted = 0, borrowBase = 0, debtValue = 0, pnl = 0, maintenance = 0;
        var frozen = false;
        foreach (var position in pool.Collateral)
        {
            var asset = market[position.Asset];
            var value = WholeUnits(position.Amount.BaseUnits, asset) * asset.Price;
            var keep = 1 - market.Haircut(position.Chain, position.Asset);
            collateralValue += value;
            weighted += value * asset.EffectiveLiquidationThreshold * keep;
            borrowBase += value * asset.EffectiveLtv * keep;
            frozen |= asset.Frozen && !position.Amount.BaseUnits.IsZero;
        }
        foreach (var debt in pool.Debts)
        {
            var asset = market[debt.Asset];
            debtValue += WholeUnits(debt.Amount.BaseUnits, asset) * asset.Price;
            frozen |= asset.Frozen && !debt.Amount.BaseUnits.IsZero;
        }
        foreach (var perp in pool.Perps)
        {
            pnl += perp.UnrealizedPnl;
            maintenance += perp.MaintenanceMargin;
        }
        weighted += pnl;
        var requirement = debtValue + maintenance;
        var healthFactor = HealthFormula.HealthFactor(weighted, requirement);
        var status = HealthFormula.Status(frozen, collateralValue + pnl - debtValue, weighted, requirement, market.Settings.WarningHealthFactor);
        var borrowingPower = status == MarginStatus.Frozen ? 0 : Math.Max(0, borrowBase + pnl - requirement);
        var plan = status is MarginStatus.Liquidatable or MarginStatus.Insolvent
            ? LiquidationPlanner.Plan(pool, healthFactor, market)
            : null;
        var perpPrices = isolated
            ? pool.Perps.Select(p => new PerpLiquidationPrice(p.Market, LiquidationPrice(p, weighted - p.UnrealizedPnl, requirement - p.MaintenanceMargin))).ToArray()
            : [];
        return new PoolHealth(collateralValue, weighted, debtValue, pnl, requirement, healthFactor, status, borrowingPower, plan, perpPrices);
    }

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
