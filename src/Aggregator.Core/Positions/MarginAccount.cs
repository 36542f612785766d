namespace Aggregator.Core.Positions;

/// <summary>
/// An account: a cross pool in which all collateral on every chain backs all debts and perps, and
/// isolated positions, each with its own collateral whose losses stop there.
/// </summary>
public sealed record MarginAccount(string Id, MarginPositions Cross, IReadOnlyList<IsolatedPosition> Isolated);
