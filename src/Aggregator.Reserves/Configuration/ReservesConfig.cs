using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Solana.Balances;

namespace Aggregator.Reserves.Configuration;

/// <summary>
/// RESERVES-CONFIG.json, validated: the institution and, per EVM chain and Solana cluster, where to read,
/// which tokens, and each reserve address with its signed ownership message (docs/reserves.md).
/// </summary>
public sealed record ReservesConfig(string Institution, IReadOnlyList<EvmReserveChain> Evm, IReadOnlyList<SolanaReserveChain> Solana);

/// <summary>One EVM chain of the reserves and its reserve addresses.</summary>
public sealed record EvmReserveChain(EvmChainOptions Options, IReadOnlyList<ReserveAddress> Addresses);

/// <summary>One Solana cluster of the reserves and its reserve addresses.</summary>
public sealed record SolanaReserveChain(SolanaChainOptions Options, IReadOnlyList<ReserveAddress> Addresses);

/// <summary>A reserve address with the ownership message it signed and the signature.</summary>
public sealed record ReserveAddress(string Address, string SignedText, string Signature);
