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
            var held = Amount(position.Amount.BaseUnits, asset, up: false);
            var kept = FixedPoint.TimesFraction(held, FixedPoint.Fraction(1 - market.Haircut(position.Chain, position.Asset)));
            tally.AddCollateral(held, kept, Prices(asset), asset.Frozen);
        }
        foreach (var debt in pool.Debts)
        {
            var asset = market[debt.Asset];
            tally.AddDebt(Amount(debt.Amount.BaseUnits, asset, up: true), Prices(asset), asset.Frozen);
        }
        foreach (var perp in pool.Perps)
        {
            tally.AddPerp(PerpTerms.From(perp.Size, perp.EntryPrice, perp.MaintenanceMarginRate),
                FixedPoint.FromDecimal(perp.MarkPrice, up: false), FixedPoint.FromDecimal(perp.MarkPrice, up: true),
                RiskSensitivity.PerpAsset(perp, market) is { } follows && market[follows].Frozen);
        }
        var healthFactor = tally.HealthFactor;
        var status = tally.Status(FixedPoint.Threshold(market.Settings.WarningHealthFactor));
        var plan = status is MarginStatus.Liquidatable or MarginStatus.Insolvent
            ? LiquidationPlanner.Plan(pool, healthFactor, market)
            : null;
        var perpPrices = isolated
            ? pool.Perps.Select(p => new PerpLiquidationPrice(p.Market, LiquidationPrice(p, tally.HealthWeighted.ToDecimal() - p.UnrealizedPnl, tally.Requirement.ToDecimal() - p.MaintenanceMargin))).ToArray()
            : [];
        return new PoolHealth(tally.CollateralValue.ToDecimal(), tally.HealthWeighted.ToDecimal(), tally.DebtValue.ToDecimal(), tally.Pnl.ToDecimal(), tally.Requirement.ToDecimal(),
            healthFactor, status, tally.BorrowingPower(status), plan, perpPrices);
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
        if (System.Numerics.BigInteger.Abs(baseUnits) < DecimalIntegers)
        {
            return (decimal)baseUnits / asset.UnitScale;
        }
        // Beyond 2^96 base units, the whole units and the part apart: each fits a decimal.
        var whole = System.Numerics.BigInteger.DivRem(baseUnits, System.Numerics.BigInteger.Pow(10, asset.Decimals), out var part);
        return (decimal)whole + ((decimal)part / asset.UnitScale);
    }

    private static readonly System.Numerics.BigInteger DecimalIntegers = System.Numerics.BigInteger.One << 96;

    /// <summary>The asset's price in fixed point, for each side it serves.</summary>
    internal static AssetPrices Prices(AssetState asset) =>
        AssetPrices.From(asset.Price, asset.EffectiveLiquidationThreshold, asset.EffectiveLtv);

    // An amount in base units as 10^-18 whole units (the rounding, past 18 decimals, as the side asks).
    private static UInt128 Amount(System.Numerics.BigInteger baseUnits, AssetState asset, bool up) =>
        baseUnits.Sign < 0 || baseUnits > UInt128.MaxValue
            ? throw new OverflowException($"{baseUnits} base units of {asset.Id}: negative, or beyond what margin values")
            : FixedPoint.Amount((UInt128)baseUnits, asset.Decimals, up);

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
