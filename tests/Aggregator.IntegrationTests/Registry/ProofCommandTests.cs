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
    public void Verify_solvency_prints_each_check_and_exits_0()
    {
        var (exit, output, _) = Cli("verify", "solvency", "--epoch", epoch.EpochDirectory, "--vkey", epoch.SolvencyVerificationKey);
        Assert.Equal(0, exit);
        Assert.Contains("ok: public signals are the manifest's root hash", output);
        Assert.Contains("ok: Groth16 proof verifies", output);
        Assert.EndsWith("VALID", output.Trim());
    }

    [Fact]
    public void Prove_inclusion_then_verify_it_against_the_published_manifest()
    {
        var file = Path.Combine(epoch.Workspace, "bob.json");
        var prove = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--out", file);
        Assert.True(prove.Exit == 0, prove.Error);
        var verify = Cli("verify", "inclusion", "--proof", file, "--manifest", Path.Combine(epoch.EpochDirectory, "manifest.json"), "--vkey", epoch.InclusionVerificationKey);
        Assert.True(verify.Exit == 0, verify.Output);
        Assert.Contains("recomputed from account 'bob'", verify.Output);
        Assert.Contains("is the published root", verify.Output);
    }

    [Fact]
    public void A_tampered_inclusion_proof_exits_1_with_the_reason()
    {
        var document = JsonNode.Parse(File.ReadAllText(epoch.InclusionPath))!.AsObject();
        document["proof"]!["pi_a"] = JsonNode.Parse(document["proof"]!["pi_c"]!.ToJsonString());
        var file = Path.Combine(epoch.Workspace, "tampered-proof.json");
        File.WriteAllText(file, document.ToJsonString());
        var (exit, output, _) = Cli("verify", "inclusion", "--proof", file, "--vkey", epoch.InclusionVerificationKey);
        Assert.Equal(1, exit);
        Assert.Contains("INVALID: the pairing check fails", output);
    }

    [Fact]
    public void An_unknown_account_or_missing_file_exits_2()
    {
        var unknown = Cli("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "nobody", "--out", Path.Combine(epoch.Workspace, "x.json"));
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("account 'nobody' is not in this epoch", unknown.Error);
        var missing = Cli("verify", "inclusion", "--proof", Path.Combine(epoch.Workspace, "none.json"), "--vkey", epoch.InclusionVerificationKey);
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
