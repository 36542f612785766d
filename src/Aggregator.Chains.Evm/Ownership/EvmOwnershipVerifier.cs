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
        if (OwnershipCheck.CheckText(claim, expected, StringComparison.OrdinalIgnoreCase) is { } failure)
        {
            return failure;
        }
        var signature = claim.Signature.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? claim.Signature[2..] : claim.Signature;
        if (signature.Length != 130 || !signature.All(char.IsAsciiHexDigit))
        {
            return OwnershipCheck.Invalid("the signature is not 65 bytes of hex (r, s, v)");
        }
        string signer;
        try
        {
            signer = new EthereumMessageSigner().EncodeUTF8AndEcRecover(claim.SignedText, "0x" + signature);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or InvalidOperationException or Org.BouncyCastle.Crypto.CryptoException)
        {
            return OwnershipCheck.Invalid($"no signer can be recovered from the signature: {error.Message}");
        }
        return string.Equals(signer, expected.Address, StringComparison.OrdinalIgnoreCase)
            ? OwnershipCheck.Valid
            : OwnershipCheck.Invalid($"signed by {signer}, not by {expected.Address}");
    }
}
