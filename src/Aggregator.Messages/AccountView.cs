using Aggregator.Core.Positions;

namespace Aggregator.Messages;

/// <summary>
/// One account's cross pool as the engine sees it: collateral per chain and asset and debts (base units),
/// its status and health factor (docs/margin.md), its collateral value, debt value and borrowing power in
/// the quote currency, the current liquidation plan, if any, and its perps.
/// </summary>
public sealed record AccountView(
    string Account,
    IReadOnlyList<CollateralPosition> Collateral,
    IReadOnlyList<Debt> Debts,
    string Status,
    decimal? HealthFactor,
    decimal CollateralValue,
    decimal DebtValue,
    decimal BorrowingPower,
    LiquidationPlanned? Liquidation)
{
    /// <summary>The account's perps in its cross pool, each marked at its asset's price when the view was taken (docs/margin.md, "Live perps").</summary>
    public IReadOnlyList<PerpPosition> Perps { get; init; } = [];
}
