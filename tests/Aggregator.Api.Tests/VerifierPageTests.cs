using System.Text.Json.Nodes;
using Aggregator.Api.Verifier;
using Aggregator.Proving;
using Aggregator.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Aggregator.Api.Tests;

/// <summary>
/// The verifier page in a real browser, held to the C# verifier by the same files: a valid file shows every
/// check passed (never all green without the registry), and each tampered file shows the check that failed,
/// as `aggregator verify` reports it.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class VerifierPageTests : IClassFixture<Browser>, IDisposable
{
    private readonly ApiWorld _world;
    private readonly Browser _browser;
    private readonly ITestOutputHelper _output;

    public VerifierPageTests(ApiTestBed bed, ITestOutputHelper output, Browser browser)
    {
        ArgumentNullException.ThrowIfNull(bed);
        (Proven, _output, _browser, _world) = (bed.Proven, output, browser, new ApiWorld(bed.Proven));
    }

    private ProvenEpochFixture Proven { get; }

    private string PageFile
    {
        get
        {
            var path = Path.Combine(_world.Workspace, "verify.html");
            if (!File.Exists(path))
            {
                VerifierPage.Write(path);
            }
            return path;
        }
    }

    private sealed record Outcome(string State, string Verdict, string[] Passed, string? Failure, double Milliseconds);

    private static async Task<Outcome> Verify(IPage page, string proof, string? manifest, string screenshot)
    {
        await page.SetInputFilesAsync("#proof-file", proof);
        if (manifest is not null)
        {
            await page.SetInputFilesAsync("#manifest-file", manifest);
            await page.WaitForFunctionAsync("() => document.getElementById('manifest-name').textContent.length > 0");
        }
        await page.WaitForFunctionAsync("() => document.getElementById('proof-text').value.length > 0");
        await page.ClickAsync("#verify");
        await page.WaitForFunctionAsync("() => ['valid-published','valid-unpublished','invalid','error'].includes(document.getElementById('verdict').dataset.state)",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, screenshot), FullPage = true });
        var state = await page.GetAttributeAsync("#verdict", "data-state");
        var verdict = await page.TextContentAsync("#verdict");
        var passed = await page.Locator("#checks li.passed").AllTextContentsAsync();
        var failed = await page.Locator("#checks li.failed").AllTextContentsAsync();
        var ms = await page.EvaluateAsync<double>("() => window.verifierResult.ms");
        return new Outcome(state!, verdict!, [.. passed], failed.SingleOrDefault(), ms);
    }

    private async Task<IPage> OpenFile()
    {
        var page = await _browser.Chromium.NewPageAsync();
        await page.GotoAsync(new Uri(PageFile).AbsoluteUri);
        return page;
    }

    [Fact]
    public async Task From_a_file_with_no_network_a_valid_inclusion_file_passes_every_check_but_says_publication_is_not_checked()
    {
        var page = await OpenFile();
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        var outcome = await Verify(page, Proven.InclusionPath, Proven.ManifestPath, "verifier-valid.png");
        _output.WriteLine($"browser verification: {outcome.Milliseconds:F0} ms");
        Assert.Equal("valid-unpublished", outcome.State);
        Assert.Equal("VALID against this manifest; publication not checked", outcome.Verdict);
        Assert.Null(outcome.Failure);
        Assert.Equal(3, outcome.Passed.Length);
        Assert.Contains("leafHash", outcome.Passed[0], StringComparison.Ordinal);
        Assert.Contains("Groth16 proof of account 'alice@example.com' verifies against the pinned key of inclusion_20_4 (SHA-256 " + VerificationKeys.PinnedSha256("inclusion_20_4"), outcome.Passed[2], StringComparison.Ordinal);
        // Nothing left the page (the file itself, and blob: workers, are all it loaded).
        Assert.All(requests, url => Assert.True(url.StartsWith("file:", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal), url));
        // The C# verifier says the same.
        Assert.True(ProofChecks.Inclusion(Proven.InclusionPath, ProofChecks.Published.FromManifest(Proven.ManifestPath), VerificationKeys.Locate(null)).IsValid);
    }

    public static TheoryData<string, string, string> Tampered => new()
    {
        // What is changed in the file, the page's failure, and the C# verifier's (the same words where both name it).
        { "balance", "the leafHash in the file is not Poseidon(idHash, balances)", "the leafHash in the file is not Poseidon(idHash, balances)" },
        { "salt", "the leafHash in the file is not Poseidon(idHash, balances)", "the leafHash in the file is not Poseidon(idHash, balances)" },
        { "account", "the leafHash in the file is not Poseidon(idHash, balances) of account 'bob@example.com'", "the leafHash in the file is not Poseidon(idHash, balances) of account 'bob@example.com'" },
        { "leafHash", "the leafHash in the file is not Poseidon(idHash, balances)", "the leafHash in the file is not Poseidon(idHash, balances)" },
        { "epoch", "the epoch in the file is 1700000001", "the epoch in the file is 1700000001" },
        { "publisher", "the publisher in the file is 0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "the publisher in the file is 0x70997970c51812dc3a010c7d01b50e0d17dc79c8" },
        { "depth", "the depth in the file is 19", "the depth in the file is 19" },
        { "decimals", "the asset 1 (BTC)'s proof decimals in the file is 7", "the asset 1 (BTC)'s proof decimals in the file is 7" },
        { "symbol", "the asset 2's symbol in the file is SOL", "the asset 2's symbol in the file is SOL" },
        { "rootHash", "the rootHash in the file is 1,", "the rootHash in the file is 1," },
        { "commitment", "the commitment in the file is 1,", "the commitment in the file is 1," },
        { "signals", "the file's public signals", "the file's public signals" },
        { "circuit", "the file names circuit 'inclusion_20_3'", "the file names circuit 'inclusion_20_3'" },
        { "pi_a", "the Groth16 proof", "" },
        { "pi_b", "the Groth16 proof", "" },
        { "pi_c", "the Groth16 proof", "" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task A_tampered_inclusion_file_shows_the_check_that_failed_as_the_CLI_does(string change, string pageFailure, string cliFailure)
    {
        var tampered = Proven.Tampered(document =>
        {
            var proof = document["proof"]!;
            switch (change)
            {
                case "balance":
                    document["balances"]![0] = (ulong.Parse(document["balances"]![0]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "salt":
                    document["salt"] = "12345";
                    break;
                case "account":
                    document["account"] = "bob@example.com";
                    break;
                case "leafHash":
                    document["leafHash"] = "1";
                    break;
                case "epoch":
                    document["epoch"] = "1700000001";
                    break;
                case "publisher":
                    document["publisher"] = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
                    break;
                case "depth":
                    document["depth"] = 19;
                    break;
                case "decimals":
                    document["assets"]![0]!["proofDecimals"] = 7;
                    break;
                case "symbol":
                    // Two columns relabelled: ETH's balances read as SOL's.
                    document["assets"]![1]!["symbol"] = "SOL";
                    document["assets"]![2]!["symbol"] = "ETH";
                    break;
                case "rootHash":
                    document["rootHash"] = "1";
                    break;
                case "commitment":
                    document["commitment"] = "1";
                    break;
                case "signals":
                    document["publicSignals"]![0] = "1";
                    break;
                case "circuit":
                    document["circuit"] = "inclusion_20_3";
                    break;
                case "pi_a":
                    // pi_a := pi_c: a valid point, the wrong one.
                    proof["pi_a"] = proof["pi_c"]!.DeepClone();
                    break;
                case "pi_b":
                    // b's coordinates swapped: a point of the twist no longer, or another one.
                    var b = proof["pi_b"]!.AsArray();
                    proof["pi_b"] = new JsonArray(b[1]!.DeepClone(), b[0]!.DeepClone(), b[2]!.DeepClone());
                    break;
                case "pi_c":
                    proof["pi_c"] = proof["pi_a"]!.DeepClone();
                    break;
            }
        });
        var page = await OpenFile();
        var outcome = await Verify(page, tampered, Proven.ManifestPath, $"verifier-tampered-{change}.png");
        Assert.True(outcome.State is "invalid" or "error", outcome.State);
        Assert.Contains(pageFailure, outcome.Failure, StringComparison.Ordinal);
        // The C# verifier refuses the same file: an invalid report, or bad input it names.
        try
        {
            var cli = ProofChecks.Inclusion(tampered, ProofChecks.Published.FromManifest(Proven.ManifestPath), VerificationKeys.Locate(null));
            Assert.False(cli.IsValid);
            Assert.Contains(cliFailure, cli.Failure, StringComparison.Ordinal);
            Assert.Equal(cli.Passed.Count, outcome.Passed.Length);
        }
        catch (Core.Errors.InputException error)
        {
            Assert.Equal("error", outcome.State);
            Assert.Contains(cliFailure, error.Message, StringComparison.Ordinal);
        }
    }

    // alice's attestation of collateral worth 63,750 (0.5 BTC at 60,000 less 10%, 12.25 ETH at 3,000), proved natively.
    private async Task<string> Attestation()
    {
        var keys = RepositoryPaths.Combine("circuits", "keys");
        using var prover = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(keys), null);
        var terms = CollateralTerms.Parse(Proven.Tree.Parameters.Assets, new Dictionary<string, string> { ["BTC"] = "60000", ["ETH"] = "3000" },
            new Dictionary<string, string> { ["BTC"] = "0.1" }, "63750", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", Crypto.Field.Fr.FromUInt64(4242));
        var result = await new CollateralAttestations(prover).AttestAsync(Commitment.EpochDirectory.ReadManifest(Proven.EpochDirectory), Proven.Tree, ProvenEpochFixture.Account, terms);
        var path = Path.Combine(_world.Workspace, "attestation.json");
        await File.WriteAllTextAsync(path, result.Document!.ToJsonString());
        return path;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("threshold", "6375000000001")]
    [InlineData("subject", "642829559307850963015472508762062935916233390537")]
    [InlineData("scope", "4243")]
    [InlineData("nullifier", "5")]
    [InlineData("epoch", "1700000001")]
    [InlineData("commitment", "1")]
    [InlineData("paramsHash", "1")]
    public async Task An_attestation_verifies_in_the_page_as_in_the_CLI_and_each_public_input_tampered_in_the_file_and_its_signals_fails_in_both(string? field, string? value)
    {
        var path = await Attestation();
        if (field is not null)
        {
            var document = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
            document[field] = value;
            // The signal too, where the file states one: then only the pairing can tell.
            var index = Array.IndexOf(["commitment", "paramsHash", "epoch", "publisher", "", "", "", "", "", "", "", "", "threshold", "subject", "scope", "nullifier"], field);
            document["publicSignals"]![index] = value;
            await File.WriteAllTextAsync(path, document.ToJsonString());
        }
        var page = await OpenFile();
        var outcome = await Verify(page, path, Proven.ManifestPath, $"verifier-attestation-{field ?? "valid"}.png");
        var cli = ProofChecks.Attestation(path, ProofChecks.Published.FromManifest(Proven.ManifestPath), VerificationKeys.Locate(null));
        Assert.Equal(cli.Passed.Count, outcome.Passed.Length);
        if (field is null)
        {
            Assert.Equal("valid-unpublished", outcome.State);
            Assert.True(cli.IsValid, cli.Failure);
            // The same statement in the page as in the CLI, up to the key's location the CLI adds.
            Assert.StartsWith(cli.Passed[^1].Split(" verifies against ")[0], outcome.Passed[^1][2..], StringComparison.Ordinal);
            Assert.Contains("collateral worth at least 63750 (BTC at 60000 with a haircut of 0.1, ETH at 3000 with a haircut of 0", outcome.Passed[^1], StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("invalid", outcome.State);
            Assert.False(cli.IsValid);
            var named = field is "epoch" or "commitment" or "paramsHash" ? $"the {field} in the file is {value}" : "the Groth16 proof does not verify";
            Assert.Contains(named, outcome.Failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_foreign_manifest_fails_at_the_first_parameter_that_differs()
    {
        // Another epoch's manifest (same tree, bound to another epoch): the epoch differs, and so the commitment.
        var foreign = Path.Combine(_world.EpochDirectory(ApiWorld.Later), "manifest.json");
        var page = await OpenFile();
        var outcome = await Verify(page, Proven.InclusionPath, foreign, "verifier-foreign-manifest.png");
        Assert.Equal("invalid", outcome.State);
        Assert.Contains($"the epoch in the file is {ProvenEpochFixture.Epoch}, the published one is {ApiWorld.Later}", outcome.Failure, StringComparison.Ordinal);
        Assert.False(ProofChecks.Inclusion(Proven.InclusionPath, ProofChecks.Published.FromManifest(foreign), VerificationKeys.Locate(null)).IsValid);
    }

    [Fact]
    public async Task A_solvency_proof_verifies_against_its_manifest_and_fails_against_reserves_edited_after_the_fact()
    {
        var page = await OpenFile();
        var solvency = Path.Combine(Proven.EpochDirectory, EpochProofs.SolvencyProofFile);
        var outcome = await Verify(page, solvency, Proven.ManifestPath, "verifier-solvency.png");
        Assert.Equal("valid-unpublished", outcome.State);
        Assert.Contains("Groth16 proof of reserves 10 BTC", outcome.Passed[^1], StringComparison.Ordinal);
        // The manifest's reserves raised after the proof: the proof no longer speaks for them.
        var edited = JsonNode.Parse(await File.ReadAllTextAsync(Proven.ManifestPath))!;
        edited["reserves"]![0]!["proofUnits"] = "2000000000";
        var editedPath = Path.Combine(_world.Workspace, "manifest-edited.json");
        await File.WriteAllTextAsync(editedPath, edited.ToJsonString());
        var page2 = await OpenFile();
        var tampered = await Verify(page2, solvency, editedPath, "verifier-solvency-edited.png");
        Assert.Equal("invalid", tampered.State);
        Assert.Contains("public signals", tampered.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Served_at_verify_the_page_reads_the_published_manifest_from_the_API()
    {
        using var api = new ApiFactory(_world.ApiOnly());
        api.UseKestrel(0);
        api.StartServer();
        var address = api.ClientOptions.BaseAddress;
        var page = await _browser.Chromium.NewPageAsync();
        await page.GotoAsync(new Uri(address, "/verify").AbsoluteUri);
        var outcome = await Verify(page, Proven.InclusionPath, null, "verifier-served.png");
        Assert.Equal("valid-unpublished", outcome.State);
        Assert.Contains($"the manifest published by {address.GetLeftPart(UriPartial.Authority)}", outcome.Passed[1], StringComparison.Ordinal);
    }

    public void Dispose() => _world.Dispose();
}
