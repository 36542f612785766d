using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Solana.Balances;

namespace Aggregator.Reserves.Configuration;

/// <summary>
/// RESERVES-CONFIG.json, validated: the institution and, per EVM chain and Solana cluster, where to read,
/// which tokens, and each reserve address with its signed ownership message (docs/reserves.md).
/// </summary>
public sealed record ReservesConfig(string Institution, IReadOnlyList<EvmReserveChain> Evm, IReadOnlyList<SolanaReserveChain> Solana)
{
    /// <summary>
    /// The same chains, each reading the accounts' deposit addresses on it beside its reserve addresses
    /// (what an adapter watches, and what the prover reads of a Solana cluster at a close); only the
    /// reserve addresses keep ownership claims and count as reserves.
    /// </summary>
    public ReservesConfig WithDeposits(IEnumerable<(Core.Chains.ChainId Chain, string Address)> deposits)
    {
        var all = deposits.ToArray();
        // EVM addresses are case-insensitive hex; Solana's base58 is not.
        string[] Read(Core.Chains.ChainId chain, IEnumerable<string> reserves) =>
            [.. reserves.Concat(all.Where(d => d.Chain == chain).Select(d => d.Address))
                .Distinct(chain.Family == Core.Chains.ChainFamily.Evm ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)];
        return this with
        {
            // Debts are a reserve address's: a deposit address's are not read.
            Evm = [.. Evm.Select(c => c with { Options = c.Options with { Addresses = Read(Core.Chains.ChainId.Evm(c.Options.ChainId), c.Options.Addresses), Debts = [] } })],
            Solana = [.. Solana.Select(c => c with { Options = c.Options with { Addresses = Read(new Core.Chains.ChainId(Core.Chains.ChainFamily.Solana, c.Options.Cluster), c.Options.Addresses) } })],
        };
    }
}

/// <summary>One EVM chain of the reserves and its reserve addresses.</summary>
public sealed record EvmReserveChain(EvmChainOptions Options, IReadOnlyList<ReserveAddress> Addresses);

/// <summary>One Solana cluster of the reserves and its reserve addresses.</summary>
public sealed record SolanaReserveChain(SolanaChainOptions Options, IReadOnlyList<ReserveAddress> Addresses);

/// <summary>A reserve address with the ownership message it signed and the signature.</summary>
public sealed record ReserveAddress(string Address, string SignedText, string Signature);
