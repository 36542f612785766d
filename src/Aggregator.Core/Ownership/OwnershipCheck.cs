namespace Aggregator.Core.Ownership;

/// <summary>Whether an ownership claim holds and, if not, why.</summary>
public sealed record OwnershipCheck(bool IsValid, string Reason)
{
    /// <summary>A claim that holds.</summary>
    public static OwnershipCheck Valid { get; } = new(true, "valid");

    /// <summary>A claim that fails, with the reason.</summary>
    public static OwnershipCheck Invalid(string reason) => new(false, reason);

    /// <summary>
    /// The checks every chain family shares: the signed text is canonical and names exactly the expected
    /// institution, chain, address and epoch. Null when they pass, so the caller goes on to the signature.
    /// </summary>
    public static OwnershipCheck? CheckText(OwnershipClaim claim, OwnershipMessage expected, StringComparison addressComparison)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(expected);
        var signed = OwnershipMessage.TryParse(claim.SignedText);
        if (signed is null)
        {
            return Invalid($"the signed text is not a canonical ownership message (it starts \"{OwnershipMessage.Title}\")");
        }
        if (signed.Custody != expected.Custody)
        {
            return Invalid(expected.Custody ? "an ownership message where a custody statement is needed" : "a custody statement where the address's own ownership message is needed");
        }
        if (signed.Institution != expected.Institution)
        {
            return Invalid($"signed for institution '{signed.Institution}', expected '{expected.Institution}'");
        }
        if (signed.Chain != expected.Chain)
        {
            return Invalid($"signed for chain {signed.Chain}, expected {expected.Chain}");
        }
        if (!string.Equals(signed.Address, expected.Address, addressComparison))
        {
            return Invalid($"signed for address {signed.Address}, expected {expected.Address}");
        }
        if (signed.Epoch != expected.Epoch)
        {
            return Invalid($"signed for epoch {signed.Epoch}, expected {expected.Epoch}");
        }
        return null;
    }
}
