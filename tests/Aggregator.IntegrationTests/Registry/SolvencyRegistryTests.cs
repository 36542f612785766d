using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Crypto.Groth16;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>The registry on a real node with real proofs: what it stores, and every way it refuses.</summary>
[Collection(EvmNodeTests.Name)]
public sealed class SolvencyRegistryTests
{
    private readonly AnvilNode _node;
    private readonly ProvenEpochFixture _epoch;

    public SolvencyRegistryTests(AnvilNode node, ProvenEpochFixture epoch)
    {
        _node = node;
        _epoch = epoch;
    }

    private const ulong Window = WindowedRegistry.Window;

    // A new registry owned by development account 0, which is also the epoch's publisher; account 1 is a
    // second authorized publisher (the one a replayed proof must not serve), with the same windows. The
    // chain is past the first window's end, and the books are proved for that epoch.
    private async Task<(SolvencyRegistryClient Publisher, SolvencyRegistryClient Other, string Registry, ulong Epoch, string Directory)> FreshRegistry(bool snarkjs = false)
    {
        Assert.Equal(ProvenEpochFixture.Publisher, _node.Web3For(0).TransactionManager.Account.Address, ignoreCase: true);
        var registry = await WindowedRegistry.DeployAsync(_node, publishers: [0, 1]);
        await _node.MinePastAsync(registry.FirstEnd);
        return (registry.As(_node, 0), registry.As(_node, 1), registry.Address, registry.FirstEnd, await _epoch.ProveForAsync(registry.FirstEnd, snarkjs));
    }

    [Fact]
    public async Task A_valid_solvency_proof_publishes_the_commitment()
    {
        // Proved by snarkjs here; by the native prover in the other tests: the on-chain verifier takes both.
        var (publisher, _, _, epoch, directory) = await FreshRegistry(snarkjs: true);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        var receipt = await publisher.PublishAsync(epoch, commitment, paramsHash, reserves, proof);
        Assert.Equal(1, (int)receipt.Status.Value);
        Assert.Single(receipt.Logs);
        var stored = await publisher.CommitmentOfAsync(ProvenEpochFixture.Publisher, epoch);
        Assert.Equal((commitment, paramsHash), (stored!.Commitment, stored.ParamsHash));
        Assert.Equal(reserves, await publisher.ReservesOfAsync(ProvenEpochFixture.Publisher, epoch));
        Assert.Equal(epoch, await publisher.LatestEpochAsync(ProvenEpochFixture.Publisher));
        Assert.Equal(EpochStatus.Published, await publisher.StatusOfAsync(ProvenEpochFixture.Publisher, epoch));
        Assert.Null(await publisher.CommitmentOfAsync(ProvenEpochFixture.Publisher, epoch + Window));
    }

