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
        var (repaid, seize) = Execute(cover, debtAsset, collateral, collateralAsset);
        // Dust (Aave v3.3): a partial liquidation that would leave the debt or the seized position worth
        // less than the dust value, but not nothing, liquidates in full instead.
        if (closeFactor < 1 && (Dust(debt.Amount.BaseUnits - repaid, debtAsset, market) || Dust(collateral.Amount.BaseUnits - seize, collateralAsset, market)))
        {
            closeFactor = 1;
            (repaid, seize) = Execute(debt.Amount.BaseUnits, debtAsset, collateral, collateralAsset);
        }
        return new LiquidationPlan(
            closeFactor, debt.Asset, new Amount(repaid, debtAsset.Decimals),
            collateral.Chain, collateral.Asset, new Amount(seize, collateralAsset.Decimals), []);
    }

    // Repay `cover` base units and seize cover·debtPrice·(1 + bonus)/collateralPrice, capped by what the
    // position holds (the repayment then shrinks to match).
    private static (BigInteger Repaid, BigInteger Seized) Execute(BigInteger cover, AssetState debtAsset, CollateralPosition collateral, AssetState collateralAsset)
    {
        var premium = 1 + collateralAsset.LiquidationBonus;
        var seize = FloorBaseUnits(PoolEvaluator.WholeUnits(cover, debtAsset) * debtAsset.Price * premium / collateralAsset.Price, collateralAsset);
        if (seize > collateral.Amount.BaseUnits)
        {
            seize = collateral.Amount.BaseUnits;
            cover = FloorBaseUnits(PoolEvaluator.WholeUnits(seize, collateralAsset) * collateralAsset.Price / (debtAsset.Price * premium), debtAsset);
        }
        return (cover, seize);
    }

    private static bool Dust(BigInteger left, AssetState asset, MarketState market) =>
        left > 0 && PoolEvaluator.WholeUnits(left, asset) * asset.Price < market.Settings.DustValue;

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
