using Aggregator.Margin.Evaluation;

namespace Aggregator.Margin.Live;

/// <summary>
/// A pool whose status or health band changed in the last write: the book's output, so that nothing
/// needs to poll every account. <paramref name="Pool"/> is null for the cross pool, else the isolated
/// position's id. Bands number the configured health-factor thresholds an account is at or above
/// (<see cref="CrossMarginBook.HealthBands"/>); nothing required of the pool is the top band.
/// </summary>
public readonly record struct HealthChange(
    int Account,
    string? Pool,
    MarginStatus PreviousStatus,
    MarginStatus Status,
    int PreviousBand,
    int Band,
    decimal? HealthFactor);
