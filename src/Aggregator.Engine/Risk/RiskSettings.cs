using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Margin.Markets;

namespace Aggregator.Engine.Risk;

/// <summary>
/// The risk role's settings: the market (its assets' decimals and hedging policies), the insurance fund
/// where it starts in base units (the market's <c>params.insuranceFund</c>), the directory its state is
/// kept in (the engine's state directory), and how old a partition's exposure report may be and still
/// count (three of the engines' report intervals).
/// </summary>
public sealed record RiskSettings(MarketState Market, IReadOnlyDictionary<AssetId, Amount> StartingFund, string? StateDirectory, TimeSpan ReportMaxAge)
{
    /// <summary>From the engine's settings: the market, its starting fund (exact in each asset's decimals), its state directory and report interval.</summary>
    public static RiskSettings From(EngineSettings engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var market = engine.Market;
        return new RiskSettings(
            market,
            market.Settings.InsuranceFund.ToDictionary(f => f.Key, f => Amount.Parse(f.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), market[f.Key].Decimals, Rounding.Exact)),
            engine.StateDirectory,
            3 * engine.ExposureInterval);
    }
}
