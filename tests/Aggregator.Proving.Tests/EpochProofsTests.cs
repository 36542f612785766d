using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

[Collection(ProvenEpochGroup.Name)]
public class EpochProofsTests(ProvenEpochFixture epoch)
{
    [Theory]
    [InlineData(-1, 2)]
    [InlineData(0, 1_000_000)]
    [InlineData(3, 2)]
    public async Task A_batch_outside_the_epochs_leaves_is_refused_before_anything_is_proved(int start, int end)
    {
        var output = Path.Combine(Path.GetTempPath(), $"batch-{Guid.NewGuid():N}");
        var error = await Assert.ThrowsAsync<InputException>(() => new EpochProofs(new SnarkjsProver(epoch.CircuitsDirectory))
            .ProveInclusionsAsync(epoch.EpochDirectory, epoch.Tree, output, VerificationKeys.Installed(), start, end));
        Assert.Equal("range", error.Field);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Solvency_proof_carries_the_commitment_its_binding_and_the_reserves_rounded_down()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(epoch.EpochDirectory, EpochProofs.SolvencyProofFile)))!;
        var manifest = EpochDirectory.ReadManifest(epoch.EpochDirectory);
        var publisher = PublisherAddress.Parse(ProvenEpochFixture.Publisher).ToField().ToString();
        string[] expected = [manifest.Commitment, manifest.ParamsHash, "1700000000", publisher, "1000000000", "20050000000", "1342500001", "2000000000000", "10000", "10000", "10000", "10000"];
        Assert.Equal(expected, document["publicSignals"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(EpochCommitment.Of(epoch.Tree, ProvenEpochFixture.Epoch, PublisherAddress.Parse(ProvenEpochFixture.Publisher)).Value.ToString(), manifest.Commitment);
        Assert.Equal(["BTC", "ETH", "SOL", "USDC"], manifest.Reserves!.Select(r => r.Symbol));
        Assert.Equal("200.5", manifest.Reserves![1].Amount);
        Assert.All(manifest.Reserves!, r => Assert.Equal(EpochProofs.FullCoverage, r.CoverageBasisPoints));
    }

    [Fact]
    public void The_inclusion_file_holds_the_account_and_nothing_about_others()
    {
        var text = File.ReadAllText(epoch.InclusionPath);
        var document = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(
            ["format", "circuit", "account", "salt", "balances", "leafHash", "epoch", "publisher", "depth", "assets", "rootHash", "paramsHash", "commitment", "proof", "publicSignals"],
            document.Select(p => p.Key));
        Assert.Equal(ProvenEpochFixture.Account, document["account"]!.GetValue<string>());
        Assert.Equal(["50000000", "1225000000", "0", "1500750000"], document["balances"]!.AsArray().Select(b => b!.GetValue<string>()));
        foreach (var other in new[] { "bob", "carol", "frank", "erin" })
        {
            Assert.DoesNotContain(other, text, StringComparison.Ordinal);
        }
        var path = epoch.Tree.Path(epoch.Tree.FindLeaf(ProvenEpochFixture.Account)!.Value);
        foreach (var sibling in path.Siblings.Where(s => !s.Hash.IsZero))
        {
            Assert.DoesNotContain(sibling.Hash.ToString(), text, StringComparison.Ordinal);
        }        if (!OperatingSystem.IsWindows())
        {
            // The account's salt and balances: readable by the institution's user only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(epoch.InclusionPath));
        }
    }

    [Fact]
    public void Proof_checks_pass_for_the_real_documents_and_name_the_pinned_keys()
    {
        var solvency = ProofChecks.Solvency(epoch.EpochDirectory, VerificationKeys.Installed());
        Assert.True(solvency.IsValid, solvency.Failure);
        Assert.Contains($"solvency_4 (key SHA-256 {VerificationKeys.PinnedSha256("solvency_4")}", solvency.Passed[^1], StringComparison.Ordinal);
        var inclusion = ProofChecks.Inclusion(epoch.InclusionPath, ProofChecks.Published.FromManifest(epoch.ManifestPath), VerificationKeys.Installed());
        Assert.True(inclusion.IsValid, inclusion.Failure);
        Assert.Equal(3, inclusion.Passed.Count);
        Assert.Contains($"inclusion_20_4 (key SHA-256 {VerificationKeys.PinnedSha256("inclusion_20_4")}", inclusion.Passed[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_balance_in_the_account_file_is_caught_before_the_proof()
    {
        var tampered = epoch.Tampered(document => document["balances"]![3] = "1500750001");
        var report = ProofChecks.Inclusion(tampered, ProofChecks.Published.FromManifest(epoch.ManifestPath), VerificationKeys.Installed());
        Assert.False(report.IsValid);
        Assert.Contains("leafHash", report.Failure);
    }

    [Fact]
    public async Task Reserves_below_liabilities_give_no_proof_and_name_the_asset()
    {
        var directory = Path.Combine(epoch.Workspace, "short");
        EpochDirectory.Write(directory, epoch.Tree, EpochSecret.ParseHex(ProvenEpochFixture.SecretHex), 2, PublisherAddress.Parse(ProvenEpochFixture.Publisher), DateTimeOffset.UnixEpoch);
        var reserves = Path.Combine(epoch.Workspace, "short-reserves.json");
        await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "10", "ETH": "115.75", "SOL": "1342.5", "USDC": "2000000" } }""");
        var result = await new EpochProofs(new SnarkjsProver(epoch.CircuitsDirectory)).ProveSolvencyAsync(directory, reserves);
        Assert.False(result.Solvent);
        Assert.Equal(2, result.Shortfalls.Count); // ETH 115.75000001 > 115.75; SOL 1342.500001 > 1342.5
        Assert.StartsWith("ETH: liabilities 115.75000001 exceed reserves 115.75", result.Shortfalls[0]);
        Assert.False(File.Exists(Path.Combine(directory, EpochProofs.SolvencyProofFile)));
        Assert.Null(EpochDirectory.ReadManifest(directory).Reserves);
    }

    [Fact]
    public async Task A_coverage_ratio_is_proven_with_the_liabilities_hidden_and_a_ratio_the_reserves_miss_gives_no_proof()
    {
        var directory = Path.Combine(epoch.Workspace, "coverage");
        EpochDirectory.Write(directory, epoch.Tree, EpochSecret.ParseHex(ProvenEpochFixture.SecretHex), 3, PublisherAddress.Parse(ProvenEpochFixture.Publisher), DateTimeOffset.UnixEpoch);
        var reserves = Path.Combine(epoch.Workspace, "coverage-reserves.json");
        await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "10", "ETH": "200.5", "SOL": "1342.500001", "USDC": "2000000" } }""");
        var keys = Path.Combine(epoch.CircuitsDirectory, "keys");
        using var native = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(keys), null);
        var proofs = new EpochProofs(native);

        // ETH's liabilities are 115.75000001: 200.5 covers 150% of them, not 200%.
        var missed = await proofs.ProveSolvencyAsync(directory, reserves, [10_000, 20_000, 10_000, 10_000]);
        Assert.False(missed.Solvent);
        Assert.Equal(["ETH: reserves 200.5 are below 200% of liabilities 115.75000001"], missed.Shortfalls);
        Assert.False(File.Exists(Path.Combine(directory, EpochProofs.SolvencyProofFile)));

        var proved = await proofs.ProveSolvencyAsync(directory, reserves, [10_000, 15_000, 10_000, 10_000]);
        Assert.True(proved.Solvent);
        Assert.Equal([10_000u, 15_000u, 10_000u, 10_000u], EpochDirectory.ReadManifest(directory).Reserves!.Select(r => r.CoverageBasisPoints));
        var report = ProofChecks.Solvency(directory, VerificationKeys.At(keys));
        Assert.True(report.IsValid, report.Failure);
        Assert.Contains(report.Passed, p => p.Contains("200.5 ETH (at least 150% of its liabilities)", StringComparison.Ordinal));

        // A manifest claiming a higher ratio than the one proven: the proof does not verify for it.
        var manifest = EpochDirectory.ReadManifest(directory);
        EpochDirectory.UpdateManifest(directory, manifest with { Reserves = [.. manifest.Reserves!.Select((r, k) => k == 1 ? r with { CoverageBasisPoints = 20_000 } : r)] });
        Assert.False(ProofChecks.Solvency(directory, VerificationKeys.At(keys)).IsValid);
        // Below full coverage is refused before proving.
        Assert.Throws<InputException>(() => proofs.ProveSolvencyAsync(directory, reserves, [9_999, 10_000, 10_000, 10_000]).GetAwaiter().GetResult());
    }

    [Theory]
    [InlineData("""{ "reserves": { "BTC": "1", "ETH": "1", "SOL": "1" } }""", "no reserve for USDC")]
    [InlineData("""{ "reserves": { "BTC": "-1", "ETH": "1", "SOL": "1", "USDC": "1" } }""", "negative")]
    [InlineData("""{ "BTC": "1" }""", "expected an object \"reserves\"")]
    public void Bad_reserves_files_are_input_errors(string json, string problem)
    {
        var path = Path.Combine(epoch.Workspace, $"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<InputException>(() => ReservesFile.Read(path, epoch.Tree.Parameters.Assets));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Reserves_of_an_asset_the_epoch_does_not_commit_to_are_ignored_and_named()
    {
        var path = Path.Combine(epoch.Workspace, $"extra-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "reserves": { "BTC": "1", "ETH": "2", "SOL": "3", "USDC": "4", "DOGE": "1000000" } }""");
        var (reserves, ignored) = ReservesFile.Read(path, epoch.Tree.Parameters.Assets);
        Assert.Equal(["BTC", "ETH", "SOL", "USDC"], reserves.Select(r => r.Symbol));
        Assert.Equal(200_000_000UL, reserves[1].ProofUnits);
        Assert.Equal(["DOGE"], ignored);
    }
}

public class SnarkjsProverTests
{
    [Fact]
    public async Task A_cancelled_proof_leaves_no_node_process_behind()
    {
        var root = Directory.CreateTempSubdirectory("aggregator-cancel-").FullName;
        try
        {
            // The circuit's keys are named pipes nobody writes: node blocks reading them and cannot end by
            // itself, so the test waits for a process that must appear, not for a guess of how long it lives.
            var real = Aggregator.Testing.RepositoryPaths.Combine("circuits");
            var circuits = Directory.CreateDirectory(Path.Combine(root, "circuits")).FullName;
            Directory.CreateDirectory(Path.Combine(circuits, "scripts"));
            Directory.CreateDirectory(Path.Combine(circuits, "keys"));
            File.CreateSymbolicLink(Path.Combine(circuits, "scripts", "prove.mjs"), Path.Combine(real, "scripts", "prove.mjs"));
            Directory.CreateSymbolicLink(Path.Combine(circuits, "node_modules"), Path.Combine(real, "node_modules"));
            foreach (var key in new[] { "inclusion_20_4.wasm", "inclusion_20_4.zkey" })
            {
                using var fifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(circuits, "keys", key)])!;
                await fifo.WaitForExitAsync();
                Assert.Equal(0, fifo.ExitCode);
            }
            var prover = new SnarkjsProver(circuits, workRoot: root);
            using var cancel = new CancellationTokenSource();
            var proving = prover.ProveAsync("inclusion_20_4", new JsonObject { ["leafHash"] = "1" }, cancel.Token);
            await Aggregator.Testing.Eventually.Until(() => ProcessesUsing(root).Length > 0 || proving.IsCompleted, "node started");
            Assert.False(proving.IsCompleted, $"node ended by itself: {proving.Exception?.GetBaseException().Message}");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => proving);
            Assert.Empty(ProcessesUsing(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // Processes whose command line names a path under root (Linux: /proc/PID/cmdline).
    private static string[] ProcessesUsing(string root) =>
        Directory.GetDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(root, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            })
            .ToArray();
}
