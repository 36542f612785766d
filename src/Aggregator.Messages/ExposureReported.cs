namespace Aggregator.Messages;

/// <summary>
/// An engine partition's totals per asset (sent every few seconds once its book is rebuilt), for the risk
/// role's net exposure of the institution (docs/margin.md, "Hedging proposals"): the sum over every
/// partition is the institution's.
/// </summary>
public sealed record ExposureReported(int Partition, int PartitionCount, IReadOnlyList<AssetExposureTotal> Assets, DateTimeOffset At);
