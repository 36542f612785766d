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
        var sigma = asset.LiquidationThresholdMin is null ? 0 : asset.Model switch
        {
            VolatilityModel.Ewma => EwmaVolatility.Sigma(asset.PriceHistory, settings.EwmaLambda),
            VolatilityModel.Garch => (decimal)GarchVolatility.Estimate(asset.PriceHistory).Forecast,
            _ => 0,
        };
        var lt = asset.Risk.LiquidationThreshold;
        var effectiveLt = asset.LiquidationThresholdMin is { } min ? Math.Max(min, lt - settings.VolatilityMultiplier * sigma) : lt;
        if (asset.Model == VolatilityModel.Garch)
        {
            // A forecast in double feeds the rules only rounded to a basis point, down: the safe side.
            effectiveLt = Math.Max(asset.LiquidationThresholdMin ?? 0, decimal.Floor(effectiveLt * 10_000) / 10_000);
        }
        return new AssetState(
            asset.Id, asset.Decimals, oracle.Price, oracle.Status, lt, effectiveLt,
            Math.Min(asset.Risk.Ltv, effectiveLt), asset.Risk.LiquidationBonus, sigma);
    }
}
