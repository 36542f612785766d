using Aggregator.Core.Errors;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Tests.Markets;

/// <summary>
/// GARCH(1,1) by maximum likelihood: it recovers the parameters of a path simulated from known ones, its
/// forecast is the recursion's next step, and it feeds the effective liquidation threshold rounded down
/// to a basis point; bad histories are refused by name.
/// </summary>
public class GarchVolatilityTests
{
    // A seeded GARCH(1,1) path of prices: ω = 0.00001, α = 0.1, β = 0.85 (daily: long-run σ ≈ 1.4%).
    private static decimal[] SimulatedPrices(int returns, int seed = 5)
    {
        var random = new MathNet.Numerics.Random.MersenneTwister(seed);
        var prices = new decimal[returns + 1];
        prices[0] = 1000m;
        var (omega, alpha, beta) = (0.00001, 0.1, 0.85);
        var sigma2 = omega / (1 - alpha - beta);
        for (var t = 1; t <= returns; t++)
        {
            var r = Math.Sqrt(sigma2) * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
            prices[t] = prices[t - 1] * (decimal)(1 + r);
            sigma2 = omega + (alpha * r * r) + (beta * sigma2);
        }
        return prices;
    }

    [Fact]
    public void The_fit_recovers_the_parameters_of_a_simulated_path_and_forecasts_the_next_step()
    {
        var prices = SimulatedPrices(4000);
        var fit = GarchVolatility.Estimate(prices);
        Assert.InRange(fit.Alpha, 0.06, 0.14);
        Assert.InRange(fit.Beta, 0.79, 0.91);
        Assert.InRange(fit.Omega / (1 - fit.Alpha - fit.Beta), 0.00014, 0.00026); // the long-run variance, 0.0002
        // The forecast is one more step of the recursion from the sample variance through every return.
        var returns = prices.Skip(1).Select((p, i) => (double)(p / prices[i]) - 1).ToArray();
        var sigma2 = returns.Average(r => r * r);
        foreach (var r in returns)
        {
            sigma2 = fit.Omega + (fit.Alpha * r * r) + (fit.Beta * sigma2);
        }
        Assert.Equal(Math.Sqrt(sigma2), fit.Forecast, 12);
    }

    [Fact]
    public void A_garch_asset_moves_its_threshold_by_the_forecast_rounded_down_to_a_basis_point_and_a_static_one_not_at_all()
    {
        var history = string.Join(", ", SimulatedPrices(200).Select(p => $"\"{decimal.Round(p, 6)}\""));
        var json = $$"""
            { "assets": [
                { "symbol": "ETH", "decimals": 18, "ltv": "0.80", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000", "liquidationThresholdMin": "0.6", "priceHistory": [{{history}}], "volatilityModel": "garch" },
                { "symbol": "SOL", "decimals": 9, "ltv": "0.65", "liquidationThreshold": "0.70", "liquidationBonus": "0.05", "price": "150", "liquidationThresholdMin": "0.6", "priceHistory": [{{history}}], "volatilityModel": "static" },
                { "symbol": "BTC", "decimals": 8, "ltv": "0.70", "liquidationThreshold": "0.75", "liquidationBonus": "0.06", "price": "60000", "liquidationThresholdMin": "0.6", "priceHistory": [{{history}}] }
              ], "accounts": [] }
            """;
        var market = Margin.Scenarios.ScenarioJson.Parse(json, "s.json").ResolveMarket();
        var eth = market[new Core.Assets.AssetId("ETH")];
        var forecast = (decimal)GarchVolatility.Estimate(Margin.Scenarios.ScenarioJson.Parse(json, "s.json").Assets[0].PriceHistory).Forecast;
        Assert.Equal(decimal.Floor((0.825m - forecast) * 10_000) / 10_000, eth.EffectiveLiquidationThreshold);
        Assert.Equal(forecast, eth.Volatility);
        Assert.Equal(0.70m, market[new Core.Assets.AssetId("SOL")].EffectiveLiquidationThreshold); // static
        // No model named and 200 prices: GARCH, the default wherever a fit is possible.
        Assert.Equal(decimal.Floor((0.75m - forecast) * 10_000) / 10_000, market[new Core.Assets.AssetId("BTC")].EffectiveLiquidationThreshold);
    }

    [Theory]
    [InlineData(10, "10 returns: a GARCH(1,1) fit needs at least 30")]
    public void Too_short_a_history_is_refused_naming_its_path(int returns, string message)
    {
        var history = string.Join(", ", SimulatedPrices(returns).Select(p => $"\"{decimal.Round(p, 6)}\""));
        var error = Assert.Throws<InputException>(() => Margin.Scenarios.ScenarioJson.Parse($$"""
            { "assets": [{ "symbol": "ETH", "decimals": 18, "ltv": "0.8", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000", "liquidationThresholdMin": "0.6", "priceHistory": [{{history}}], "volatilityModel": "garch" }], "accounts": [] }
            """, "s.json"));
        Assert.Contains("$.assets[0].priceHistory", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_history_that_never_moves_forecasts_nothing_and_an_unknown_model_is_refused()
    {
        Assert.Equal(0, GarchVolatility.Estimate(Enumerable.Repeat(100m, 40).ToArray()).Forecast); // a stable asset forecasts no volatility
        Assert.Contains("is not ewma, garch or static", Assert.Throws<InputException>(() => Margin.Scenarios.ScenarioJson.Parse("""
            { "assets": [{ "symbol": "ETH", "decimals": 18, "ltv": "0.8", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000", "volatilityModel": "arima" }], "accounts": [] }
            """, "s.json")).Message, StringComparison.Ordinal);
    }
}
