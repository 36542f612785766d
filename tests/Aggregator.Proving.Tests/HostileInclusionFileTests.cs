using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

/// <summary>
/// An institution hands an account a file that misstates what its leaf means, or a file built to pick
/// its own key: each must fail, naming what differs, and never print VALID.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public class HostileInclusionFileTests(ProvenEpochFixture epoch)
{
    private ProofChecks.Report Check(string path) =>
        ProofChecks.Inclusion(path, ProofChecks.Published.FromManifest(epoch.ManifestPath), VerificationKeys.Installed());

    public static TheoryData<string, string, string, string> Misstatements => new()
    {
        // 0.5 BTC committed as 500000 units at 8 decimals, but the account told BTC has 6: it reads 0.5 BTC.
        { "BTC's decimals", "assets", """[{"symbol":"BTC","proofDecimals":6},{"symbol":"ETH","proofDecimals":8},{"symbol":"SOL","proofDecimals":6},{"symbol":"USDC","proofDecimals":6}]""", "asset 1 (BTC)'s proof decimals in the file is 6, the published one is 8" },
        { "columns relabelled", "assets", """[{"symbol":"BTC","proofDecimals":8},{"symbol":"ETH","proofDecimals":8},{"symbol":"USDC","proofDecimals":6},{"symbol":"SOL","proofDecimals":6}]""", "asset 3's symbol in the file is USDC, the published one is SOL" },
        { "another epoch", "epoch", "\"1700000001\"", "epoch in the file is 1700000001, the published one is 1700000000" },
        { "another publisher", "publisher", "\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\"", "publisher in the file is 0x70997970c51812dc3a010c7d01b50e0d17dc79c8" },
        { "another depth", "depth", "19", "depth in the file is 19, the published one is 20" },
        { "another root", "rootHash", "\"12345\"", "rootHash in the file is 12345" },
        { "another commitment", "commitment", "\"12345\"", "commitment in the file is 12345" },
    };

    [Theory]
    [MemberData(nameof(Misstatements))]
    public void A_parameter_that_differs_from_the_published_one_is_named(string _, string field, string json, string failure)
    {
        var report = Check(epoch.Tampered(document => document[field] = JsonNode.Parse(json)));
        Assert.False(report.IsValid);
        Assert.Contains(failure, report.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Against_the_registry_only_the_parameters_must_hash_to_the_published_params_hash()
    {
        var manifest = EpochDirectory.ReadManifest(epoch.EpochDirectory);
        var published = new ProofChecks.Published("the registry", manifest.Epoch, PublisherAddress.Parse(manifest.Publisher),
            Crypto.Field.Fr.Parse(manifest.Commitment), Crypto.Field.Fr.Parse(manifest.ParamsHash), null);
        Assert.True(ProofChecks.Inclusion(epoch.InclusionPath, published, VerificationKeys.Installed()).IsValid);
        var relabelled = epoch.Tampered(document => document["assets"]![0]!["proofDecimals"] = 6);
        var report = ProofChecks.Inclusion(relabelled, published, VerificationKeys.Installed());
        Assert.Contains("paramsHash (of the file's depth and assets)", report.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/proc/self/cwd/inclusion_20_4")]
    [InlineData("../x")]
    [InlineData("solvency_4")]
    public void The_file_s_circuit_field_never_chooses_the_key(string circuit)
    {
        var report = Check(epoch.Tampered(document => document["circuit"] = circuit));
        Assert.False(report.IsValid);
        Assert.Contains("the published parameters make it inclusion_20_4", report.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_circuits_folder_in_the_working_directory_changes_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("aggregator-cwd-").FullName;
        var previous = Environment.CurrentDirectory;
        try
        {
            // A planted key next to a downloaded proof: a valid key file, but another circuit's.
            Directory.CreateDirectory(Path.Combine(folder, "circuits", "keys"));
            File.Copy(Path.Combine(VerificationKeys.Installed().Directory, "solvency_4.vkey.json"), Path.Combine(folder, "circuits", "keys", "inclusion_20_4.vkey.json"));
            Environment.CurrentDirectory = folder;
            var report = Check(epoch.InclusionPath);
            Assert.True(report.IsValid, report.Failure);
            Assert.Contains(Path.Combine(VerificationKeys.Installed().Directory, "inclusion_20_4.vkey.json"), report.Passed[^1], StringComparison.Ordinal);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_key_whose_hash_is_not_the_pinned_one_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("aggregator-keys-").FullName;
        try
        {
            var original = File.ReadAllText(Path.Combine(VerificationKeys.Installed().Directory, "inclusion_20_4.vkey.json"));
            File.WriteAllText(Path.Combine(folder, "inclusion_20_4.vkey.json"), original.Replace("\"groth16\"", "\"groth16\" ", StringComparison.Ordinal));
            var error = Assert.Throws<InputException>(() => ProofChecks.Inclusion(epoch.InclusionPath, ProofChecks.Published.FromManifest(epoch.ManifestPath), VerificationKeys.At(folder)));
            Assert.Contains("not the pinned", error.Message, StringComparison.Ordinal);
            Assert.Throws<InputException>(() => VerificationKeys.At(folder).Load("inclusion_99_4"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_proof_against_other_public_signals_fails_the_pairing()
    {
        // The file's signals edited to match a forged leaf: the verifier uses the published values anyway.
        var report = Check(epoch.Tampered(document => document["publicSignals"]![3] = "1700000001"));
        Assert.False(report.IsValid);
        Assert.Contains("are not the published", report.Failure, StringComparison.Ordinal);
    }
}
