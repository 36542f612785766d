using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Assets;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Prover;
using Aggregator.Proving;
using Aggregator.Testing;
using Nethereum.Hex.HexTypes;
using Nethereum.Web3;
using Xunit.Abstractions;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>
/// The Proof-of-Reserve feed on a real node over a registry holding real proofs, read as Aave's reserve
/// check reads it: backed at or below the proven reserves, unbacked one unit above, never a revert.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class ReserveFeedTests(AnvilNode node, ProvenEpochFixture epoch, ITestOutputHelper output)
{
    private static readonly string Artifacts = RepositoryPaths.Combine("contracts", "artifacts");

    // The proven epoch's USDC reserves: 2,000,000 USDC, 2,000,000,000,000 units at 6 decimals.
    private static readonly BigInteger ProvenUsdc = 2_000_000_000_000;

    private Web3 Owner => node.Web3For(0);

    private const ulong Window = WindowedRegistry.Window;

    // A registry with the publisher's windows announced, the chain past the first one's end (the epoch).
    private async Task<(SolvencyRegistryClient Client, string Registry, ulong Epoch)> FreshRegistry(ulong publicationDelay = 3_600)
    {
        var registry = await WindowedRegistry.DeployAsync(node, publicationDelay);
        await node.MinePastAsync(registry.FirstEnd);
        return (registry.As(node, 0), registry.Address, registry.FirstEnd);
    }

    private static async Task Publish(SolvencyRegistryClient registry, string directory)
    {
        var manifest = EpochDirectory.ReadManifest(directory);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        await registry.PublishAsync(manifest.Epoch, commitment, paramsHash, reserves, proof);
    }

    // The proven epoch's tree under other parameters or another epoch, proved solvent natively for the reserves given.
    private async Task<string> ProvedEpoch(ulong number, string usdc, CommitmentParameters? parameters = null)
    {
        var directory = Path.Combine(epoch.Workspace, $"feed-{Guid.NewGuid():N}");
        var tree = parameters is null ? epoch.Tree : MerkleSumTree.Build(parameters, LedgerCsv.Read(RepositoryPaths.Combine("samples", "ledger.csv"), parameters), EpochSecret.ParseHex(ProvenEpochFixture.SecretHex));
        EpochDirectory.Write(directory, tree, EpochSecret.ParseHex(ProvenEpochFixture.SecretHex), number, PublisherAddress.Parse(ProvenEpochFixture.Publisher), DateTimeOffset.UnixEpoch);
        var reserves = Path.Combine(directory, "reserves-given.json");
        await File.WriteAllTextAsync(reserves, $$"""{ "reserves": { "BTC": "10", "ETH": "200.5", "SOL": "1342.500001", "USDC": "{{usdc}}" } }""");
        var keys = RepositoryPaths.Combine("circuits", "keys");
        using var native = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(keys), null);
        Assert.True((await new EpochProofs(native).ProveSolvencyAsync(directory, reserves)).Solvent);
        return directory;
    }

    private async Task<string> Token(BigInteger supply)
    {
        var token = await ContractArtifact.DeployAsync(Owner, Artifacts, "TestToken", ["USD Coin", "USDC", (byte)6, false]);
        await Mint(token, supply);
        return token;
    }

    private async Task Mint(string token, BigInteger amount)
    {
        var (abi, _) = await ContractArtifact.LoadAsync(Artifacts, "TestToken");
        await Owner.Eth.GetContract(abi, token).GetFunction("mint").SendTransactionAndWaitForReceiptAsync(
            Owner.TransactionManager.Account.Address, new HexBigInteger(200_000), null, null, Owner.TransactionManager.Account.Address, amount);
    }

    private async Task<bool> Backed(string check, string token, string feed)
    {
        var (abi, _) = await ContractArtifact.LoadAsync(Artifacts, "ReserveCheck");
        var answer = await Owner.Eth.GetContract(abi, check).GetFunction("areAllReservesBacked")
            .CallDecodingToDefaultAsync(new List<string> { token }, new List<string> { feed });
        return (bool)answer[0].Result;
    }

    [Fact]
    public async Task A_reserve_check_reads_backed_up_to_the_proven_reserves_and_unbacked_one_unit_above()
    {
        var (registry, address, first) = await FreshRegistry();
        // Nothing published with this layout yet: no feed can be bound to it.
        var unpublished = await Assert.ThrowsAsync<Core.Errors.InputException>(() => ReserveFeeds.BindingAsync(epoch.ManifestPath, Owner, address, ProvenEpochFixture.Publisher, "USDC", 6));
        Assert.Contains("holds no publication", unpublished.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Core.Errors.InputException>(() => ReserveFeeds.BindingAsync(epoch.ManifestPath, Owner, address, ProvenEpochFixture.Publisher, "DOGE", 6));
        var published = await ProvedEpoch(first, "2000000");
        await Publish(registry, published);
        var feed = await ReserveFeeds.DeployAsync(Path.Combine(published, EpochDirectory.ManifestFile), Owner, address, ProvenEpochFixture.Publisher, "USDC", 6);
        var client = new ReserveFeedClient(Owner, feed);
        var latest = await client.LatestRoundAsync();
        Assert.Equal((BigInteger.One, ProvenUsdc, BigInteger.One), (latest.RoundId, latest.Answer, latest.AnsweredInRound));
        var block = await Owner.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
        Assert.InRange(latest.UpdatedAt, block.Timestamp.Value - 60, block.Timestamp.Value);
        Assert.Equal((byte)6, await client.DecimalsAsync());
        var check = await ContractArtifact.DeployAsync(Owner, Artifacts, "ReserveCheck", []);
        var token = await Token(ProvenUsdc);
        Assert.True(await Backed(check, token, feed));
        await Mint(token, 1);
        Assert.False(await Backed(check, token, feed));
        var gas = await client.LatestRoundGasAsync();
        output.WriteLine($"latestRoundData gas: {gas}");
        Assert.InRange(gas, 21_000, 60_000);
    }

    [Fact]
    public async Task With_nothing_published_the_feed_answers_negative_and_the_check_reads_unbacked_without_reverting()
    {
        var (registry, address, first) = await FreshRegistry();
        // A feed deployed directly (the CLI refuses a layout not yet published): -1, round 0.
        var paramsHash = BigInteger.Parse(EpochDirectory.ReadManifestFile(epoch.ManifestPath).ParamsHash, CultureInfo.InvariantCulture);
        var feed = await ReserveFeedClient.DeployAsync(Owner, new ReserveFeedClient.Binding(address, ProvenEpochFixture.Publisher, paramsHash, 3, 6, 6, "USDC"));
        var latest = await new ReserveFeedClient(Owner, feed).LatestRoundAsync();
        Assert.Equal((BigInteger.Zero, BigInteger.MinusOne), (latest.RoundId, latest.Answer));
        var check = await ContractArtifact.DeployAsync(Owner, Artifacts, "ReserveCheck", []);
        Assert.False(await Backed(check, await Token(0), feed));
        await Publish(registry, await ProvedEpoch(first, "2000000"));
        Assert.Equal(ProvenUsdc, (await new ReserveFeedClient(Owner, feed).LatestRoundAsync()).Answer);
    }

    [Fact]
    public async Task A_missed_window_turns_the_feed_negative_until_a_later_window_is_published_and_anyone_can_record_it()
    {
        // Publications are due 60 s after their window.
        var (registry, address, first) = await FreshRegistry(publicationDelay: 60);
        var published = await ProvedEpoch(first, "2000000");
        await Publish(registry, published);
        var feed = await ReserveFeeds.DeployAsync(Path.Combine(published, EpochDirectory.ManifestFile), Owner, address, ProvenEpochFixture.Publisher, "USDC", 6);
        var client = new ReserveFeedClient(Owner, feed);
        var check = await ContractArtifact.DeployAsync(Owner, Artifacts, "ReserveCheck", []);
        var token = await Token(ProvenUsdc);
        Assert.True(await Backed(check, token, feed));

        // The next window ends and its deadline passes with nothing published: the feed's figure is stale.
        var missed = first + Window;
        Assert.Equal(EpochStatus.Open, await registry.StatusOfAsync(ProvenEpochFixture.Publisher, missed));
        await node.MinePastAsync(missed + 60);
        Assert.Equal(EpochStatus.Missed, await registry.StatusOfAsync(ProvenEpochFixture.Publisher, missed));
        Assert.Equal(missed, await registry.LatestDueAsync(ProvenEpochFixture.Publisher));
        var stale = await client.LatestRoundAsync();
        Assert.Equal((BigInteger.One, BigInteger.MinusOne), (stale.RoundId, stale.Answer));
        Assert.False(await Backed(check, token, feed));
        // Too late to publish it; anyone may record it, once.
        var late = await Assert.ThrowsAsync<RegistryRejectedException>(async () => await Publish(registry, await ProvedEpoch(missed, "2000000")));
        Assert.Contains("PublicationLate", late.Message, StringComparison.Ordinal);
        var stranger = new SolvencyRegistryClient(node.Web3For(2), address, node.Web3For(2).TransactionManager.Account.Address);
        var marked = await stranger.MarkMissedAsync(ProvenEpochFixture.Publisher, missed);
        Assert.Single(marked.Logs);
        Assert.Contains("NotMissed", (await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.MarkMissedAsync(ProvenEpochFixture.Publisher, missed))).Message, StringComparison.Ordinal);
        Assert.Contains("NotMissed", (await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.MarkMissedAsync(ProvenEpochFixture.Publisher, first))).Message, StringComparison.Ordinal);

        // The window after it is published in time (the missed one is skipped, as the registry records): backed again.
        await Publish(registry, await ProvedEpoch(missed + Window, "2000000"));
        var after = await client.LatestRoundAsync();
        Assert.Equal((new BigInteger(2), ProvenUsdc), (after.RoundId, after.Answer));
        Assert.True(await Backed(check, token, feed));
    }

    [Fact]
    public async Task A_new_epoch_moves_the_answer_past_rounds_stay_readable_and_another_layout_is_never_reported()
    {
        var (registry, address, first) = await FreshRegistry();
        var published = await ProvedEpoch(first, "2000000");
        await Publish(registry, published);
        var feed = await ReserveFeeds.DeployAsync(Path.Combine(published, EpochDirectory.ManifestFile), Owner, address, ProvenEpochFixture.Publisher, "USDC", 2);
        var client = new ReserveFeedClient(Owner, feed);
        // 2,000,000 USDC at 2 decimals.
        Assert.Equal(new BigInteger(200_000_000), (await client.LatestRoundAsync()).Answer);
        await node.MinePastAsync(first + (2 * Window));
        await Publish(registry, await ProvedEpoch(first + Window, "2500000.129999"));
        var second = await client.LatestRoundAsync();
        // 2,500,000.129999 rounded down to 2 decimals.
        Assert.Equal((new BigInteger(2), new BigInteger(250_000_012)), (second.RoundId, second.Answer));
        // An epoch of another layout (BTC at 7 proof decimals: another paramsHash) with far larger USDC reserves.
        var other = new CommitmentParameters(20, [new(new AssetId("BTC"), 7), new(new AssetId("ETH"), 8), new(new AssetId("SOL"), 6), new(new AssetId("USDC"), 6)]);
        await Publish(registry, await ProvedEpoch(first + (2 * Window), "9000000", other));
        var after = await client.LatestRoundAsync();
        Assert.Equal((new BigInteger(2), new BigInteger(250_000_012)), (after.RoundId, after.Answer));
        Assert.Equal(new BigInteger(200_000_000), (await client.RoundAsync(1)).Answer);
        await Assert.ThrowsAnyAsync<Exception>(() => client.RoundAsync(3));
        await Assert.ThrowsAnyAsync<Exception>(() => client.RoundAsync(0));
    }
}
