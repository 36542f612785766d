namespace Aggregator.Messages;

/// <summary>The account's inclusion proof: the file handed to that account (docs/proofs.md), as JSON text.</summary>
public sealed record InclusionProofIssued(ulong Epoch, string Account, string Document);
