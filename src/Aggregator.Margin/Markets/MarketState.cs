using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Markets;

/// <summary>
/// Everything an evaluation needs about the market: each asset resolved (price, status, effective
/// thresholds), per-chain haircuts, and the settings. Built once per evaluation or stress round.
/// </summary>
public sealed class MarketState
{
    private readonly Dictionary<AssetId, AssetState> _assets;
    private readonly Dictionary<(ChainId, AssetId), decimal> _haircuts;

    public MarketState(IEnumerable<AssetState> assets, IReadOnlyDictionary<(ChainId Chain, AssetId Asset), decimal> haircuts, MarginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(haircuts);
        _assets = assets.ToDictionary(a => a.Id);
        _haircuts = haircuts.ToDictionary(p => p.Key, p => p.Value);
        Settings = settings;
    }

    public MarginSettings Settings { get; }

    public IEnumerable<AssetState> Assets => _assets.Values;

    public AssetState this[AssetId asset] =>
        _assets.TryGetValue(asset, out var state) ? state : throw new KeyNotFoundException($"unknown asset {asset}");

    public bool Contains(AssetId asset) => _assets.ContainsKey(asset);

    /// <summary>The haircut of an asset on a chain (0 when none is configured).</summary>
    public decimal Haircut(ChainId chain, AssetId asset) => _haircuts.TryGetValue((chain, asset), out var h) ? h : 0;

    /// <summary>Resolves every asset: oracle aggregation, then dynamic margin.</summary>
    public static MarketState Resolve(IEnumerable<MarginAsset> assets, IReadOnlyDictionary<(ChainId Chain, AssetId Asset), decimal> haircuts, MarginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(settings);
        return new MarketState(assets.Select(a => ResolveAsset(a, settings)), haircuts, settings);
    }

    /// <summary>The same market with some prices replaced (stress rounds).</summary>
    public MarketState WithPrices(IReadOnlyDictionary<AssetId, decimal> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        return new MarketState(
            _assets.Values.Select(a => prices.TryGetValue(a.Id, out var p) ? a with { Price = p } : a), _haircuts, Settings);
    }

    /// <summary>The same market with one asset's price and oracle status replaced (a live price tick).</summary>
    public MarketState WithQuote(AssetId asset, decimal price, OracleStatus status) =>
        new(_assets.Values.Select(a => a.Id == asset ? a with { Price = price, OracleStatus = status } : a), _haircuts, Settings);

    private static AssetState ResolveAsset(MarginAsset asset, MarginSettings settings)
    {
        var oracle = OracleAggregator.Aggregate(asset.Quotes, settings.Oracle);
        var lt = asset.Risk.LiquidationThreshold;
        var (sigma, effectiveLt) = asset.LiquidationThresholdMin is { } min
            ? DynamicThreshold(asset.Model, asset.PriceHistory, lt, min, settings.VolatilityMultiplier, settings.EwmaLambda)
            : (0m, lt);
        return new AssetState(
            asset.Id, asset.Decimals, oracle.Price, oracle.Status, lt, effectiveLt,
            Math.Min(asset.Risk.Ltv, effectiveLt), asset.Risk.LiquidationBonus, sigma);
    }

    /// <summary>
    /// Dynamic margin (docs/margin.md): the volatility <paramref name="model"/> reads from the history, and
    /// the effective LT it gives, max(floor, LT − k·σ); a GARCH forecast, computed in double, feeds the rules
    /// only rounded down to a basis point (the safe side).
    /// </summary>
    public static (decimal Sigma, decimal EffectiveLt) DynamicThreshold(
        VolatilityModel model, IReadOnlyList<decimal> history, decimal liquidationThreshold, decimal floor, decimal multiplier, decimal lambda)
    {
        var sigma = model switch
        {
            VolatilityModel.Ewma => EwmaVolatility.Sigma(history, lambda),
            VolatilityModel.Garch => (decimal)GarchVolatility.Estimate(history).Forecast,
            _ => 0,
        };
        var effectiveLt = Math.Max(floor, liquidationThreshold - (multiplier * sigma));
        return (sigma, model == VolatilityModel.Garch ? Math.Max(floor, decimal.Floor(effectiveLt * 10_000) / 10_000) : effectiveLt);
    }
}
