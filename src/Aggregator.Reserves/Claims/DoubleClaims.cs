using Aggregator.Chains.Evm.Ownership;
using Aggregator.Chains.Solana.Ownership;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves.Claims;

/// <summary>
/// The reserve addresses two publications both counted, each proven by its own evidence: in its claims
/// root, and signed by the address for that publication's institution and epoch. What `aggregator
/// challenge` checks before it proves an EVM address's double claim on the registry (docs/proofs.md,
/// "Double claims"); a Solana address (ed25519, which the EVM cannot check) is judged here, off chain.
/// </summary>
public static class DoubleClaims
{
    /// <summary>One address both publications claim, with what each needs on chain: its path in the claims root and its signature.</summary>
    public sealed record Found(ChainId Chain, string Address, IReadOnlyList<byte[]> ProofA, string SignatureA, IReadOnlyList<byte[]> ProofB, string SignatureB);

    /// <summary>The addresses both reports claim with valid evidence, and what made any other shared address not a proven double claim.</summary>
    /// <exception cref="Core.Errors.InputException">A report's claims root is not the root over the addresses it counted.</exception>
    public static (IReadOnlyList<Found> Found, IReadOnlyList<string> NotProven) Between(ReservesReport a, ReservesReport b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (claimsA, treeA) = Counted(a, "the first");
        var (claimsB, treeB) = Counted(b, "the second");
        var found = new List<Found>();
        var notProven = new List<string>();
        foreach (var ((chain, key), claimA) in claimsA)
        {
            if (!claimsB.TryGetValue((chain, key), out var claimB))
            {
                continue;
            }
            if (claimA.Custodian is not null || claimB.Custodian is not null)
            {
                // The registry's challenge checks the address's own signature; a custodian's statement is
                // judged against its registration, off chain.
                notProven.Add($"{chain} {claimA.Address}: in both claims roots, custodian-attested in {(claimA.Custodian is null ? "the second" : claimB.Custodian is null ? "the first" : "both")} publication(s) ({claimA.Custodian ?? claimB.Custodian}): counted twice, but the registry's challenge cannot prove it (it checks the address's own signature)");
                continue;
            }
            var checkA = Verify(chain, claimA, new OwnershipMessage(a.Institution, chain, claimA.Address, a.Epoch));
            var checkB = Verify(chain, claimB, new OwnershipMessage(b.Institution, chain, claimB.Address, b.Epoch));
            if (!checkA.IsValid || !checkB.IsValid)
            {
                notProven.Add($"{chain} {claimA.Address}: in both claims roots, but {(checkA.IsValid ? "the second" : "the first")} publication's signature fails ({(checkA.IsValid ? checkB : checkA).Reason}): not the address's own claim");
                continue;
            }
            found.Add(new Found(chain, claimA.Address, treeA.ProofOf(chain, claimA.Address)!, claimA.Signature, treeB.ProofOf(chain, claimB.Address)!, claimB.Signature));
        }
        return (found, notProven);
    }

    private static OwnershipCheck Verify(ChainId chain, AddressEvidence claim, OwnershipMessage expected) =>
        chain.Family == ChainFamily.Evm
            ? EvmOwnershipVerifier.Verify(new OwnershipClaim(claim.SignedText, claim.Signature), expected)
            : SolanaOwnershipVerifier.Verify(new OwnershipClaim(claim.SignedText, claim.Signature), expected);

    // The counted addresses of a report by (chain, address as compared on its chain), and their tree, which
    // must have the report's root.
    private static (Dictionary<(ChainId, string), AddressEvidence> Claims, ClaimsTree Tree) Counted(ReservesReport report, string which)
    {
        var claims = new Dictionary<(ChainId, string), AddressEvidence>();
        foreach (var chain in report.Chains)
        {
            var id = ChainId.Parse(chain.Chain);
            foreach (var address in chain.Addresses.Where(a => a.Ownership == "verified"))
            {
                claims.TryAdd((id, id.Family == ChainFamily.Evm ? address.Address.ToLowerInvariant() : address.Address), address);
            }
        }
        var tree = ClaimsTree.Of(claims.Select(c => (c.Key.Item1, c.Value.Address)));
        return tree.RootHex == report.ClaimsRoot
            ? (claims, tree)
            : throw new Core.Errors.InputException($"{which} report's claims root {report.ClaimsRoot} is not the root over the addresses it counted ({tree.RootHex})", field: "claimsRoot");
    }
}
