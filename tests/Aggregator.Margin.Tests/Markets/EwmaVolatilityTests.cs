using Aggregator.Core.Assets;
using Aggregator.Core.Risk;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Tests.Markets;

public class EwmaVolatilityTests
{
    [Fact]
    public void Sigma_follows_the_RiskMetrics_recursion()
    {
        Assert.Equal(0.1m, EwmaVolatility.Sigma([100m, 110m], 0.94m));
        Assert.Equal(0.1m, EwmaVolatility.Sigma([100m, 110m, 99m], 0.94m));
        // r1 = 1%, r2 = 2/101; σ² = 0.94·r1² + 0.06·r2² (computed independently with Python's decimal module)
        Assert.Equal(0.010840991891232374746343m, decimal.Round(EwmaVolatility.Sigma([100m, 101m, 103m], 0.94m), 24));
    }

    [Fact]
    public void Fewer_than_two_prices_give_no_volatility()
    {
        Assert.Equal(0m, EwmaVolatility.Sigma([], 0.94m));
        Assert.Equal(0m, EwmaVolatility.Sigma([100m], 0.94m));
    }

    [Fact]
    public void Square_root_is_exact_to_decimal_precision()
    {
        Assert.Equal(1.4142135623730950488016887242m, EwmaVolatility.SquareRoot(2m));
        Assert.Equal(12m, EwmaVolatility.SquareRoot(144m));
        Assert.Equal(0.001m, EwmaVolatility.SquareRoot(0.000001m));
    }

    [Fact]
    public void Volatility_lowers_the_threshold_within_its_bounds()
    {
        var settings = new MarginSettings(new OracleSettings(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1), 0.02m), 1.1m, 0.94m, 1m);
        MarginAsset Asset(decimal? min, decimal[] history) =>
            new(new AssetId("SOL"), 9, new RiskParams(0.6m, 0.7m, 0.08m), [new PriceQuote("fixed", 100, DateTimeOffset.UnixEpoch)], min, history);

        var market = MarketState.Resolve([Asset(0.55m, [100m, 110m])], new Dictionary<(Core.Chains.ChainId, AssetId), decimal>(), settings);
        Assert.Equal(0.6m, market[new AssetId("SOL")].EffectiveLiquidationThreshold); // 0.7 - 1·0.1
        Assert.Equal(0.6m, market[new AssetId("SOL")].EffectiveLtv);

        market = MarketState.Resolve([Asset(0.65m, [100m, 110m])], new Dictionary<(Core.Chains.ChainId, AssetId), decimal>(), settings);
        Assert.Equal(0.65m, market[new AssetId("SOL")].EffectiveLiquidationThreshold); // floored at LTmin

        market = MarketState.Resolve([Asset(null, [100m, 110m])], new Dictionary<(Core.Chains.ChainId, AssetId), decimal>(), settings);
        Assert.Equal(0.7m, market[new AssetId("SOL")].EffectiveLiquidationThreshold); // dynamic margin off
    }
}
