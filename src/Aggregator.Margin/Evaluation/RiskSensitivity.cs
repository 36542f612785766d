using Aggregator.Core.Assets;
using Aggregator.Core.Positions;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Evaluation;

/// <summary>
/// How one pool's health moves with each asset's price, the others held still (docs/margin.md, "Risk
/// sensitivity"). Everything in an asset moves with its price: its collateral on every chain, its debt,
/// and the marks of the perps on it (proportionally, as the stress test re-marks them).
/// </summary>
/// <param name="Price">The asset's price now.</param>
/// <param name="WeightedSlope">dW/dP: weighted collateral per unit of price (held · (1 − haircut) · effective LT, plus each perp's size · mark / price).</param>
/// <param name="RequirementSlope">dR/dP: requirement per unit of price (debt owed, plus each perp's |size| · mmr · mark / price).</param>
/// <param name="Delta">dHF/dP (null without a requirement).</param>
/// <param name="Gamma">d²HF/dP² (null without a requirement).</param>
/// <param name="HealthChangeUp1Percent">HF at 1.01 · P less HF now, exact (null without a requirement at either).</param>
/// <param name="HealthChangeDown1Percent">HF at 0.99 · P less HF now, exact.</param>
/// <param name="LiquidationPrice">The price at which HF = 1 (null when no positive price brings it there).</param>
/// <param name="MoveToLiquidation">LiquidationPrice / P − 1: the move of this asset alone that brings HF to 1.</param>
public sealed record AssetRisk(
    AssetId Asset, decimal Price, decimal WeightedSlope, decimal RequirementSlope, decimal? Delta, decimal? Gamma,
    decimal? HealthChangeUp1Percent, decimal? HealthChangeDown1Percent, decimal? LiquidationPrice, decimal? MoveToLiquidation);

/// <summary>
/// A pool's risk: its effective leverage (exposure over equity: collateral value plus perps' notional,
/// over collateral value plus unrealized PnL less debts; null when equity is not positive), each asset's
/// sensitivity, and the largest single-asset move it survives.
/// </summary>
/// <param name="LargestMoveSurvived">
/// The asset whose move to liquidation is the smallest in size, and that move: every single-asset move
/// smaller than it leaves the pool above HF 1. Move 0 (and no asset) when the pool is liquidatable now;
/// null when no single asset's price liquidates it.
/// </param>
public sealed record PoolRisk(decimal? EffectiveLeverage, IReadOnlyList<AssetRisk> Assets, (AssetId? Asset, decimal Move)? LargestMoveSurvived);

/// <summary>An account's cross pool's risk and each isolated position's.</summary>
public sealed record AccountRisk(string AccountId, PoolRisk Cross, IReadOnlyList<(string Id, PoolRisk Risk)> Isolated);

/// <summary>
/// Risk sensitivity (docs/margin.md): in one asset's price P, weighted collateral W and requirement R are
/// both linear (W = W0 + (P − P0)·W', R = R0 + (P − P0)·R'), so HF = W/R is a smooth rational function
/// wherever R > 0, with
/// <c>Delta = (W' − HF·R') / R</c> and <c>Gamma = −2·Delta·R' / R</c>, and HF = 1 at
/// <c>P0 + (R0 − W0) / (W' − R')</c>. Computed in decimal from the same sums as the evaluator.
/// </summary>
public static class RiskSensitivity
{
    private const decimal OnePercent = 0.01m;

    public static AccountRisk Of(MarginAccount account, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new AccountRisk(account.Id, Of(account.Cross, market), account.Isolated.Select(i => (i.Id, Of(i.Positions, market))).ToArray());
    }

