namespace Aggregator.Margin.Oracles;

/// <summary>
/// When a source counts (<see cref="Staleness"/>: not older than this at <see cref="Now"/>, not from the
/// future) and how far apart fresh sources may be: (max − min) / median &lt;= <see cref="MaxDeviation"/>.
/// </summary>
public sealed record OracleSettings(DateTimeOffset Now, TimeSpan Staleness, decimal MaxDeviation)
{
    public static readonly TimeSpan DefaultStaleness = TimeSpan.FromSeconds(60);
    public const decimal DefaultMaxDeviation = 0.02m;
}
