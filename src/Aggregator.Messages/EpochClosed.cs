namespace Aggregator.Messages;

/// <summary>An epoch was committed and published: its commitment, where its manifest is, and the registry transaction.</summary>
public sealed record EpochClosed(ulong Epoch, string Commitment, string ManifestLocation, string? RegistryTransaction);