    [Fact]
    public async Task Windows_are_announced_once_before_they_start_and_each_epoch_ends_one_published_after_it_in_order()
    {
        var owner = _node.Web3For(0);
        var address = await RegistryDeployment.DeployAsync(owner, Testing.RepositoryPaths.Combine("contracts", "artifacts"), 3_600);
        var registry = new SolvencyRegistryClient(owner, address, ProvenEpochFixture.Publisher);
        var first = ((await _node.ChainTimeAsync() / Window) + 3) * Window;
        var directory = await _epoch.ProveForAsync(first);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        Task<RegistryRejectedException> Refused(Func<Task> call) => Assert.ThrowsAsync<RegistryRejectedException>(call);

        Assert.Contains("NotAuthorized", (await Refused(() => registry.AnnounceAsync("Example Custody Ltd", Window, first, 4))).Message, StringComparison.Ordinal);
        await registry.SetPublisherAsync(ProvenEpochFixture.Publisher, true);
        Assert.Contains("NotAnnounced", (await Refused(() => registry.PublishAsync(first, commitment, paramsHash, reserves, proof))).Message, StringComparison.Ordinal);
        // A window already started (the institution would know what it looked like), no samples, too many, no name.
        var now = await _node.ChainTimeAsync();
        Assert.Contains("InvalidWindow", (await Refused(() => registry.AnnounceAsync("Example Custody Ltd", Window, now + 10, 4))).Message, StringComparison.Ordinal);
        Assert.Contains("InvalidWindow", (await Refused(() => registry.AnnounceAsync("Example Custody Ltd", Window, first, 0))).Message, StringComparison.Ordinal);
        Assert.Contains("InvalidWindow", (await Refused(() => registry.AnnounceAsync("Example Custody Ltd", Window, first, 65))).Message, StringComparison.Ordinal);
        Assert.Contains("InvalidWindow", (await Refused(() => registry.AnnounceAsync("", Window, first, 4))).Message, StringComparison.Ordinal);
        await registry.AnnounceAsync("Example Custody Ltd", Window, first, 4);
        Assert.Equal(new AnnouncedWindow("Example Custody Ltd", Window, first, 4), await registry.WindowOfAsync(ProvenEpochFixture.Publisher));
        Assert.Contains("AlreadyAnnounced", (await Refused(() => registry.AnnounceAsync("Example Custody Ltd", 3600, first + 3600, 8))).Message, StringComparison.Ordinal);

        // Before its window ends, an epoch is refused; so is a time that ends no window.
        Assert.Contains("EpochInFuture", (await Refused(() => registry.PublishAsync(first, commitment, paramsHash, reserves, proof))).Message, StringComparison.Ordinal);
        await _node.MinePastAsync(first + Window);
        Assert.Contains("NotAWindowEnd", (await Refused(() => registry.PublishAsync(first + 1, commitment, paramsHash, reserves, proof))).Message, StringComparison.Ordinal);
        Assert.Contains("NotAWindowEnd", (await Refused(() => registry.PublishAsync(first - Window, commitment, paramsHash, reserves, proof))).Message, StringComparison.Ordinal);
        // Two windows have ended: the later one may not be published while the earlier one still can be.
        var second = await _epoch.ProveForAsync(first + Window);
        var (commitment2, paramsHash2, reserves2, proof2) = SolvencyArguments.Read(second);
        Assert.Contains("WindowSkipped", (await Refused(() => registry.PublishAsync(first + Window, commitment2, paramsHash2, reserves2, proof2))).Message, StringComparison.Ordinal);
        await registry.PublishAsync(first, commitment, paramsHash, reserves, proof);
        await registry.PublishAsync(first + Window, commitment2, paramsHash2, reserves2, proof2);
        Assert.Equal(first + Window, await registry.LatestEpochAsync(ProvenEpochFixture.Publisher));
    }

    [Fact]
    public async Task A_tampered_proof_is_rejected()
    {
        var (publisher, _, _, epoch, directory) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        var swapped = proof.ToArray();
        (swapped[6], swapped[7]) = (proof[0], proof[1]); // pi_c := pi_a, a valid point but the wrong one
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(epoch, commitment, paramsHash, reserves, swapped));
        Assert.Contains("InvalidSolvencyProof", error.Message);
        var higherReserves = reserves.ToArray();
        higherReserves[0] += 1; // the proof is for other public signals
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(epoch, commitment, paramsHash, higherReserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(epoch, commitment, paramsHash + 1, reserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);
    }

