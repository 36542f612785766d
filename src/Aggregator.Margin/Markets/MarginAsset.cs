using Aggregator.Core.Assets;
using Aggregator.Core.Risk;

namespace Aggregator.Margin.Markets;

/// <summary>
/// An asset as the margin engine sees it: decimals, risk parameters, its price sources and, when dynamic
/// margin is on (<see cref="LiquidationThresholdMin"/> set), the price history its volatility comes from.
/// </summary>
public sealed record MarginAsset(
    AssetId Id,
    int Decimals,
    RiskParams Risk,
    IReadOnlyList<PriceQuote> Quotes,
    decimal? LiquidationThresholdMin,
    IReadOnlyList<decimal> PriceHistory)
{
    /// <summary>How the history becomes a volatility for dynamic margin (EWMA unless the market file says otherwise).</summary>
    public VolatilityModel Model { get; init; } = VolatilityModel.Ewma;
}

/// <summary>
/// The volatility that moves an asset's effective liquidation threshold (docs/margin.md, "Dynamic margin"
/// and "Predictive margin"): EWMA reacts after a move; GARCH(1,1) forecasts tomorrow's; static keeps the
/// threshold where it is set.
/// </summary>
public enum VolatilityModel
{
    Ewma,
    Garch,
    Static,
}
