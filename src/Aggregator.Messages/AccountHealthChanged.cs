namespace Aggregator.Messages;

/// <summary>
/// A pool's status or health band changed (reported only then, not on every update; published in
/// <see cref="AccountsHealthChanged"/>, all the changes of one engine write together). <paramref name="Pool"/>
/// is null for the cross pool, else the isolated position's id. Statuses are the names of docs/margin.md
/// (healthy, margin_call, liquidatable, insolvent, frozen).
/// </summary>
public sealed record AccountHealthChanged(
    string Account,
    string? Pool,
    string PreviousStatus,
    string Status,
    int PreviousBand,
    int Band,
    decimal? HealthFactor,
    DateTimeOffset At);
