namespace Aggregator.Margin.Evaluation;

/// <summary>An account's cross pool and each of its isolated positions.</summary>
public sealed record AccountHealth(string AccountId, PoolHealth Cross, IReadOnlyList<(string Id, PoolHealth Health)> Isolated);
