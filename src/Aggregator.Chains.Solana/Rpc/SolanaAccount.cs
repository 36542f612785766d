namespace Aggregator.Chains.Solana.Rpc;

/// <summary>A raw account as getMultipleAccounts (base64) answers it.</summary>
internal sealed record SolanaAccount(byte[] Data, string Owner, ulong Lamports, ulong RentEpoch);
