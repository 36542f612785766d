using Aggregator.Core.Assets;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Markets;

/// <summary>
/// An asset resolved for one evaluation: the oracle price and status, and the effective liquidation
/// threshold and ltv after dynamic margin (EWMA volatility σ).
/// </summary>
public sealed record AssetState(
    AssetId Id,
    int Decimals,
    decimal Price,
    OracleStatus OracleStatus,
    decimal LiquidationThreshold,
    decimal EffectiveLiquidationThreshold,
    decimal EffectiveLtv,
    decimal LiquidationBonus,
    decimal Volatility)
{
    public bool Frozen => OracleStatus != OracleStatus.Ok;

    /// <summary>10^decimals: base units per whole unit.</summary>
    public decimal UnitScale { get; } = Pow10(Decimals);

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }
}
