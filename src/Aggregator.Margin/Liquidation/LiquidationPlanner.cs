using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
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
        // One pass each, no sort: a price tick plans thousands of pools at once.
        var debt = Largest(pool.Debts, d => d.Asset, d => d.Amount, market,
            (candidate, best) => string.CompareOrdinal(candidate.Asset.Symbol, best.Asset.Symbol) < 0);
        if (debt is null)
        {
            var perps = pool.Perps.Where(p => p.Size != 0).Select(p => p.Market).ToArray();
            return perps.Length == 0 ? null : new LiquidationPlan(closeFactor, null, null, null, null, null, perps);
        }

        var debtAsset = market[debt.Asset];
        var cover = FloorBaseUnits(PoolEvaluator.WholeUnits(debt.Amount.BaseUnits, debtAsset) * closeFactor, debtAsset);
        var collateral = Largest(pool.Collateral, c => c.Asset, c => c.Amount, market, FirstByChainThenSymbol);
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

    /// <summary>
    /// The candidate of largest value among those with an amount and a price, or null; equal values go to
    /// the one <paramref name="before"/> puts first (the debt of the first symbol, the collateral of the
    /// first chain then symbol, ordinal), whatever the order listed.
    /// </summary>
    private static T? Largest<T>(IEnumerable<T> candidates, Func<T, AssetId> asset, Func<T, Amount> amount, MarketState market, Func<T, T, bool> before)
        where T : class
    {
        T? best = null;
        var bestValue = 0m;
        foreach (var candidate in candidates)
        {
            var state = market[asset(candidate)];
            var held = amount(candidate);
            if (held.BaseUnits.IsZero || state.Price <= 0)
            {
                continue;
            }
            var value = Value(held, state);
            if (best is null || value > bestValue || (value == bestValue && before(candidate, best)))
            {
                (best, bestValue) = (candidate, value);
            }
        }
        return best;
    }

    private static bool FirstByChainThenSymbol(CollateralPosition candidate, CollateralPosition best) =>
        string.CompareOrdinal(candidate.Chain.ToString(), best.Chain.ToString()) is var byChain && byChain != 0
            ? byChain < 0
            : string.CompareOrdinal(candidate.Asset.Symbol, best.Asset.Symbol) < 0;

    private static decimal Value(Amount amount, AssetState asset) => PoolEvaluator.WholeUnits(amount.BaseUnits, asset) * asset.Price;

    private static BigInteger FloorBaseUnits(decimal wholeUnits, AssetState asset) =>
        new(decimal.Floor(wholeUnits * asset.UnitScale));
}
