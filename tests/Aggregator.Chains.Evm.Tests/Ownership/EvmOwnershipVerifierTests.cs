using Aggregator.Chains.Evm.Ownership;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Nethereum.Signer;

namespace Aggregator.Chains.Evm.Tests.Ownership;

public class EvmOwnershipVerifierTests
{
    private static readonly EthECKey Key = new("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static readonly string Address = Key.GetPublicAddress();
    private static readonly OwnershipMessage Expected = new("Example Custody Ltd", ChainId.Parse("eip155:1"), Address, 42);

    private static OwnershipClaim Sign(OwnershipMessage message, EthECKey? key = null) =>
        new(message.Text, new EthereumMessageSigner().EncodeUTF8AndSign(message.Text, key ?? Key));

    [Fact]
    public void A_personal_sign_by_the_counted_address_is_valid()
    {
        Assert.Equal(OwnershipCheck.Valid, EvmOwnershipVerifier.Verify(Sign(Expected), Expected));
    }

    [Fact]
    public void The_address_may_differ_only_in_case()
    {
        var lower = Expected with { Address = Address.ToLowerInvariant() };
        Assert.True(EvmOwnershipVerifier.Verify(Sign(lower), Expected).IsValid);
    }

    [Fact]
    public void Another_signer_is_named()
    {
        var other = EthECKey.GenerateKey();
        var check = EvmOwnershipVerifier.Verify(Sign(Expected, other), Expected);
        Assert.False(check.IsValid);
        Assert.Equal($"signed by {other.GetPublicAddress()}, not by {Address}", check.Reason);
    }

    [Fact]
    public void A_custody_statement_is_valid_only_from_its_custodian_and_never_stands_for_the_addresss_own_signature()
    {
        var custodian = EthECKey.GenerateKey();
        // A Solana reserve address held by a custodian: the custodian signs with its EVM key.
        var solana = new OwnershipMessage("Example Custody Ltd", ChainId.Parse("solana:mainnet"), "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin", 42, Custody: true);
        Assert.StartsWith(OwnershipMessage.CustodyTitle + "\n", solana.Text, StringComparison.Ordinal);
        Assert.Equal(solana, OwnershipMessage.TryParse(solana.Text));
        Assert.True(EvmOwnershipVerifier.VerifyCustody(Sign(solana, custodian), solana, custodian.GetPublicAddress()).IsValid);
        Assert.Equal($"signed by {Address}, not by {custodian.GetPublicAddress()}", EvmOwnershipVerifier.VerifyCustody(Sign(solana), solana, custodian.GetPublicAddress()).Reason);
        // The address's ownership message is not a custody statement, nor the reverse.
        var custody = Expected with { Custody = true };
        Assert.Contains("an ownership message where a custody statement is needed", EvmOwnershipVerifier.VerifyCustody(Sign(Expected, custodian), custody, custodian.GetPublicAddress()).Reason, StringComparison.Ordinal);
        Assert.Contains("a custody statement where the address's own", EvmOwnershipVerifier.Verify(Sign(custody), Expected).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("epoch", "signed for epoch 41, expected 42")]
    [InlineData("chain", "signed for chain eip155:10, expected eip155:1")]
    [InlineData("institution", "signed for institution 'Someone Else', expected 'Example Custody Ltd'")]
    public void A_signature_for_another_epoch_chain_or_institution_is_refused(string field, string reason)
    {
        var signed = field switch
        {
            "epoch" => Expected with { Epoch = 41 },
            "chain" => Expected with { Chain = ChainId.Parse("eip155:10") },
            _ => Expected with { Institution = "Someone Else" },
        };
        var check = EvmOwnershipVerifier.Verify(Sign(signed), Expected);
        Assert.False(check.IsValid);
        Assert.Equal(reason, check.Reason);
    }

    [Fact]
    public void A_signature_over_other_text_presented_with_the_expected_text_recovers_another_signer()
    {
        var forged = Sign(Expected with { Epoch = 43 }) with { SignedText = Expected.Text };
        var check = EvmOwnershipVerifier.Verify(forged, Expected);
        Assert.False(check.IsValid);
        Assert.StartsWith("signed by 0x", check.Reason);
        Assert.DoesNotContain(Address, check.Reason[..20], StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("0x1234")]
    [InlineData("not hex at all")]
    [InlineData("")]
    public void A_malformed_signature_is_refused_with_a_reason(string signature)
    {
        var check = EvmOwnershipVerifier.Verify(new OwnershipClaim(Expected.Text, signature), Expected);
        Assert.False(check.IsValid);
        Assert.Contains("65 bytes", check.Reason);
    }

    [Fact]
    public void Non_canonical_text_and_non_evm_chains_are_refused()
    {
        Assert.Contains("not a canonical ownership message", EvmOwnershipVerifier.Verify(new OwnershipClaim("I own it", "0x00"), Expected).Reason);
        var solana = Expected with { Chain = ChainId.Parse("solana:mainnet") };
        Assert.Contains("not an EVM chain", EvmOwnershipVerifier.Verify(Sign(solana), solana).Reason);
    }
}
