using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;

namespace Aggregator.Messages;

/// <summary>
/// A pool became liquidatable (or insolvent): what a liquidator may do (docs/margin.md, "Liquidation"):
/// repay <paramref name="DebtToCover"/> of <paramref name="DebtAsset"/> and seize
/// <paramref name="CollateralToSeize"/> of <paramref name="CollateralAsset"/> on <paramref name="CollateralChain"/>,
/// or, for a pool without debt, close <paramref name="CloseFactor"/> of each perp named.
/// <paramref name="Pool"/> is null for the cross pool.
/// </summary>
public sealed record LiquidationPlanned(
    string Account,
    string? Pool,
    string Status,
    decimal? HealthFactor,
    decimal CloseFactor,
    AssetId? DebtAsset,
    Amount? DebtToCover,
    ChainId? CollateralChain,
    AssetId? CollateralAsset,
    Amount? CollateralToSeize,
    IReadOnlyList<string> PerpsToClose,
    DateTimeOffset At);
