namespace Aggregator.Messages;

/// <summary>A request (answered by each engine partition) for the current health of every account it owns.</summary>
public sealed record HealthRequested(Guid RequestId);
