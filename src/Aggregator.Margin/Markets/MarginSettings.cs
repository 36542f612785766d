using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Markets;

/// <summary>Engine-wide settings: oracle rules, the margin-call warning level, dynamic-margin factors, the dust value.</summary>
public sealed record MarginSettings(
    OracleSettings Oracle,
    decimal WarningHealthFactor,
    decimal EwmaLambda,
    decimal VolatilityMultiplier)
{
    public const decimal DefaultWarningHealthFactor = 1.1m;
    public const decimal DefaultVolatilityMultiplier = 1m;

    /// <summary>Aave v3.3's MIN_LEFTOVER_BASE: $1,000.</summary>
    public const decimal DefaultDustValue = 1_000m;

    /// <summary>
    /// A liquidation that would leave a debt or a collateral position worth less than this (but more than
    /// nothing) liquidates in full instead: the close factor does not apply (docs/margin.md, "Dust").
    /// </summary>
    public decimal DustValue { get; init; } = DefaultDustValue;

    /// <summary>The insurance fund's share of each executed liquidation's bonus, from 0 to 1 (Aave's protocol fee; docs/margin.md, "Bad debt").</summary>
    public decimal InsuranceFundShare { get; init; }

    /// <summary>The insurance fund's balance per asset where it starts (whole units): the stress test's default and the live fund's first state.</summary>
    public IReadOnlyDictionary<Core.Assets.AssetId, decimal> InsuranceFund { get; init; } = new Dictionary<Core.Assets.AssetId, decimal>();

    /// <summary>
    /// The perps the institution offers, by the asset each follows, with its maintenance margin rate
    /// (docs/margin.md, "Live perps"); a perp on an asset not named is refused.
    /// </summary>
    public IReadOnlyDictionary<Core.Assets.AssetId, decimal> PerpMaintenanceMarginRates { get; init; } = new Dictionary<Core.Assets.AssetId, decimal>();

    /// <summary>The asset perps settle in: the insurance fund of this asset covers a perp shortfall (USDC when the market lists it).</summary>
    public Core.Assets.AssetId? PerpSettlement { get; init; }

    /// <summary>The assets the institution hedges and how (docs/margin.md, "Hedging proposals"); an asset not named is not hedged.</summary>
    public IReadOnlyDictionary<Core.Assets.AssetId, Hedging.HedgePolicy> Hedging { get; init; } = new Dictionary<Core.Assets.AssetId, Hedging.HedgePolicy>();
}
