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
    bool Converged)
{
    /// <summary>The insurance fund: what the liquidations paid into it, what it drew for deficits, and what it ends with (whole units per asset).</summary>
    public FundMovement Fund { get; init; } = FundMovement.None;

    /// <summary>Per asset, what pools whose collateral is exhausted still owe (whole units), before the fund covers it.</summary>
    public IReadOnlyDictionary<AssetId, decimal> Deficit { get; init; } = new Dictionary<AssetId, decimal>();

    /// <summary>Each insolvent pool's bad debt at final prices (`account` or `account/isolatedId`).</summary>
    public IReadOnlyDictionary<string, decimal> BadDebtByPool { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Per asset, the deficit the fund could not cover: left to the institution.</summary>
    public IReadOnlyDictionary<AssetId, decimal> DeficitLeft { get; init; } = new Dictionary<AssetId, decimal>();

    /// <summary>The insolvent pools' perp shortfall (quote currency): what their perp losses cost beyond their margin.</summary>
    public decimal PerpShortfall { get; init; }

    /// <summary>The perp shortfall neither the fund nor auto-deleveraging covered: left to the institution.</summary>
    public decimal PerpShortfallLeft { get; init; }

    /// <summary>The opposite positions auto-deleveraging reduced, in the order it reduced them.</summary>
    public IReadOnlyList<BadDebt.AutoDeleveraging.Reduction> Deleveraged { get; init; } = [];
}

/// <summary>The insurance fund over a stress test, per asset in whole units.</summary>
public sealed record FundMovement(
    IReadOnlyDictionary<AssetId, decimal> Start,
    IReadOnlyDictionary<AssetId, decimal> Credited,
    IReadOnlyDictionary<AssetId, decimal> Drawn,
    IReadOnlyDictionary<AssetId, decimal> End)
{
    public static FundMovement None { get; } = new(new Dictionary<AssetId, decimal>(), new Dictionary<AssetId, decimal>(), new Dictionary<AssetId, decimal>(), new Dictionary<AssetId, decimal>());
}

/// <summary>One round: how many pools were liquidated, what was sold and repaid, and the prices after impact.</summary>
public sealed record StressRound(
    int Round,
    int Liquidations,
    IReadOnlyDictionary<AssetId, decimal> Sold,
    IReadOnlyDictionary<AssetId, decimal> Repaid,
    IReadOnlyDictionary<AssetId, decimal> PricesAfter);
