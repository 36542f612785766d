namespace Aggregator.Messages;

/// <summary>A request (answered on the bus) for one account's inclusion proof in a closed epoch.</summary>
public sealed record InclusionProofRequested(ulong Epoch, string Account);

/// <summary>The account's inclusion proof: the file handed to that account (docs/proofs.md), as JSON text.</summary>
public sealed record InclusionProofIssued(ulong Epoch, string Account, string Document);

/// <summary>No proof: the epoch is not closed here, or the account is not in it.</summary>
public sealed record InclusionProofRefused(ulong Epoch, string Account, string Reason);
