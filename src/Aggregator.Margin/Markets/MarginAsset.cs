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
    IReadOnlyList<decimal> PriceHistory);
