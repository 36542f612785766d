using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Solana.Balances;

namespace Aggregator.Reserves.Configuration;

/// <summary>
/// RESERVES-CONFIG.json, validated: the institution and, per EVM chain and Solana cluster, where to read,
/// which tokens, and each reserve address with its signed ownership message (docs/reserves.md).
/// </summary>
public sealed record ReservesConfig(string Institution, IReadOnlyList<EvmReserveChain> Evm, IReadOnlyList<SolanaReserveChain> Solana)
{
    /// <summary>Every custodian named by a custodian-attested address, once each.</summary>
    public IReadOnlyList<string> Custodians() =>
        [.. Evm.SelectMany(c => c.Addresses).Concat(Solana.SelectMany(c => c.Addresses)).Select(a => a.Custodian).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)];

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

/// <summary>
/// A reserve address and its evidence: the ownership message it signed and the signature (key-proven); or
/// a custody statement for it signed by <see cref="Custodian"/>, a key registered on the registry
/// (custodian-attested); or nothing (self-declared: read and reported, never counted).
/// </summary>
public sealed record ReserveAddress(string Address, string SignedText, string Signature, string? Custodian = null)
{
    public ReserveEvidence Evidence =>
        SignedText.Length == 0 ? ReserveEvidence.SelfDeclared : Custodian is null ? ReserveEvidence.KeyProven : ReserveEvidence.CustodianAttested;
}

/// <summary>How a reserve address is shown to be the institution's (docs/proofs.md, "Evidence tags").</summary>
public enum ReserveEvidence
{
    /// <summary>The address's own key signed the ownership message: counted.</summary>
    KeyProven,

    /// <summary>A custodian registered on the registry signed a custody statement for it: counted.</summary>
    CustodianAttested,

    /// <summary>Listed by the institution with no signature: read and reported, not counted.</summary>
    SelfDeclared,
}

/// <summary>The evidence tags as the report, manifest and API spell them.</summary>
public static class ReserveEvidenceNames
{
    public const string KeyProven = "key-proven";
    public const string CustodianAttested = "custodian-attested";
    public const string SelfDeclared = "self-declared";

    /// <summary>Every tag, in the order reports list them.</summary>
    public static IReadOnlyList<string> All { get; } = [KeyProven, CustodianAttested, SelfDeclared];

    public static string Of(ReserveEvidence evidence) => evidence switch
    {
        ReserveEvidence.KeyProven => KeyProven,
        ReserveEvidence.CustodianAttested => CustodianAttested,
        _ => SelfDeclared,
    };
}
