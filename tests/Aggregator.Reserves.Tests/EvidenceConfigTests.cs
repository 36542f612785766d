using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Errors;
using Aggregator.Reserves.Configuration;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves.Tests;

/// <summary>
/// Evidence tags in a reserves configuration (each address key-proven, custodian-attested or said to be
/// self-declared, a bad one named by its place) and the custodians' standing at the time they are judged.
/// </summary>
public sealed class EvidenceConfigTests
{
    private const string Custodian = "0x00000000000000000000000000000000000000c1";

    private static string Config(string address) => $$"""
        {
          "institution": "Example Custody Ltd",
          "evm": [{
            "name": "local", "chainId": 31337, "rpc": "http://127.0.0.1:8545", "multicall3": "0x00000000000000000000000000000000000000ca",
            "addresses": [{{address}}]
          }]
        }
        """;

    [Fact]
    public void Each_address_carries_its_tag_and_the_custodians_are_listed_once()
    {
        var config = ReservesConfigFile.Parse(Config($$"""
            { "address": "0x00000000000000000000000000000000000000b1", "signedText": "x", "signature": "0x00" },
            { "address": "0x00000000000000000000000000000000000000b2", "signedText": "x", "signature": "0x00", "custodian": "{{Custodian}}" },
            { "address": "0x00000000000000000000000000000000000000b3", "signedText": "x", "signature": "0x00", "custodian": "{{Custodian.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)}}" },
            { "address": "0x00000000000000000000000000000000000000b4", "selfDeclared": true }
            """), "reserves.json");
        Assert.Equal([ReserveEvidence.KeyProven, ReserveEvidence.CustodianAttested, ReserveEvidence.CustodianAttested, ReserveEvidence.SelfDeclared],
            config.Evm[0].Addresses.Select(a => a.Evidence));
        Assert.Equal([Custodian], config.Custodians());
    }

    [Theory]
    [InlineData("""{ "address": "0x00000000000000000000000000000000000000b1" }""", "$.evm[0].addresses[0].signedText")] // a signature left out is no silent tag
    [InlineData("""{ "address": "0x00000000000000000000000000000000000000b1", "selfDeclared": true, "signedText": "x", "signature": "0x00" }""", "$.evm[0].addresses[0].selfDeclared")]
    [InlineData("""{ "address": "0x00000000000000000000000000000000000000b1", "selfDeclared": true, "custodian": "0x00000000000000000000000000000000000000c1" }""", "$.evm[0].addresses[0].selfDeclared")]
    [InlineData("""{ "address": "0x00000000000000000000000000000000000000b1", "signedText": "x", "signature": "0x00", "custodian": "Example Vault" }""", "$.evm[0].addresses[0].custodian")]
    public void A_bad_evidence_is_named_by_its_place(string address, string field)
    {
        var error = Assert.Throws<InputException>(() => ReservesConfigFile.Parse(Config(address), "reserves.json"));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_custodian_stands_from_its_registration_until_its_revocation_and_an_unknown_one_never()
    {
        var registered = DateTimeOffset.FromUnixTimeSeconds(1_000);
        var revoked = DateTimeOffset.FromUnixTimeSeconds(2_000);
        var known = new Dictionary<string, RegisteredAttestor> { [Custodian] = new(Custodian, "Example Vault Trust", registered, revoked) };
        Assert.Null(new CustodianRegister(known, registered).Refusal(Custodian));
        Assert.Null(new CustodianRegister(known, revoked.AddSeconds(-1)).Refusal(Custodian.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)));
        Assert.Contains("registered at 1000", new CustodianRegister(known, registered.AddSeconds(-1)).Refusal(Custodian), StringComparison.Ordinal);
        Assert.Contains("revoked at 2000", new CustodianRegister(known, revoked).Refusal(Custodian), StringComparison.Ordinal);
        Assert.Contains("not registered", new CustodianRegister(known, registered).Refusal("0x00000000000000000000000000000000000000c2"), StringComparison.Ordinal);
    }
}
