namespace Aggregator.Messages;

/// <summary>No proof: the epoch is not closed here, or the account is not in it.</summary>
public sealed record InclusionProofRefused(ulong Epoch, string Account, string Reason);
