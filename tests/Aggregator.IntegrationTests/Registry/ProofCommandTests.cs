using System.Text.Json.Nodes;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>`aggregator prove` and `aggregator verify` as a person runs them, on a really proven epoch.</summary>
[Collection(EvmNodeTests.Name)]
public sealed class ProofCommandTests(ProvenEpochFixture epoch)
{
    private static (int Exit, string Output, string Error) Cli(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Verify_solvency_prints_each_check_the_key_used_and_without_the_registry_and_the_chains_is_never_valid()
    {
        var (exit, output, error) = Cli("verify", "solvency", "--epoch", epoch.EpochDirectory);
        Assert.Equal(4, exit); // nothing failed, but the publication and the reserves were not checked
        Assert.Contains("ok: the manifest's commitment", output);
        Assert.Contains($"ok: Groth16 proof of reserves 10 BTC (at least 100% of its liabilities), 200.5 ETH (at least 100% of its liabilities), 1342.500001 SOL (at least 100% of its liabilities), 2000000 USDC (at least 100% of its liabilities) verifies against solvency_4 (key SHA-256 {VerificationKeys.PinnedSha256("solvency_4")}", output);
        Assert.Contains("do not come from a ceremony that meets the rules", error);
        Assert.Contains("NOT CHECKED: publication: no registry was read", output, StringComparison.Ordinal);
        Assert.Contains("NOT CHECKED: reserves: the epoch directory carries no evidence", output, StringComparison.Ordinal);
        Assert.StartsWith("NOT VALIDATED", output.Trim().Split('\n')[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("\nVALID", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("native")]
    [InlineData("snarkjs")]
    public void Prove_inclusion_then_verify_it_against_the_published_manifest(string prover)
    {
        var file = Path.Combine(epoch.Workspace, $"bob-{prover}.json");
        var prove = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--out", file, "--prover", prover);
        Assert.True(prove.Exit == 0, prove.Error);
        Assert.Contains(prover == "native" ? "proving keys: " : "proving with snarkjs", prove.Error);
        // The manifest as published, under another name and folder: exactly that file is read.
        var published = Path.Combine(epoch.Workspace, $"published-{Guid.NewGuid():N}", "epoch-1700000000.json");
        Directory.CreateDirectory(Path.GetDirectoryName(published)!);
        File.Copy(epoch.ManifestPath, published);
        var verify = Cli("verify", "inclusion", "--proof", file, "--manifest", published);
        Assert.True(verify.Exit == 0, verify.Output);
        Assert.Contains("recomputed from account 'bob'", verify.Output);
        Assert.Contains($"are the manifest {published}'s", verify.Output);
        Assert.Contains("\nVALID\n", verify.Output, StringComparison.Ordinal);
        // A manifest is a file anyone can write: VALID against it, and said not to be a publication.
        Assert.StartsWith("publication not checked: the proof matches this manifest", verify.Output.Trim().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Attest_collateral_then_verify_it_against_the_manifest_and_a_shortfall_writes_nothing()
    {
        var file = Path.Combine(epoch.Workspace, $"attestation-{Guid.NewGuid():N}.json");
        string[] terms = ["--epoch", epoch.EpochDirectory, "--account", ProvenEpochFixture.Account, "--prices", "BTC=60000,ETH=3000", "--haircuts", "BTC=0.1",
            "--subject", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--scope", "31337:0x5FbDB2315678afecb367f032d93F642f64180aa3", "--out", file];
        var shortfall = Cli(["attest", "collateral", .. terms, "--threshold", "63750.00000001"]);
        Assert.Equal(1, shortfall.Exit);
        Assert.Contains($"account '{ProvenEpochFixture.Account}' falls short: its collateral is worth 63750 at these prices and haircuts, below the threshold 63750.00000001", shortfall.Error, StringComparison.Ordinal);
        Assert.Contains("no attestation made", shortfall.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));

        var attest = Cli(["attest", "collateral", .. terms, "--threshold", "63750"]);
        Assert.True(attest.Exit == 0, attest.Error);
        Assert.Contains("attestation of collateral worth at least 63750 for subject 0x70997970c51812dc3a010c7d01b50e0d17dc79c8", attest.Output, StringComparison.Ordinal);
        var verify = Cli("verify", "attestation", "--proof", file, "--manifest", epoch.ManifestPath);
        Assert.True(verify.Exit == 0, verify.Output);
        Assert.Contains("ok: Groth16 proof of an account of this epoch holding collateral worth at least 63750 (BTC at 60000 with a haircut of 0.1, ETH at 3000 with a haircut of 0, SOL at 0 with a haircut of 0, USDC at 0 with a haircut of 0)", verify.Output, StringComparison.Ordinal);
        Assert.StartsWith("publication not checked: the proof matches this manifest", verify.Output.Trim().Split('\n')[^1], StringComparison.Ordinal);
        // Nothing published to check against: never VALID.
        var bare = Cli("verify", "attestation", "--proof", file);
        Assert.Equal(2, bare.Exit);
        Assert.DoesNotContain("VALID", bare.Output, StringComparison.Ordinal);
        // An inclusion file is not an attestation, nor the reverse.
        Assert.Equal(2, Cli("verify", "attestation", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath).Exit);
        Assert.Equal(2, Cli("verify", "inclusion", "--proof", file, "--manifest", epoch.ManifestPath).Exit);
    }

    [Theory]
    [InlineData("--scope", "31337:0xnot-an-address", "--scope")]
    [InlineData("--scope", "0x05", "--scope")]
    [InlineData("--subject", "bob", "--subject")]
    [InlineData("--prices", "BTC=60000,BTC=1", "--prices")]
    [InlineData("--account", "mallory", "--account")]
    public void Attest_collateral_refuses_bad_input_naming_the_option(string option, string value, string named)
    {
        var arguments = new Dictionary<string, string>
        {
            ["--epoch"] = epoch.EpochDirectory, ["--account"] = ProvenEpochFixture.Account, ["--prices"] = "BTC=60000", ["--threshold"] = "1",
            ["--subject"] = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", ["--scope"] = "7", [option] = value,
        };
        var run = Cli(["attest", "collateral", .. arguments.SelectMany(a => new[] { a.Key, a.Value })]);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"{named}: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_published_commitment_verify_inclusion_never_says_valid()
    {
        var (exit, output, error) = Cli("verify", "inclusion", "--proof", epoch.InclusionPath);
        Assert.Equal(2, exit);
        Assert.DoesNotContain("VALID", output, StringComparison.Ordinal);
        Assert.Contains("nothing published to check against", error);
        var directoryOnly = Cli("verify", "inclusion", "--proof", epoch.InclusionPath, "--manifest", epoch.EpochDirectory);
        Assert.Equal(2, directoryOnly.Exit);
        Assert.DoesNotContain("VALID", directoryOnly.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Prove_inclusion_all_writes_every_account_and_resumes_without_redoing_finished_files()
    {
        var directory = epoch.CopyOfEpoch();
        var folder = Path.Combine(directory, "inclusion");
        var first = Cli("prove", "inclusion", "--epoch", directory, "--all");
        Assert.True(first.Exit == 0, first.Error);
        Assert.Matches(@"^6 inclusion proofs in .*: 6 proved in [0-9.]+ s \([0-9.]+ proofs/s\), 0 kept from an earlier run", first.Output.Trim());
        Assert.Contains("inclusion proofs: 6 of 6 (0 kept)", first.Error);
        var files = Directory.GetFiles(folder, "*.json");
        Assert.Equal(6, files.Length);
        foreach (var file in files)
        {
            var verify = Cli("verify", "inclusion", "--proof", file, "--manifest", Path.Combine(directory, Commitment.EpochDirectory.ManifestFile));
            Assert.True(verify.Exit == 0, verify.Output);
        }

        var again = Cli("prove", "inclusion", "--epoch", directory, "--all");
        Assert.Contains("0 proved", again.Output);
        Assert.Contains("6 kept from an earlier run", again.Output);

        // An interrupted run leaves some files missing; one of another commitment, or whose proof does not
        // verify, does not count.
        var written = files.ToDictionary(f => f, File.GetLastWriteTimeUtc);
        File.Delete(files[0]);
        var stale = JsonNode.Parse(File.ReadAllText(files[1]))!;
        stale["commitment"] = "1";
        File.WriteAllText(files[1], stale.ToJsonString());
        var broken = JsonNode.Parse(File.ReadAllText(files[2]))!;
        broken["proof"]!["pi_a"] = JsonNode.Parse(broken["proof"]!["pi_c"]!.ToJsonString());
        File.WriteAllText(files[2], broken.ToJsonString());
        var resumed = Cli("prove", "inclusion", "--epoch", directory, "--all");
        Assert.Contains("3 proved", resumed.Output);
        Assert.Contains("3 kept from an earlier run", resumed.Output);
        Assert.All(files[3..], f => Assert.Equal(written[f], File.GetLastWriteTimeUtc(f)));
        Assert.NotEqual("1", JsonNode.Parse(File.ReadAllText(files[1]))!["commitment"]!.GetValue<string>());
        foreach (var file in files[..3])
        {
            Assert.True(Cli("verify", "inclusion", "--proof", file, "--manifest", Path.Combine(directory, Commitment.EpochDirectory.ManifestFile)).Exit == 0, file);
        }
    }

    [Fact]
    public void Prove_options_are_checked()
    {
        var neither = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory);
        Assert.Equal(2, neither.Exit);
        Assert.Contains("give either --account ID or --all", neither.Error);
        var both = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--all");
        Assert.Equal(2, both.Exit);
        var unknown = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--prover", "rapidsnark");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("unknown prover 'rapidsnark'", unknown.Error);
        var empty = Directory.CreateTempSubdirectory("aggregator-nokeys-").FullName;
        var noKeys = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--out", Path.Combine(empty, "bob.json"), "--keys", empty);
        Assert.NotEqual(0, noKeys.Exit);
        Assert.Contains($"proving keys: {empty} (given with --keys)", noKeys.Error);
        Assert.Contains("inclusion_20_4", noKeys.Error);
        Assert.False(File.Exists(Path.Combine(empty, "bob.json")));
    }

    [Fact]
    public void A_misstated_file_exits_1_naming_the_parameter()
    {
        var file = epoch.Tampered(document => document["assets"]![0]!["proofDecimals"] = 6);
        var (exit, output, _) = Cli("verify", "inclusion", "--proof", file, "--manifest", epoch.ManifestPath);
        Assert.Equal(1, exit);
        Assert.Contains("INVALID: the asset 1 (BTC)'s proof decimals in the file is 6, the published one is 8", output);
    }

    [Fact]
    public void A_tampered_inclusion_proof_exits_1_with_the_reason()
    {
        var file = epoch.Tampered(document => document["proof"]!["pi_a"] = JsonNode.Parse(document["proof"]!["pi_c"]!.ToJsonString()));
        var (exit, output, _) = Cli("verify", "inclusion", "--proof", file, "--manifest", epoch.ManifestPath);
        Assert.Equal(1, exit);
        Assert.Contains("INVALID: the pairing check fails", output);
    }

    [Fact]
    public void An_unknown_account_or_missing_file_exits_2()
    {
        var unknown = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "nobody", "--out", Path.Combine(epoch.Workspace, "x.json"));
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("account 'nobody' is not in this epoch", unknown.Error);
        var missing = Cli("verify", "inclusion", "--proof", Path.Combine(epoch.Workspace, "none.json"), "--manifest", epoch.ManifestPath);
        Assert.Equal(2, missing.Exit);
    }

    [Fact]
    public async Task A_missing_node_is_one_clear_error()
    {
        var prover = new SnarkjsProver(epoch.CircuitsDirectory, node: "/nonexistent/node");
        var error = await Assert.ThrowsAsync<ProverUnavailableException>(() => prover.ProveAsync(EpochProofs.SolvencyCircuitName(4), new JsonObject()));
        Assert.Contains("Node.js", error.Message);
        var noKeys = new SnarkjsProver(epoch.Workspace);
        error = await Assert.ThrowsAsync<ProverUnavailableException>(() => noKeys.ProveAsync(EpochProofs.SolvencyCircuitName(4), new JsonObject()));
        Assert.Contains("setup.sh", error.Message);
    }
}
