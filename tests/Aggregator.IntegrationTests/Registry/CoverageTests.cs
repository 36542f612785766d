using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Prover;
using Aggregator.Testing;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>
/// Coverage ratios: chosen by the publisher from the registry's ladder before the windows they apply to
/// start (so never the highest ratio its liabilities allow, chosen after the fact), proven by the solvency
/// circuit with the liabilities hidden, required by the registry on publication, and reported by a
/// coverage feed.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class CoverageTests(AnvilNode node, ProvenEpochFixture epoch)
{
    private static readonly uint[] EthAt150 = [10_000, 15_000, 10_000, 10_000];

    [Fact]
    public async Task A_ratio_set_before_a_window_binds_it_one_set_during_a_window_binds_only_later_ones_and_publication_needs_a_proof_of_it()
    {
        var registry = await WindowedRegistry.DeployAsync(node, publishers: [0]);
        var publisher = registry.As(node, 0);
        Assert.Equal([10_000u, 10_500, 11_000, 12_000, 12_500, 15_000, 20_000], await publisher.RatioLadderAsync());
        Assert.All(await publisher.CoverageAtAsync(ProvenEpochFixture.Publisher, registry.FirstEnd), r => Assert.Equal(10_000u, r));

        // Off the ladder, or from an account that is no publisher: refused.
        Assert.Contains("NotOnLadder", (await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.SetCoverageAsync([10_000, 17_341, 10_000, 10_000]))).Message, StringComparison.Ordinal);
        Assert.Contains("NotAuthorized", (await Assert.ThrowsAsync<RegistryRejectedException>(() => registry.As(node, 4).SetCoverageAsync(EthAt150))).Message, StringComparison.Ordinal);

        // Before the first window starts, through the CLI: it binds the first window.
        var keyFile = Path.Combine(epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, AnvilNode.DevelopmentKeys[0]);
        var set = CliRunner.Run(["registry", "coverage", "--rpc", node.RpcUrl, "--registry", registry.Address, "--key-file", keyFile, "--ratios", "10000,15000,10000,10000"]);
        Assert.True(set.Exit == 0, set.Output + set.Error);
        Assert.Contains($"from epoch {registry.FirstEnd}", set.Output, StringComparison.Ordinal);
        Assert.Equal(EthAt150, await publisher.CoverageAtAsync(ProvenEpochFixture.Publisher, registry.FirstEnd));

        // During the first window: a change binds only the windows that start later.
        await node.MinePastAsync(registry.FirstEnd - WindowedRegistry.Window + 1);
        var (_, from) = await publisher.SetCoverageAsync([10_000, 20_000, 10_000, 10_000]);
        Assert.Equal(registry.FirstEnd + WindowedRegistry.Window, from);
        Assert.Equal(EthAt150, await publisher.CoverageAtAsync(ProvenEpochFixture.Publisher, registry.FirstEnd));
        Assert.Equal([10_000u, 20_000, 10_000, 10_000], await publisher.CoverageAtAsync(ProvenEpochFixture.Publisher, from));

        await node.MinePastAsync(registry.FirstEnd);
        // A proof of full coverage is not what the registry fixed for this epoch: refused before sending, and by the registry itself.
        var fullCoverage = await epoch.ProveForAsync(registry.FirstEnd);
        var refused = await Assert.ThrowsAsync<InputException>(() => RegistryPublisher.PublishAsync(fullCoverage, node.Web3For(0), registry.Address, allowInsecureKeys: false));
        Assert.Contains("the registry fixes 10000, 15000, 10000, 10000 bp", refused.Message, StringComparison.Ordinal);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(fullCoverage);
        Assert.Contains("InvalidSolvencyProof", (await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(registry.FirstEnd, commitment, paramsHash, reserves, proof))).Message, StringComparison.Ordinal);

        // The proof of 150% for ETH publishes; the registry keeps the ratios, and a coverage feed reports them.
        var directory = await epoch.ProveForAsync(registry.FirstEnd, coverage: EthAt150);
        await RegistryPublisher.PublishAsync(directory, node.Web3For(0), registry.Address, allowInsecureKeys: false);
        Assert.Equal(EthAt150, await publisher.RatiosOfAsync(ProvenEpochFixture.Publisher, registry.FirstEnd));
        var manifest = Path.Combine(directory, EpochDirectory.ManifestFile);
        var feed = await ReserveFeeds.DeployAsync(manifest, node.Web3For(0), registry.Address, ProvenEpochFixture.Publisher, "ETH", ReserveFeedClient.CoverageDecimals, FeedMeasure.Coverage);
        var round = await new ReserveFeedClient(node.Web3For(0), feed).LatestRoundAsync();
        Assert.Equal(15_000, (int)round.Answer);
        Assert.Equal(4, await new ReserveFeedClient(node.Web3For(0), feed).DecimalsAsync());
        await Assert.ThrowsAsync<InputException>(() => ReserveFeeds.BindingAsync(manifest, node.Web3For(0), registry.Address, ProvenEpochFixture.Publisher, "ETH", 8, FeedMeasure.Coverage));
    }
}
