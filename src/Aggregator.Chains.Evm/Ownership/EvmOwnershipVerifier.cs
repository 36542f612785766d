using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Nethereum.Signer;

namespace Aggregator.Chains.Evm.Ownership;

/// <summary>
/// EVM ownership: an EIP-191 personal_sign signature over the canonical message, valid only when the
/// address recovered from it is the address whose balance is counted.
/// </summary>
public static class EvmOwnershipVerifier
{
    public static OwnershipCheck Verify(OwnershipClaim claim, OwnershipMessage expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Chain.Family != ChainFamily.Evm)
        {
            return OwnershipCheck.Invalid($"{expected.Chain} is not an EVM chain");
        }
        return OwnershipCheck.CheckText(claim, expected, StringComparison.OrdinalIgnoreCase) ?? SignedBy(claim, expected.Address);
    }

    /// <summary>
    /// A custody statement (<paramref name="expected"/> with <c>Custody</c>) for a reserve address of any
    /// chain, valid only when EIP-191 recovers <paramref name="custodian"/>, the EVM key the registry knows
    /// the custodian by (whether it stands there is the caller's check).
    /// </summary>
    public static OwnershipCheck VerifyCustody(OwnershipClaim claim, OwnershipMessage expected, string custodian)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (!expected.Custody)
        {
            throw new ArgumentException("the expected text must be a custody statement", nameof(expected));
        }
        var comparison = expected.Chain.Family == ChainFamily.Evm ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return OwnershipCheck.CheckText(claim, expected, comparison) ?? SignedBy(claim, custodian);
    }

    // The claim's EIP-191 signature recovers exactly `signer`.
    private static OwnershipCheck SignedBy(OwnershipClaim claim, string signer)
    {
        var signature = claim.Signature.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? claim.Signature[2..] : claim.Signature;
        if (signature.Length != 130 || !signature.All(char.IsAsciiHexDigit))
        {
            return OwnershipCheck.Invalid("the signature is not 65 bytes of hex (r, s, v)");
        }
        string recovered;
        try
        {
            recovered = new EthereumMessageSigner().EncodeUTF8AndEcRecover(claim.SignedText, "0x" + signature);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or InvalidOperationException or Org.BouncyCastle.Crypto.CryptoException)
        {
            return OwnershipCheck.Invalid($"no signer can be recovered from the signature: {error.Message}");
        }
        return string.Equals(recovered, signer, StringComparison.OrdinalIgnoreCase)
            ? OwnershipCheck.Valid
            : OwnershipCheck.Invalid($"signed by {recovered}, not by {signer}");
    }
}
