using Aggregator.Chains.Solana.Encoding;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Aggregator.Chains.Solana.Ownership;

/// <summary>
/// Solana ownership: an ed25519 signature (base58, 64 bytes) over the canonical message's UTF-8 bytes,
/// verified with the address itself as the public key (a Solana address is its ed25519 key).
/// </summary>
public static class SolanaOwnershipVerifier
{
    public static OwnershipCheck Verify(OwnershipClaim claim, OwnershipMessage expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Chain.Family != ChainFamily.Solana)
        {
            return OwnershipCheck.Invalid($"{expected.Chain} is not a Solana cluster");
        }
        if (OwnershipCheck.CheckText(claim, expected, StringComparison.Ordinal) is { } failure)
        {
            return failure;
        }
        var publicKey = Base58.TryDecode(expected.Address);
        if (publicKey is not { Length: 32 })
        {
            return OwnershipCheck.Invalid($"{expected.Address} is not a Solana address (32 bytes in base58)");
        }
        var signature = Base58.TryDecode(claim.Signature);
        if (signature is not { Length: 64 })
        {
            return OwnershipCheck.Invalid("the signature is not 64 bytes in base58");
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        var message = System.Text.Encoding.UTF8.GetBytes(claim.SignedText);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature)
            ? OwnershipCheck.Valid
            : OwnershipCheck.Invalid($"the signature is not by {expected.Address} over this message");
    }
}
