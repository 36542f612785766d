using Aggregator.Core.Positions;

namespace Aggregator.Messages;

/// <summary>
/// One account's cross pool as the engine sees it: collateral per chain and asset and debts (base units),
/// its status and health factor (docs/margin.md), its collateral value, debt value and borrowing power in
/// the quote currency, and the current liquidation plan, if any.
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
    LiquidationPlanned? Liquidation);
