namespace Aggregator.Messages;

/// <summary>
/// An account's cross pool's risk sensitivity, between two writes of its engine partition (docs/margin.md,
/// "Risk sensitivity"): <paramref name="Found"/> false (and nothing else) when the partition holds no
/// such account. <paramref name="LargestMoveAsset"/> and <paramref name="LargestMove"/>: the nearest
/// single-asset move to a health factor of 1 (move 0 and no asset when below it now; both null when no
/// single price liquidates the pool).
/// </summary>
public sealed record RiskReported(
    string Account,
    bool Found,
    string? Status,
    decimal? HealthFactor,
    decimal? EffectiveLeverage,
    IReadOnlyList<AssetSensitivity> Assets,
    string? LargestMoveAsset,
    decimal? LargestMove);

/// <summary>One asset's line of <see cref="RiskReported"/>: Delta and Gamma of the health factor in its price, the exact change for a 1% move each way, and its liquidation price and move.</summary>
public sealed record AssetSensitivity(
    string Asset, decimal Price, decimal? Delta, decimal? Gamma, decimal? HealthChangeUp1Percent, decimal? HealthChangeDown1Percent, decimal? LiquidationPrice, decimal? MoveToLiquidation);
