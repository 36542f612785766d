using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Positions;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Liquidation;

/// <summary>
/// Aave v3 liquidation: close factor 0.5 (1.0 below a health factor of 0.95) of the largest debt by value,
/// seizing repaid·debtPrice·(1 + bonus)/collateralPrice from the largest collateral position by value,
/// capped by what it holds (the repaid amount then shrinks to match). Amounts round down to base units.
/// </summary>
internal static class LiquidationPlanner
{
    public static LiquidationPlan? Plan(MarginPositions pool, decimal? healthFactor, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(market);
        var closeFactor = HealthFormula.CloseFactor(healthFactor);
        var debt = pool.Debts
            .Where(d => !d.Amount.BaseUnits.IsZero && market[d.Asset].Price > 0)
            .OrderByDescending(d => Value(d.Amount, market[d.Asset]))
            .ThenBy(d => d.Asset.Symbol, StringComparer.Ordinal)
            .FirstOrDefault();
        if (debt is null)
        {
            var perps = pool.Perps.Where(p => p.Size != 0).Select(p => p.Market).ToArray();
            return perps.Length == 0 ? null : new LiquidationPlan(closeFactor, null, null, null, null, null, perps);
        }

        var debtAsset = market[debt.Asset];
        var cover = FloorBaseUnits(PoolEvaluator.WholeUnits(debt.Amount.BaseUnits, debtAsset) * closeFactor, debtAsset);
        var collateral = pool.Collateral
            .Where(c => !c.Amount.BaseUnits.IsZero && market[c.Asset].Price > 0)
            .OrderByDescending(c => Value(c.Amount, market[c.Asset]))
            .ThenBy(c => c.Chain.ToString(), StringComparer.Ordinal)
            .ThenBy(c => c.Asset.Symbol, StringComparer.Ordinal)
            .FirstOrDefault();
        if (collateral is null)
        {
            // Nothing to seize: the debt is bad debt; the plan still names what would be repaid.
            return new LiquidationPlan(closeFactor, debt.Asset, new Amount(cover, debtAsset.Decimals), null, null, null, []);
        }

        var collateralAsset = market[collateral.Asset];
        var premium = 1 + collateralAsset.LiquidationBonus;
        var coverWhole = PoolEvaluator.WholeUnits(cover, debtAsset);
        var seize = FloorBaseUnits(coverWhole * debtAsset.Price * premium / collateralAsset.Price, collateralAsset);
        if (seize > collateral.Amount.BaseUnits)
        {
            seize = collateral.Amount.BaseUnits;
            var seizeWhole = PoolEvaluator.WholeUnits(seize, collateralAsset);
            cover = FloorBaseUnits(seizeWhole * collateralAsset.Price / (debtAsset.Price * premium), debtAsset);
        }
        return new LiquidationPlan(
            closeFactor, debt.Asset, new Amount(cover, debtAsset.Decimals),
            collateral.Chain, collateral.Asset, new Amount(seize, collateralAsset.Decimals), []);
    }

    private static decimal Value(Amount amount, AssetState asset) => PoolEvaluator.WholeUnits(amount.BaseUnits, asset) * asset.Price;

    private static BigInteger FloorBaseUnits(decimal wholeUnits, AssetState asset) =>
        new(decimal.Floor(wholeUnits * asset.UnitScale));
}
