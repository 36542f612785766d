using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Engine.Risk;

/// <summary>
/// The risk role's settings: the insurance fund where it starts, in base units (the market's
/// <c>params.insuranceFund</c>), and the directory its state is kept in (the engine's state directory).
/// </summary>
public sealed record RiskSettings(IReadOnlyDictionary<AssetId, Amount> StartingFund, string? StateDirectory)
{
    /// <summary>From the engine's settings: the market's starting fund (exact in each asset's decimals) and its state directory.</summary>
    public static RiskSettings From(EngineSettings engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var market = engine.Market;
        return new RiskSettings(
            market.Settings.InsuranceFund.ToDictionary(f => f.Key, f => Amount.Parse(f.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), market[f.Key].Decimals, Rounding.Exact)),
            engine.StateDirectory);
    }
}
