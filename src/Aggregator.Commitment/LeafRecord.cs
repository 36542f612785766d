using Aggregator.Crypto.Field;

namespace Aggregator.Commitment;

/// <summary>One account's leaf: what the institution keeps, and (id, salt, balances) is what the account is handed.</summary>
public sealed record LeafRecord(int LeafIndex, string AccountId, Fr Salt, ulong[] Balances, Fr LeafHash);
