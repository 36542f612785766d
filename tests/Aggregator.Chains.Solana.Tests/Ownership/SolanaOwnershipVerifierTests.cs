using Aggregator.Chains.Solana.Encoding;
using Aggregator.Chains.Solana.Ownership;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Aggregator.Chains.Solana.Tests.Ownership;

public class SolanaOwnershipVerifierTests
{
    private static (Ed25519PrivateKeyParameters Key, string Address) NewKey()
    {
        var key = new Ed25519PrivateKeyParameters(new SecureRandom());
        return (key, Base58.Encode(key.GeneratePublicKey().GetEncoded()));
    }

    private static readonly (Ed25519PrivateKeyParameters Key, string Address) Owner = NewKey();
    private static readonly OwnershipMessage Expected = new("Example Custody Ltd", ChainId.Parse("solana:mainnet"), Owner.Address, 7);

    private static OwnershipClaim Sign(OwnershipMessage message, Ed25519PrivateKeyParameters key)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        var bytes = System.Text.Encoding.UTF8.GetBytes(message.Text);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return new OwnershipClaim(message.Text, Base58.Encode(signer.GenerateSignature()));
    }

    [Fact]
    public void An_ed25519_signature_by_the_address_is_valid()
    {
        Assert.True(SolanaOwnershipVerifier.Verify(Sign(Expected, Owner.Key), Expected).IsValid);
    }

    [Fact]
    public void Another_key_is_refused()
    {
        var check = SolanaOwnershipVerifier.Verify(Sign(Expected, NewKey().Key), Expected);
        Assert.False(check.IsValid);
        Assert.Equal($"the signature is not by {Owner.Address} over this message", check.Reason);
    }

    [Fact]
    public void Another_epoch_or_chain_is_refused()
    {
        Assert.Equal("signed for epoch 8, expected 7", SolanaOwnershipVerifier.Verify(Sign(Expected with { Epoch = 8 }, Owner.Key), Expected).Reason);
        var devnet = Expected with { Chain = ChainId.Parse("solana:devnet") };
        Assert.Equal("signed for chain solana:devnet, expected solana:mainnet", SolanaOwnershipVerifier.Verify(Sign(devnet, Owner.Key), Expected).Reason);
    }

    [Theory]
    [InlineData("0OIl")]
    [InlineData("3mJr7AoUXx2Wqd")]
    public void A_malformed_signature_is_refused(string signature)
    {
        Assert.Contains("64 bytes", SolanaOwnershipVerifier.Verify(new OwnershipClaim(Expected.Text, signature), Expected).Reason);
    }

    [Fact]
    public void A_bit_flip_in_the_signature_is_refused()
    {
        var claim = Sign(Expected, Owner.Key);
        var bytes = Base58.TryDecode(claim.Signature)!;
        bytes[10] ^= 1;
        Assert.False(SolanaOwnershipVerifier.Verify(claim with { Signature = Base58.Encode(bytes) }, Expected).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("0000ff")]
    [InlineData("deadbeef")]
    public void Base58_round_trips_with_leading_zeros(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Equal(bytes, Base58.TryDecode(Base58.Encode(bytes)));
    }

    [Fact]
    public void Base58_matches_the_known_system_program_address()
    {
        Assert.Equal("11111111111111111111111111111111", Base58.Encode(new byte[32]));
        Assert.Equal("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", Base58.Encode(Base58.TryDecode("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")!));
        Assert.Equal(32, Base58.TryDecode("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")!.Length);
    }
}
