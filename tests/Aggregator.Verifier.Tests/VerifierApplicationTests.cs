using System.Text.Json.Nodes;
using Aggregator.Testing;

namespace Aggregator.Verifier.Tests;

/// <summary>
/// <c>aggregator-verify</c> in process: the same verdict, lines and exit codes as <c>aggregator verify</c>
/// against a manifest, for the real proof and for every field of it tampered with.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class VerifierApplicationTests(ProvenEpochFixture epoch)
{
    private static (int Exit, string Output, string Error) Verify(params string[] args) => InProcessVerifier.Run(args);

    [Fact]
    public void The_real_proof_is_valid_with_the_same_lines_as_the_full_command()
    {
        var ours = Verify("inclusion", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath);
        var full = CliRunner.Run("verify", "inclusion", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath);
        Assert.Equal(VerifierApplication.Valid, ours.Exit);
        Assert.Equal(full.Exit, ours.Exit);
        Assert.Equal(full.Output, ours.Output);
        Assert.Contains("\nVALID\n", ours.Output, StringComparison.Ordinal);
        Assert.Contains("publication not checked", ours.Output, StringComparison.Ordinal);
        // The committed keys come from a setup one party ran: said on stderr, as the full command says it.
        Assert.Contains("do not come from a ceremony that meets the rules", ours.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Tamperings => new()
    {
        { "account", "\"mallory\"", "leafHash in the file is not Poseidon" },
        { "salt", "\"12345\"", "leafHash in the file is not Poseidon" },
        { "balances", """["0","1","300000001","0"]""", "leafHash in the file is not Poseidon" },
        { "leafHash", "\"12345\"", "leafHash in the file is not Poseidon" },
        { "epoch", "\"1700000001\"", "epoch in the file is 1700000001" },
        { "publisher", "\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\"", "publisher in the file is 0x70997970c51812dc3a010c7d01b50e0d17dc79c8" },
        { "depth", "19", "depth in the file is 19" },
        { "assets", """[{"symbol":"BTC","proofDecimals":6},{"symbol":"ETH","proofDecimals":8},{"symbol":"SOL","proofDecimals":6},{"symbol":"USDC","proofDecimals":6}]""", "proof decimals in the file is 6" },
        { "rootHash", "\"12345\"", "rootHash in the file is 12345" },
        { "paramsHash", "\"12345\"", "paramsHash in the file is 12345" },
        { "commitment", "\"12345\"", "commitment in the file is 12345" },
        { "circuit", "\"solvency_4\"", "the published parameters make it inclusion_20_4" },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void A_tampered_field_is_invalid_and_named(string field, string json, string failure)
    {
        var (exit, output, _) = Verify("inclusion", "--proof", epoch.Tampered(d => d[field] = JsonNode.Parse(json)), "--manifest", epoch.ManifestPath);
        Assert.Equal(VerifierApplication.Invalid, exit);
        Assert.Contains(failure, output, StringComparison.Ordinal);
        Assert.DoesNotContain("VALID\n", output.Replace("INVALID", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pi_a")]
    [InlineData("pi_b")]
    [InlineData("pi_c")]
    public void A_proof_point_swapped_or_moved_never_verifies(string point)
    {
        var file = epoch.Tampered(d =>
        {
            var proof = d["proof"]!.AsObject();
            // Another valid point of the same group where there is one: the curve check passes, the pairing must not.
            proof[point] = point == "pi_b" ? JsonNode.Parse(proof["pi_b"]!.ToJsonString().Replace("\"1\"", "\"2\"", StringComparison.Ordinal)) : JsonNode.Parse(proof[point == "pi_a" ? "pi_c" : "pi_a"]!.ToJsonString());
        });
        var (exit, output, error) = Verify("inclusion", "--proof", file, "--manifest", epoch.ManifestPath);
        Assert.NotEqual(VerifierApplication.Valid, exit);
        Assert.DoesNotContain("\nVALID", output, StringComparison.Ordinal);
        Assert.True(exit == VerifierApplication.Invalid || error.Contains(point, StringComparison.Ordinal), $"{exit}: {output}{error}");
    }

    [Fact]
    public void A_manifest_whose_commitment_does_not_recompute_is_bad_input_naming_the_file()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(epoch.ManifestPath))!.AsObject();
        manifest["commitment"] = "12345";
        var path = Path.Combine(epoch.Workspace, $"manifest-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, manifest.ToJsonString());
        var (exit, output, error) = Verify("inclusion", "--proof", epoch.InclusionPath, "--manifest", path);
        Assert.Equal(VerifierApplication.BadInput, exit);
        Assert.Empty(output);
        Assert.StartsWith($"error: {path}", error.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_that_are_not_the_pinned_ones_are_refused()
    {
        var keys = Directory.CreateTempSubdirectory("aggregator-keys-").FullName;
        File.WriteAllText(Path.Combine(keys, "inclusion_20_4.vkey.json"), File.ReadAllText(epoch.SolvencyVerificationKey));
        var (exit, output, error) = Verify("inclusion", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath, "--keys", keys);
        Assert.Equal(VerifierApplication.BadInput, exit);
        Assert.DoesNotContain("VALID", output, StringComparison.Ordinal);
        Assert.Contains("not the pinned", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inclusion", "--proof", "x.json")]
    [InlineData("inclusion", "--manifest", "m.json")]
    [InlineData("solvency", "--epoch", "dir")]
    [InlineData("inclusion", "--proof", "x.json", "--manifest", "m.json", "--rpc", "http://127.0.0.1:8545")]
    public void Missing_or_unknown_arguments_are_bad_input(params string[] args)
    {
        var (exit, output, error) = Verify(args);
        Assert.Equal(VerifierApplication.BadInput, exit);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_proof_file_is_bad_input_naming_it()
    {
        var missing = Path.Combine(epoch.Workspace, "none.json");
        var (exit, _, error) = Verify("inclusion", "--proof", missing, "--manifest", epoch.ManifestPath);
        Assert.Equal(VerifierApplication.BadInput, exit);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inclusion_file_is_not_an_attestation()
    {
        var (exit, output, _) = Verify("attestation", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath);
        Assert.NotEqual(VerifierApplication.Valid, exit);
        Assert.DoesNotContain("\nVALID", output, StringComparison.Ordinal);
    }
}
