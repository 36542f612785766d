using Aggregator.Core.Assets;

namespace Aggregator.Margin.Stress;

/// <summary>
/// A stress scenario: relative price shocks per asset (−0.3 = −30%), the linear market impact of
/// selling one whole unit (0.00001 = the price falls 0.001% per unit sold), a bound on rounds, and the
/// insurance fund at the start (whole units per asset) with its share of each liquidation bonus.
/// </summary>
public sealed record StressSettings(IReadOnlyDictionary<AssetId, decimal> Shocks, IReadOnlyDictionary<AssetId, decimal> Impacts, int MaxRounds = 1000)
{
    public IReadOnlyDictionary<AssetId, decimal> Fund { get; init; } = new Dictionary<AssetId, decimal>();

    public decimal FundShare { get; init; }

    /// <summary>The asset perps settle in: the fund covers a perp shortfall from its balance of it (none: the fund covers no perp).</summary>
    public AssetId? PerpSettlement { get; init; }
}
