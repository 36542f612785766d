namespace Aggregator.Messages;

/// <summary>A request (answered on the bus) for one account's inclusion proof in a closed epoch.</summary>
public sealed record InclusionProofRequested(ulong Epoch, string Account);
