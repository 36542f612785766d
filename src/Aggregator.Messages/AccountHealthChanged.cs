namespace Aggregator.Messages;

/// <summary>
/// A pool's status or health band changed (published only then, not on every update). <paramref name="Pool"/>
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
