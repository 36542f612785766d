namespace Aggregator.Core.Positions;

/// <summary>What one margin pool holds and owes: an account's cross pool, or one isolated position.</summary>
public sealed record MarginPositions(
    IReadOnlyList<CollateralPosition> Collateral,
    IReadOnlyList<Debt> Debts,
    IReadOnlyList<PerpPosition> Perps)
{
    /// <summary>A pool with nothing in it.</summary>
    public static MarginPositions Empty { get; } = new([], [], []);
}
