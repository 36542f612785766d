using Aggregator.Margin.Liquidation;

namespace Aggregator.Margin.Evaluation;

/// <summary>The health of one pool (an account's cross pool or an isolated position), in quote currency.</summary>
public sealed record PoolHealth(
    decimal CollateralValue,
    decimal WeightedCollateral,
    decimal DebtValue,
    decimal UnrealizedPnl,
    decimal Requirement,
    decimal? HealthFactor,
    MarginStatus Status,
    decimal BorrowingPower,
    LiquidationPlan? Liquidation,
    IReadOnlyList<PerpLiquidationPrice> PerpLiquidationPrices);
