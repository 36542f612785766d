namespace Aggregator.Core.Ownership;

/// <summary>A signed ownership message: the text as signed and the signature in the chain's usual encoding.</summary>
public sealed record OwnershipClaim(string SignedText, string Signature);
