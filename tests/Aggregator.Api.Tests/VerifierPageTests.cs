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
        // What is changed, the page's failure, the C# verifier's failure (the same words).
        { "balance", "the leafHash in the file is not Poseidon(idHash, balances)", "the leafHash in the file is not Poseidon(idHash, balances)" },
        { "proof", "the Groth16 proof", "" },
        { "decimals", "the asset 1 (BTC)'s proof decimals in the file is 7", "the asset 1 (BTC)'s proof decimals in the file is 7" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task A_tampered_inclusion_file_shows_the_check_that_failed_as_the_CLI_does(string change, string pageFailure, string cliFailure)
    {
        var tampered = Proven.Tampered(document =>
        {
            switch (change)
            {
                case "balance":
                    document["balances"]![0] = (ulong.Parse(document["balances"]![0]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "proof":
                    // pi_a := pi_c: a valid point, the wrong one.
                    document["proof"]!["pi_a"] = document["proof"]!["pi_c"]!.DeepClone();
                    break;
                case "decimals":
                    document["assets"]![0]!["proofDecimals"] = 7;
                    break;
            }
        });
        var page = await OpenFile();
        var outcome = await Verify(page, tampered, Proven.ManifestPath, $"verifier-tampered-{change}.png");
        Assert.Equal("invalid", outcome.State);
        Assert.Contains(pageFailure, outcome.Failure, StringComparison.Ordinal);
        var cli = ProofChecks.Inclusion(tampered, ProofChecks.Published.FromManifest(Proven.ManifestPath), VerificationKeys.Locate(null));
        Assert.False(cli.IsValid);
        Assert.Contains(cliFailure, cli.Failure, StringComparison.Ordinal);
        Assert.Equal(cli.Passed.Count, outcome.Passed.Length);
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
