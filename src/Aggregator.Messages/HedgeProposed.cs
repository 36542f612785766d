namespace Aggregator.Messages;

/// <summary>
/// The risk role's hedging proposals (docs/margin.md, "Hedging proposals"): the institution's net exposure
/// per hedged asset and the orders that bring each back within its band, for a desk or an execution
/// service. Sent when they change.
/// </summary>
public sealed record HedgeProposed(IReadOnlyList<NetExposure> Exposures, IReadOnlyList<HedgeOrder> Orders, DateTimeOffset At);
