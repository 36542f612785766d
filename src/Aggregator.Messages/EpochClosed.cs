namespace Aggregator.Messages;

/// <summary>
/// An epoch was committed, proved solvent and published: its commitment, where its manifest is, the
/// registry transaction, and the block per chain its liabilities and reserves were taken at.
/// </summary>
public sealed record EpochClosed(ulong Epoch, string Commitment, string ManifestLocation, string? RegistryTransaction, IReadOnlyList<AppliedBlock> Heights);
