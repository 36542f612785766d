using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;

namespace Aggregator.Margin.Liquidation;

/// <summary>
/// What a liquidator may do to an unhealthy pool: repay <see cref="DebtToCover"/> of the largest debt
/// and seize <see cref="CollateralToSeize"/> of the largest collateral position (chain and asset named),
/// or, for a pool with no debt, close <see cref="CloseFactor"/> of each perp in <see cref="PerpsToClose"/>.
/// </summary>
public sealed record LiquidationPlan(
    decimal CloseFactor,
    AssetId? DebtAsset,
    Amount? DebtToCover,
    ChainId? CollateralChain,
    AssetId? CollateralAsset,
    Amount? CollateralToSeize,
    IReadOnlyList<string> PerpsToClose);
