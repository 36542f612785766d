using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

/// <summary>
/// Collateral attestations of the sample epoch's accounts (alice: 0.5 BTC, 12.25 ETH, 1500.75 USDC):
/// the terms rounded on the safe side, the threshold exactly reached and missed by one unit, the file
/// holding nothing about the account, and every stated field tampered refused by name or by the pairing.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class CollateralAttestationTests(ProvenEpochFixture epoch, NativeProverTests.Prover prover) : IClassFixture<NativeProverTests.Prover>
{
    private const string Borrower = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

    private CollateralTerms Terms(string threshold, string prices = "BTC=60000,ETH=3000", string haircuts = "BTC=0.1", string scope = "4242") =>
        CollateralTerms.Parse(epoch.Tree.Parameters.Assets, Pairs(prices), Pairs(haircuts), threshold, Borrower, CollateralTerms.ParseScope(scope));

    private static Dictionary<string, string> Pairs(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

    private Task<CollateralAttestations.Result> Attest(string account, CollateralTerms terms) =>
        new CollateralAttestations(prover.Native).AttestAsync(EpochDirectory.ReadManifest(epoch.EpochDirectory), epoch.Tree, account, terms);

    private string Write(JsonObject document)
    {
        var path = Path.Combine(epoch.Workspace, $"attestation-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }

    private ProofChecks.Report Check(string path) =>
        ProofChecks.Attestation(path, ProofChecks.Published.FromManifest(epoch.ManifestPath), VerificationKeys.Installed());

    [Fact]
    public void Terms_round_prices_down_haircuts_up_and_the_threshold_up()
    {
        var terms = CollateralTerms.Parse(epoch.Tree.Parameters.Assets, Pairs("BTC=60000.123456789,USDC=0.999999999"), Pairs("BTC=0.12345,ETH=1"), "100.000000001", "12345", Fr.FromUInt64(9));
        Assert.Equal([6_000_012_345_678UL, 0, 0, 99_999_999], terms.Prices);
        Assert.Equal([8_765U, 0, 10_000, 10_000], terms.Weights); // a haircut of 0.12345 is 1235 bp; ETH counts for nothing
        Assert.Equal(10_000_000_001UL, terms.Threshold);
        Assert.Equal(Fr.FromUInt64(12345), terms.Subject);
        Assert.Equal(PublisherAddress.Parse(Borrower).ToField(), Terms("1").Subject);
    }

    [Theory]
    [InlineData("DOGE=1", "", "1", "'DOGE' is not an asset of the epoch", "--prices")]
    [InlineData("BTC=-1", "", "1", "the price of BTC, '-1', is not a non-negative decimal number", "--prices")]
    [InlineData("BTC=184467440737.09551616", "", "1", "the price of BTC, 184467440737.09551616, is too large", "--prices")]
    [InlineData("BTC=1", "BTC=1.0001", "1", "the haircut of BTC, 1.0001, is above 1", "--haircuts")]
    [InlineData("BTC=1", "", "184467440737.09551616", "the threshold, 184467440737.09551616, is too large", "--threshold")]
    [InlineData("BTC=1", "", "1e5", "the threshold, '1e5', is not a non-negative decimal number", "--threshold")]
    public void Terms_outside_the_rules_are_input_errors_naming_the_option(string prices, string haircuts, string threshold, string message, string field)
    {
        var error = Assert.Throws<InputException>(() => CollateralTerms.Parse(epoch.Tree.Parameters.Assets, Pairs(prices), Pairs(haircuts), threshold, Borrower, Fr.FromUInt64(1)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("0x7099", "--subject")]
    [InlineData("-5", "--subject")]
    [InlineData("21888242871839275222246405745257275088548364400416034343698204186575808495617", "--subject")] // r itself
    public void A_subject_neither_an_address_nor_a_field_element_is_an_input_error(string subject, string field) =>
        Assert.Equal(field, Assert.Throws<InputException>(() => CollateralTerms.ParseSubject(subject)).Field);

    [Fact]
    public async Task The_threshold_exactly_reached_proves_and_verifies_and_one_unit_more_is_a_shortfall_with_no_proof()
    {
        // 0.5 BTC at 60,000 less 10% is 27,000; 12.25 ETH at 3,000 is 36,750: 63,750 exactly.
        var exact = await Attest(ProvenEpochFixture.Account, Terms("63750"));
        var path = Write(exact.Document!);
        var report = Check(path);
        Assert.True(report.IsValid, report.Failure);
        Assert.Contains("collateral worth at least 63750 (BTC at 60000 with a haircut of 0.1, ETH at 3000 with a haircut of 0, SOL at 0 with a haircut of 0, USDC at 0 with a haircut of 0), for subject " + Borrower, report.Passed[^1], StringComparison.Ordinal);

        var oneMore = await Attest(ProvenEpochFixture.Account, Terms("63750.00000001"));
        Assert.Null(oneMore.Document);
        Assert.Equal($"account '{ProvenEpochFixture.Account}' falls short: its collateral is worth 63750 at these prices and haircuts, below the threshold 63750.00000001", oneMore.Shortfall);
    }

    [Fact]
    public async Task An_account_with_nothing_priced_attests_zero_and_nothing_above_it_and_an_absent_account_nothing_at_all()
    {
        // bob holds no BTC: priced on BTC alone, his collateral is worth nothing.
        var priced = Terms("0.00000001", prices: "BTC=60000");
        Assert.NotNull((await Attest("bob", Terms("0", prices: "BTC=60000"))).Document);
        Assert.Null((await Attest("bob", priced)).Document);
        var absent = await Assert.ThrowsAsync<InputException>(() => Attest("mallory", priced));
        Assert.Contains("account 'mallory' is not in this epoch", absent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_epoch_whose_solvency_was_never_proven_gives_no_attestation()
    {
        var directory = epoch.CopyOfEpoch();
        var manifest = EpochDirectory.ReadManifest(directory) with { Reserves = null };
        var error = await Assert.ThrowsAsync<InputException>(() => new CollateralAttestations(prover.Native).AttestAsync(manifest, epoch.Tree, ProvenEpochFixture.Account, Terms("1")));
        Assert.Contains("has no solvency proof", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_holds_the_public_inputs_the_proof_and_the_epoch_and_nothing_about_the_account()
    {
        var document = (await Attest(ProvenEpochFixture.Account, Terms("1000"))).Document!;
        Assert.Equal(
            ["format", "circuit", "epoch", "publisher", "depth", "assets", "paramsHash", "commitment", "prices", "weights", "threshold", "subject", "scope", "nullifier", "proof", "publicSignals"],
            document.Select(p => p.Key));
        var text = document.ToJsonString();
        var index = epoch.Tree.FindLeaf(ProvenEpochFixture.Account)!.Value;
        var leaf = epoch.Tree.Leaf(index);
        var idHash = AccountIdentity.IdHash(AccountIdentity.AccountField(leaf.AccountId), leaf.Salt);
        var path = epoch.Tree.Path(index);
        string[] secrets =
        [
            leaf.AccountId, "alice", leaf.Salt.ToString(), idHash.ToString(), leaf.LeafHash.ToString(), AccountIdentity.AccountField(leaf.AccountId).ToString(),
            .. leaf.Balances.Where(b => b > 0).Select(b => b.ToString(CultureInfo.InvariantCulture)),
            .. path.Siblings.Select(s => s.Hash.ToString()),
        ];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        // The nullifier is Poseidon(idHash, scope): another scope, another nullifier; the same scope, the same one.
        Assert.Equal(Crypto.Poseidon.PoseidonHash.Hash(idHash, Fr.FromUInt64(4242)).ToString(), document["nullifier"]!.GetValue<string>());
        var again = (await Attest(ProvenEpochFixture.Account, Terms("2000"))).Document!;
        Assert.Equal(document["nullifier"]!.GetValue<string>(), again["nullifier"]!.GetValue<string>());
        var elsewhere = (await Attest(ProvenEpochFixture.Account, Terms("1000", scope: "4243"))).Document!;
        Assert.NotEqual(document["nullifier"]!.GetValue<string>(), elsewhere["nullifier"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> StatedFields => new()
    {
        { "prices", """["6000000000001","300000000000","0","0"]""", "public signals" },
        { "weights", """["9001","10000","10000","10000"]""", "public signals" }, // the haircut
        { "threshold", "\"100000000001\"", "public signals" },
        { "subject", "\"642829559307850963015472508762062935916233390537\"", "public signals" },
        { "scope", "\"4243\"", "public signals" },
        { "nullifier", "\"5\"", "public signals" },
        { "commitment", "\"12345\"", "commitment in the file is 12345" },
        { "epoch", "\"1700000001\"", "epoch in the file is 1700000001, the published one is 1700000000" },
        { "publisher", "\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\"", "publisher in the file is 0x70997970c51812dc3a010c7d01b50e0d17dc79c8" },
        { "assets", """[{"symbol":"ETH","proofDecimals":8},{"symbol":"BTC","proofDecimals":8},{"symbol":"SOL","proofDecimals":6},{"symbol":"USDC","proofDecimals":6}]""", "asset 1's symbol in the file is ETH, the published one is BTC" },
        { "paramsHash", "\"12345\"", "paramsHash in the file is 12345" },
    };

    [Theory]
    [MemberData(nameof(StatedFields))]
    public async Task Every_stated_field_tampered_is_refused_and_with_its_signal_changed_too_the_pairing_refuses_it(string field, string json, string failure)
    {
        var document = (await Attest(ProvenEpochFixture.Account, Terms("1000"))).Document!;
        document[field] = JsonNode.Parse(json);
        var named = Check(Write(document));
        Assert.False(named.IsValid);
        Assert.Contains(failure, named.Failure, StringComparison.Ordinal);

        // The same lie told in the public signals as well: only the pairing stands between it and VALID.
        var signals = document["publicSignals"]!.AsArray();
        var index = field switch { "prices" => 4, "weights" => 8, "threshold" => 12, "subject" => 13, "scope" => 14, "nullifier" => 15, _ => -1 };
        if (index >= 0)
        {
            var value = JsonNode.Parse(json)!;
            signals[index] = (value is JsonArray array ? array[0] : value)!.GetValue<string>();
            var pairing = Check(Write(document));
            Assert.False(pairing.IsValid);
            Assert.Contains("pairing", pairing.Failure, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_published_epoch_read_from_the_registry_checks_the_same_way()
    {
        var document = (await Attest(ProvenEpochFixture.Account, Terms("1000"))).Document!;
        var manifest = EpochDirectory.ReadManifest(epoch.EpochDirectory);
        var binding = manifest.Binding();
        // The registry stores only the commitment and paramsHash: the file's labels still must hash to it.
        var registry = new ProofChecks.Published("the registry", manifest.Epoch, binding.Publisher, binding.Value, binding.ParamsHash, null);
        Assert.True(ProofChecks.Attestation(Write(document), registry, VerificationKeys.Installed()).IsValid);
        document["assets"]![0]!["symbol"] = "WBTC";
        Assert.Contains("paramsHash (of the file's depth and assets)", ProofChecks.Attestation(Write(document), registry, VerificationKeys.Installed()).Failure, StringComparison.Ordinal);
        var otherEpoch = registry with { Epoch = manifest.Epoch + 1 };
        Assert.False(ProofChecks.Attestation(Write((await Attest(ProvenEpochFixture.Account, Terms("1000"))).Document!), otherEpoch, VerificationKeys.Installed()).IsValid);
    }
}
