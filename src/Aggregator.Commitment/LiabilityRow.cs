namespace Aggregator.Commitment;

/// <summary>What the institution owes one account, per commitment asset, in proof units (each below 2^64).</summary>
public sealed record LiabilityRow(string AccountId, ulong[] Balances);
