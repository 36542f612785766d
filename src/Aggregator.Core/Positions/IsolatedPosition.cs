namespace Aggregator.Core.Positions;

/// <summary>An isolated position of an account, named by <paramref name="Id"/> within it.</summary>
public sealed record IsolatedPosition(string Id, MarginPositions Positions);
