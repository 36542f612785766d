using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Markets;

/// <summary>Engine-wide settings: oracle rules, the margin-call warning level, dynamic-margin factors.</summary>
public sealed record MarginSettings(
    OracleSettings Oracle,
    decimal WarningHealthFactor,
    decimal EwmaLambda,
    decimal VolatilityMultiplier)
{
    public const decimal DefaultWarningHealthFactor = 1.1m;
    public const decimal DefaultVolatilityMultiplier = 1m;
}