    public static PoolRisk Of(MarginPositions pool, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(market);
        var health = PoolEvaluator.Evaluate(pool, market, isolated: false);
        var (weighted, requirement) = (health.WeightedCollateral, health.Requirement);
        var slopes = new SortedDictionary<string, (AssetId Asset, decimal Weighted, decimal Required)>(StringComparer.Ordinal);
        void Add(AssetId asset, decimal w, decimal r)
        {
            var (_, sw, sr) = slopes.TryGetValue(asset.Symbol, out var s) ? s : (asset, 0m, 0m);
            slopes[asset.Symbol] = (asset, sw + w, sr + r);
        }
        foreach (var position in pool.Collateral)
        {
            var asset = market[position.Asset];
            Add(position.Asset, PoolEvaluator.WholeUnits(position.Amount.BaseUnits, asset) * (1 - market.Haircut(position.Chain, position.Asset)) * asset.EffectiveLiquidationThreshold, 0);
        }
        foreach (var debt in pool.Debts)
        {
            Add(debt.Asset, 0, PoolEvaluator.WholeUnits(debt.Amount.BaseUnits, market[debt.Asset]));
        }
        var notional = 0m;
        foreach (var perp in pool.Perps)
        {
            notional += Math.Abs(perp.Size) * perp.MarkPrice;
            if (PerpAsset(perp, market) is { } asset && market[asset].Price > 0)
            {
                // The mark moves with the asset in proportion: d(mark)/dP = mark / P.
                var markPerPrice = perp.MarkPrice / market[asset].Price;
                Add(asset, perp.Size * markPerPrice, Math.Abs(perp.Size) * perp.MaintenanceMarginRate * markPerPrice);
            }
        }
        var assets = slopes.Values.Select(s => Asset(s.Asset, market[s.Asset].Price, s.Weighted, s.Required, weighted, requirement)).ToArray();
        var equity = health.CollateralValue + health.UnrealizedPnl - health.DebtValue;
        decimal? leverage = equity > 0 ? (health.CollateralValue + notional) / equity : null;
        return new PoolRisk(leverage, assets, LargestMoveSurvived(assets, health.HealthFactor));
    }

    /// <summary>The asset a perp follows: the symbol before the first '-' of its market, when the market prices it.</summary>
    public static AssetId? PerpAsset(PerpPosition perp, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(perp);
        ArgumentNullException.ThrowIfNull(market);
        var symbol = perp.Market.Split('-')[0];
        return AssetId.IsValid(symbol) && market.Contains(new AssetId(symbol)) ? new AssetId(symbol) : null;
    }

    private static AssetRisk Asset(AssetId asset, decimal price, decimal w1, decimal r1, decimal w0, decimal r0)
    {
        decimal? delta = null, gamma = null;
        if (r0 > 0)
        {
            var healthFactor = w0 / r0;
            delta = (w1 - (healthFactor * r1)) / r0;
            gamma = -2 * delta.Value * r1 / r0;
        }
        decimal? At(decimal move) => HealthFormula.HealthFactor(w0 + (move * price * w1), r0 + (move * price * r1)) is { } moved && r0 > 0 ? moved - (w0 / r0) : null;
        decimal? liquidation = null;
        if (w1 != r1)
        {
            var candidate = price + ((r0 - w0) / (w1 - r1));
            // A price at which the pool has a requirement to fail: R stays positive there.
            if (candidate > 0 && r0 + ((candidate - price) * r1) > 0)
            {
                liquidation = candidate;
            }
        }
        return new AssetRisk(asset, price, w1, r1, delta, gamma, At(OnePercent), At(-OnePercent), liquidation,
            liquidation is { } p && price > 0 ? (p / price) - 1 : null);
    }

    // The smallest move to liquidation among the assets; 0 when the pool is already there.
    private static (AssetId? Asset, decimal Move)? LargestMoveSurvived(IReadOnlyList<AssetRisk> assets, decimal? healthFactor)
    {
        if (healthFactor < 1)
        {
            return (null, 0m);
        }
        var nearest = assets.Where(a => a.MoveToLiquidation is not null).MinBy(a => Math.Abs(a.MoveToLiquidation!.Value));
        return nearest is null ? null : (nearest.Asset, nearest.MoveToLiquidation!.Value);
    }
}
