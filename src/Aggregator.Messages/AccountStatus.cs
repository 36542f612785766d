namespace Aggregator.Messages;

/// <summary>One account's cross-pool health (statuses as in docs/margin.md).</summary>
public sealed record AccountStatus(string Account, string Status, decimal? HealthFactor, decimal WeightedCollateral, decimal Requirement);