    [Fact]
    public async Task A_proof_replayed_under_another_epoch_or_by_another_publisher_is_rejected()
    {
        var (publisher, other, _, epoch, directory) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => other.PublishAsync(epoch, commitment, paramsHash, reserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);

        await publisher.PublishAsync(epoch, commitment, paramsHash, reserves, proof);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(epoch, commitment, paramsHash, reserves, proof));
        Assert.Contains("EpochNotIncreasing", error.Message);
        await _node.MinePastAsync(epoch + Window);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(epoch + Window, commitment, paramsHash, reserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);
    }

    [Fact]
    public async Task An_epoch_in_the_future_is_rejected_so_no_epoch_locks_a_publisher_out()
    {
        var (publisher, _, _, epoch, directory) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        var later = epoch + (1000 * Window); // a window end whose window has not ended
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(later, commitment, paramsHash, reserves, proof));
        Assert.Contains("EpochInFuture", error.Message);
        Assert.Equal(EpochStatus.Open, await publisher.StatusOfAsync(ProvenEpochFixture.Publisher, later));
        Assert.Equal(0UL, await publisher.LatestEpochAsync(ProvenEpochFixture.Publisher));
        await publisher.PublishAsync(epoch, commitment, paramsHash, reserves, proof);
    }

    [Fact]
    public async Task A_foreign_publisher_is_rejected()
    {
        var (_, _, registry, epoch, directory) = await FreshRegistry();
        var web3 = _node.Web3For(2);
        var stranger = new SolvencyRegistryClient(web3, registry, web3.TransactionManager.Account.Address);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.PublishAsync(epoch, commitment, paramsHash, reserves, proof));
        Assert.Contains("NotAuthorized", error.Message);
    }

    [Fact]
    public async Task An_inclusion_proof_checks_on_chain_against_the_stored_commitment()
    {
        var (publisher, _, _, epoch, directory) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        await publisher.PublishAsync(epoch, commitment, paramsHash, reserves, proof);
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "alice.json")))!;
        var leaf = BigInteger.Parse(file["leafHash"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var inclusion = SnarkjsJson.ReadProof(file["proof"]!.ToJsonString()).ToEvmWords();
        Assert.True(await publisher.VerifyInclusionAsync(ProvenEpochFixture.Publisher, epoch, leaf, inclusion));
        Assert.False(await publisher.VerifyInclusionAsync(ProvenEpochFixture.Publisher, epoch, leaf + 1, inclusion));
    }

    [Fact]
    public async Task The_cli_publishes_and_verify_checks_the_commitment_on_chain()
    {
        var (_, _, registry, epoch, directory) = await FreshRegistry();
        var keyFile = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, AnvilNode.DevelopmentKeys[0]);
        var otherKey = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(otherKey, AnvilNode.DevelopmentKeys[1]);

        var wrongKey = Cli("publish", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", registry, "--key-file", otherKey);
        Assert.Equal(2, wrongKey.Exit);
        Assert.Contains("committed to publisher " + ProvenEpochFixture.Publisher, wrongKey.Error, StringComparison.Ordinal);

        // The same node posing as Ethereum mainnet: development keys are refused there, before any transaction.
        using (var mainnet = new RewritingProxy(new Uri(_node.RpcUrl), (method, result) => method == "eth_chainId" ? JsonValue.Create("0x1") : result))
        {
            var refused = Cli("publish", "--epoch", directory, "--rpc", mainnet.Url.ToString(), "--registry", registry, "--key-file", keyFile);
            Assert.Equal(2, refused.Exit);
            Assert.Contains("the keys are insecure (", refused.Error, StringComparison.Ordinal);
            Assert.Contains("inclusion_20_4: no ceremony transcript", refused.Error, StringComparison.Ordinal);
            Assert.Contains("chain 1 is not a local development chain", refused.Error, StringComparison.Ordinal);
            Assert.Equal(0, mainnet.Calls("eth_sendRawTransaction") + mainnet.Calls("eth_call"));
        }

        var publish = Cli("publish", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", registry, "--key-file", keyFile);
        Assert.True(publish.Exit == 0, publish.Error);
        Assert.Contains("do not come from a ceremony that meets the rules", publish.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(AnvilNode.DevelopmentKeys[0][2..], publish.Output + publish.Error, StringComparison.OrdinalIgnoreCase);
        var manifest = EpochDirectory.ReadManifest(directory);
        Assert.Equal("eip155:31337", manifest.Publication!.Chain);
        Assert.StartsWith("0x", manifest.Publication.TransactionHash);
        // The block and its time are recorded: what the API lists and a feed reports as updatedAt.
        var receipt = await _node.Web3For(0).Eth.Transactions.GetTransactionReceipt.SendRequestAsync(manifest.Publication.TransactionHash);
        Assert.Equal((ulong)receipt.BlockNumber.Value, manifest.Publication.Block);
        Assert.NotNull(manifest.Publication.BlockTime);

        var verify = Cli("verify", "solvency", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", registry);
        Assert.True(verify.Exit == 4, verify.Output + verify.Error); // the registry agrees; this epoch carries no reserves evidence to re-read
        Assert.Contains("ok: the registry", verify.Output);
        Assert.Contains("NOT CHECKED: reserves: the epoch directory carries no evidence", verify.Output);

        var alice = Path.Combine(directory, "alice.json");
        var inclusion = Cli("verify", "inclusion", "--proof", alice, "--rpc", _node.RpcUrl, "--registry", registry,
            "--publisher", ProvenEpochFixture.Publisher, "--epoch", epoch.ToString(CultureInfo.InvariantCulture));
        Assert.True(inclusion.Exit == 0, inclusion.Output + inclusion.Error);
        Assert.EndsWith("VALID", inclusion.Output.Trim());
        var unpublished = Cli("verify", "inclusion", "--proof", alice, "--rpc", _node.RpcUrl, "--registry", registry,
            "--publisher", ProvenEpochFixture.Publisher, "--epoch", (epoch + Window).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(2, unpublished.Exit);
        Assert.DoesNotContain("VALID", unpublished.Output, StringComparison.Ordinal);

        // Asked again (a close that crashed after its transaction was mined): found on chain and recorded, not sent twice.
        var transaction = manifest.Publication.TransactionHash;
        EpochDirectory.UpdateManifest(directory, manifest with { Publication = null });
        var again = Cli("publish", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", registry, "--key-file", keyFile);
        Assert.True(again.Exit == 0, again.Error);
        Assert.Equal(transaction, EpochDirectory.ReadManifest(directory).Publication!.TransactionHash);
    }

    [Fact]
    public async Task The_cli_announces_windows_shows_where_they_stand_and_anyone_records_a_missed_one()
    {
        var owner = _node.Web3For(0);
        var registry = await RegistryDeployment.DeployAsync(owner, Testing.RepositoryPaths.Combine("contracts", "artifacts"), publicationDelay: 60);
        var client = new SolvencyRegistryClient(owner, registry, ProvenEpochFixture.Publisher);
        await client.SetPublisherAsync(ProvenEpochFixture.Publisher, true);
        var keyFile = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, AnvilNode.DevelopmentKeys[0]);
        var strangerKey = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(strangerKey, AnvilNode.DevelopmentKeys[2]);
        string[] at = ["--rpc", _node.RpcUrl, "--registry", registry];

        var announced = Cli(["registry", "announce", .. at, "--key-file", keyFile, "--institution", "Example Custody Ltd", "--window", "60", "--samples", "4"]);
        Assert.True(announced.Exit == 0, announced.Error);
        Assert.Contains($"announced for {ProvenEpochFixture.Publisher}: windows of 60 s", announced.Output, StringComparison.OrdinalIgnoreCase);
        var window = (await client.WindowOfAsync(ProvenEpochFixture.Publisher))!;
        Assert.Equal((60UL, 4, 0UL), (window.Length, window.Samples, window.FirstEnd % 60));
        Assert.True(window.FirstEnd - 60 >= await _node.ChainTimeAsync(), "the first window has not started");
        var again = Cli(["registry", "announce", .. at, "--key-file", keyFile, "--institution", "Other", "--window", "3600"]);
        Assert.Equal(1, again.Exit);
        Assert.Contains("AlreadyAnnounced", again.Error, StringComparison.Ordinal);

        var status = Cli(["registry", "status", .. at, "--publisher", ProvenEpochFixture.Publisher]);
        Assert.True(status.Exit == 0, status.Output + status.Error);
        Assert.Contains("Example Custody Ltd", status.Output, StringComparison.Ordinal);
        Assert.Contains("latest published epoch: none", status.Output, StringComparison.Ordinal);

        // The first window ends and its deadline passes unpublished: missed, and anyone may record it, once.
        await _node.MinePastAsync(window.FirstEnd + 60);
        var missed = Cli(["registry", "status", .. at, "--publisher", ProvenEpochFixture.Publisher]);
        Assert.Equal(1, missed.Exit);
        Assert.Contains($"MISSED: epoch {window.FirstEnd} was not published before its deadline", missed.Output, StringComparison.Ordinal);
        var marked = Cli(["registry", "mark-missed", .. at, "--key-file", strangerKey, "--publisher", ProvenEpochFixture.Publisher, "--epoch", window.FirstEnd.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(marked.Exit == 0, marked.Error);
        Assert.True(await client.StatusOfAsync(ProvenEpochFixture.Publisher, window.FirstEnd) == EpochStatus.Missed);
        var twice = Cli(["registry", "mark-missed", .. at, "--key-file", strangerKey, "--publisher", ProvenEpochFixture.Publisher, "--epoch", window.FirstEnd.ToString(CultureInfo.InvariantCulture)]);
        Assert.Equal(1, twice.Exit);
        Assert.Contains("NotMissed", twice.Error, StringComparison.Ordinal);
        Assert.Equal(2, Cli(["registry", "status", "--rpc", _node.RpcUrl, "--registry", "0x12", "--publisher", ProvenEpochFixture.Publisher]).Exit);
    }

    [Fact]
    public async Task Disputes_are_filed_by_anyone_answered_by_the_publisher_shown_by_the_verifiers_and_closed_after_30_days()
    {
        var (publisher, _, registry, epoch, directory) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        var statement = "my inclusion proof for this epoch does not verify";
        var stranger = new SolvencyRegistryClient(_node.Web3For(2), registry, _node.Web3For(2).TransactionManager.Account.Address);
        Assert.Contains("DisputesClosed", (await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.DisputeAsync(ProvenEpochFixture.Publisher, epoch, new byte[32]))).Message, StringComparison.Ordinal);
        await publisher.PublishAsync(epoch, commitment, paramsHash, reserves, proof);
        var feed = await ReserveFeedClient.DeployAsync(_node.Web3For(0), new ReserveFeedClient.Binding(registry, ProvenEpochFixture.Publisher, paramsHash, 3, 6, 6, "USDC"));
        var backed = (await new ReserveFeedClient(_node.Web3For(0), feed).LatestRoundAsync()).Answer;

        // Anyone files, from any address: only the salted hash goes on chain.
        var filerKey = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(filerKey, AnvilNode.DevelopmentKeys[2]);
        string[] at = ["--rpc", _node.RpcUrl, "--registry", registry, "--epoch", epoch.ToString(CultureInfo.InvariantCulture)];
        var filed = Cli(["dispute", "file", .. at, "--key-file", filerKey, "--publisher", ProvenEpochFixture.Publisher, "--statement", statement]);
        Assert.True(filed.Exit == 0, filed.Error);
        var salt = Convert.FromHexString(filed.Output.Split('\n').Single(l => l.StartsWith("salt: 0x", StringComparison.Ordinal))[8..].Trim());
        var disputes = await publisher.DisputesAsync(ProvenEpochFixture.Publisher, epoch);
        Assert.Equal(FiledDispute.Hash(salt, statement), Assert.Single(disputes).Statement);
        Assert.Equal(_node.Web3For(2).TransactionManager.Account.Address, disputes[0].Filer, ignoreCase: true);
        Assert.DoesNotContain(statement, string.Join(' ', disputes.Select(d => Convert.ToHexString(d.Statement))), StringComparison.Ordinal);

        // Only the publisher answers, once.
        Assert.Contains("DisputesClosed", (await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.AnswerDisputeAsync(epoch, 0, [1, .. new byte[31]]))).Message, StringComparison.Ordinal);
        var keyFile = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, AnvilNode.DevelopmentKeys[0]);
        var answered = Cli(["dispute", "answer", .. at, "--key-file", keyFile, "--index", "0", "--statement", "the account's file was re-sent on 6 December"]);
        Assert.True(answered.Exit == 0, answered.Error);
        Assert.Contains("NoSuchDispute", Cli(["dispute", "answer", .. at, "--key-file", keyFile, "--index", "0", "--statement", "again"]).Error, StringComparison.Ordinal);
        var list = Cli(["dispute", "list", .. at, "--publisher", ProvenEpochFixture.Publisher]);
        Assert.Contains("1 disputes of epoch", list.Output, StringComparison.Ordinal);
        Assert.Contains("answered 0x", list.Output, StringComparison.Ordinal);

        // Verifiers show the count; a feed never moves on a dispute.
        var inclusion = Cli("verify", "inclusion", "--proof", Path.Combine(directory, "alice.json"), "--rpc", _node.RpcUrl, "--registry", registry,
            "--publisher", ProvenEpochFixture.Publisher, "--epoch", epoch.ToString(CultureInfo.InvariantCulture));
        Assert.True(inclusion.Exit == 0, inclusion.Output + inclusion.Error);
        Assert.Contains($"disputes: 1 filed against epoch {epoch}, 1 answered", inclusion.Output, StringComparison.Ordinal);
        Assert.Equal(backed, (await new ReserveFeedClient(_node.Web3For(0), feed).LatestRoundAsync()).Answer);

        // Thirty days after the publication, the record is closed.
        await _node.MinePastAsync(await _node.ChainTimeAsync() + (30 * 86_400), oneBlock: true);
        Assert.Contains("DisputesClosed", (await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.DisputeAsync(ProvenEpochFixture.Publisher, epoch, new byte[32]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_to_an_address_without_a_registry_fails_instead_of_saying_published()
    {
        var directory = _epoch.CopyOfEpoch();
        var keyFile = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, AnvilNode.DevelopmentKeys[0]);
        foreach (var nowhere in new[] { "0x00000000000000000000000000000000000000aa", "0x0000000000000000000000000000000000000001" }) // no code; a precompile
        {
            var publish = Cli("publish", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", nowhere, "--key-file", keyFile);
            Assert.Equal(1, publish.Exit);
            Assert.Contains($"there is no contract at {nowhere}", publish.Error, StringComparison.Ordinal);
            Assert.Null(EpochDirectory.ReadManifest(directory).Publication);
        }
    }

    private static (int Exit, string Output, string Error) Cli(params string[] args) => CliRunner.Run(args);
}
