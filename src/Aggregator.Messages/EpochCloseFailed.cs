namespace Aggregator.Messages;

/// <summary>An epoch could not be closed (a partition did not answer, reserves fall short, the registry refused): why.</summary>
public sealed record EpochCloseFailed(ulong Epoch, string Reason);
