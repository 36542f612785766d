using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Api.Verifier;
using Aggregator.Chains.Evm.Registry;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Proving;
using Aggregator.Testing;
using Microsoft.Playwright;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>
/// The verifier page reading the registry through a real node's JSON-RPC: the only way it says
/// "VALID" in green. An epoch the registry does not hold is not checked, never valid.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class VerifierPageRegistryTests(AnvilNode node, ProvenEpochFixture epoch) : IAsyncLifetime
{
    private readonly Browser _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    private async Task<(string State, string Verdict, string Checks)> VerifyAgainstRegistry(string proof, string registry)
    {
        var page = Path.Combine(epoch.Workspace, $"verify-{Guid.NewGuid():N}.html");
        VerifierPage.Write(page);
        var tab = await _browser.Chromium.NewPageAsync();
        await tab.GotoAsync(new Uri(page).AbsoluteUri);
        await tab.SetInputFilesAsync("#proof-file", proof);
        await tab.WaitForFunctionAsync("() => document.getElementById('proof-text').value.length > 0");
        await tab.CheckAsync("#source-registry");
        await tab.FillAsync("#rpc", node.RpcUrl);
        await tab.FillAsync("#registry", registry);
        await tab.ClickAsync("#verify");
        await tab.WaitForFunctionAsync("() => ['valid-published','valid-unpublished','invalid','error'].includes(document.getElementById('verdict').dataset.state)",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await tab.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, $"verifier-registry-{Path.GetFileNameWithoutExtension(proof)}.png"), FullPage = true });
        return ((await tab.GetAttributeAsync("#verdict", "data-state"))!, (await tab.TextContentAsync("#verdict"))!, (await tab.TextContentAsync("#checks"))!);
    }

    [Fact]
    public async Task Read_from_the_registry_a_published_inclusion_is_valid_in_green_and_an_unpublished_epoch_is_not_checked()
    {
        var windowed = await WindowedRegistry.DeployAsync(node);
        var (client, registry) = (windowed.As(node, 0), windowed.Address);
        await node.MinePastAsync(windowed.FirstEnd);
        var directory = await epoch.ProveForAsync(windowed.FirstEnd);
        var alice = Path.Combine(directory, "alice.json");

        // Not published yet: the registry holds nothing for the epoch, so nothing is valid.
        var before = await VerifyAgainstRegistry(alice, registry);
        Assert.Equal("error", before.State);
        Assert.Contains("holds no commitment", before.Checks, StringComparison.Ordinal);

        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        await client.PublishAsync(windowed.FirstEnd, commitment, paramsHash, reserves, proof);
        var published = await VerifyAgainstRegistry(alice, registry);
        Assert.Equal("valid-published", published.State);
        Assert.Contains($"the registry {registry}", published.Verdict, StringComparison.Ordinal);

        // A tampered balance against the same registry: invalid, as the CLI says.
        var tampered = Path.Combine(directory, "alice-tampered.json");
        var changed = JsonNode.Parse(await File.ReadAllTextAsync(alice))!;
        changed["balances"]![1] = "1";
        await File.WriteAllTextAsync(tampered, changed.ToJsonString());
        var refused = await VerifyAgainstRegistry(tampered, registry);
        Assert.Equal("invalid", refused.State);
        Assert.Contains("leafHash", refused.Checks, StringComparison.Ordinal);
    }
}
