using Aggregator.Core.Assets;

namespace Aggregator.Margin.Stress;

/// <summary>What a stress test did, round by round, and where it ended.</summary>
public sealed record StressReport(
    IReadOnlyDictionary<AssetId, decimal> ShockedPrices,
    IReadOnlyList<StressRound> Rounds,
    IReadOnlyDictionary<AssetId, decimal> LiquidatedVolume,
    IReadOnlyDictionary<AssetId, decimal> RepaidDebt,
    decimal BadDebt,
    IReadOnlyList<string> InsolventAccounts,
    bool Converged);

/// <summary>One round: how many pools were liquidated, what was sold and repaid, and the prices after impact.</summary>
public sealed record StressRound(
    int Round,
    int Liquidations,
    IReadOnlyDictionary<AssetId, decimal> Sold,
    IReadOnlyDictionary<AssetId, decimal> Repaid,
    IReadOnlyDictionary<AssetId, decimal> PricesAfter);
