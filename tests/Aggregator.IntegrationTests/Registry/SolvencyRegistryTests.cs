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

    private const ulong Epoch = ProvenEpochFixture.Epoch;

    private (BigInteger Commitment, BigInteger ParamsHash, BigInteger[] Reserves, BigInteger[] Proof) SolvencyArguments(string? epochDirectory = null)
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(epochDirectory ?? _epoch.EpochDirectory, EpochProofs.SolvencyProofFile)))!;
        var signals = document["publicSignals"]!.AsArray().Select(s => BigInteger.Parse(s!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray();
        // [commitment, paramsHash, epoch, publisher, reserves...]: the registry supplies epoch and publisher itself.
        return (signals[0], signals[1], signals[4..], SnarkjsJson.ReadProof(document["proof"]!.ToJsonString()).ToEvmWords());
    }

    // A new registry owned by development account 0, which is also the epoch's publisher; account 1 is a
    // second authorized publisher (the one a replayed proof must not serve).
    private async Task<(SolvencyRegistryClient Publisher, SolvencyRegistryClient Other, string Registry)> FreshRegistry()
    {
        var owner = _node.Web3For(0);
        Assert.Equal(ProvenEpochFixture.Publisher, owner.TransactionManager.Account.Address, ignoreCase: true);
        var registry = await RegistryDeployment.DeployAsync(owner, Testing.RepositoryPaths.Combine("contracts", "artifacts"));
        var client = new SolvencyRegistryClient(owner, registry, owner.TransactionManager.Account.Address);
        await client.SetPublisherAsync(owner.TransactionManager.Account.Address, true);
        var other = _node.Web3For(1);
        await client.SetPublisherAsync(other.TransactionManager.Account.Address, true);
        return (client, new SolvencyRegistryClient(other, registry, other.TransactionManager.Account.Address), registry);
    }

    [Fact]
    public async Task A_valid_solvency_proof_publishes_the_commitment()
    {
        var (publisher, _, _) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments();
        var receipt = await publisher.PublishAsync(Epoch, commitment, paramsHash, reserves, proof);
        Assert.Equal(1, (int)receipt.Status.Value);
        Assert.Single(receipt.Logs);
        var stored = await publisher.CommitmentOfAsync(ProvenEpochFixture.Publisher, Epoch);
        Assert.Equal((commitment, paramsHash), (stored!.Commitment, stored.ParamsHash));
        Assert.Equal(reserves, await publisher.ReservesOfAsync(ProvenEpochFixture.Publisher, Epoch));
        Assert.Equal(Epoch, await publisher.LatestEpochAsync(ProvenEpochFixture.Publisher));
        Assert.Null(await publisher.CommitmentOfAsync(ProvenEpochFixture.Publisher, Epoch + 1));
    }

    [Fact]
    public async Task A_tampered_proof_is_rejected()
    {
        var (publisher, _, _) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments();
        var swapped = proof.ToArray();
        (swapped[6], swapped[7]) = (proof[0], proof[1]); // pi_c := pi_a, a valid point but the wrong one
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(Epoch, commitment, paramsHash, reserves, swapped));
        Assert.Contains("InvalidSolvencyProof", error.Message);
        var higherReserves = reserves.ToArray();
        higherReserves[0] += 1; // the proof is for other public signals
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(Epoch, commitment, paramsHash, higherReserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(Epoch, commitment, paramsHash + 1, reserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);
    }

    [Fact]
    public async Task A_proof_replayed_under_another_epoch_or_by_another_publisher_is_rejected()
    {
        var (publisher, other, _) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments();
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(Epoch + 1, commitment, paramsHash, reserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => other.PublishAsync(Epoch, commitment, paramsHash, reserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);

        await publisher.PublishAsync(Epoch, commitment, paramsHash, reserves, proof);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(Epoch, commitment, paramsHash, reserves, proof));
        Assert.Contains("EpochNotIncreasing", error.Message);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(Epoch - 1, commitment, paramsHash, reserves, proof));
        Assert.Contains("EpochNotIncreasing", error.Message);
    }

    [Fact]
    public async Task An_epoch_in_the_future_is_rejected_so_no_epoch_locks_a_publisher_out()
    {
        var (publisher, _, _) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments();
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(ulong.MaxValue, commitment, paramsHash, reserves, proof));
        Assert.Contains("EpochInFuture", error.Message);
        Assert.Equal(0UL, await publisher.LatestEpochAsync(ProvenEpochFixture.Publisher));
        await publisher.PublishAsync(Epoch, commitment, paramsHash, reserves, proof);
    }

    [Fact]
    public async Task A_foreign_publisher_is_rejected()
    {
        var (_, _, registry) = await FreshRegistry();
        var web3 = _node.Web3For(2);
        var stranger = new SolvencyRegistryClient(web3, registry, web3.TransactionManager.Account.Address);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments();
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.PublishAsync(Epoch, commitment, paramsHash, reserves, proof));
        Assert.Contains("NotAuthorized", error.Message);
    }

    [Fact]
    public async Task An_inclusion_proof_checks_on_chain_against_the_stored_commitment()
    {
        var (publisher, _, _) = await FreshRegistry();
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments();
        await publisher.PublishAsync(Epoch, commitment, paramsHash, reserves, proof);
        var file = JsonNode.Parse(File.ReadAllText(_epoch.InclusionPath))!;
        var leaf = BigInteger.Parse(file["leafHash"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var inclusion = SnarkjsJson.ReadProof(file["proof"]!.ToJsonString()).ToEvmWords();
        Assert.True(await publisher.VerifyInclusionAsync(ProvenEpochFixture.Publisher, Epoch, leaf, inclusion));
        Assert.False(await publisher.VerifyInclusionAsync(ProvenEpochFixture.Publisher, Epoch, leaf + 1, inclusion));
    }

    [Fact]
    public async Task Native_proofs_are_accepted_by_the_on_chain_verifiers()
    {
        var directory = _epoch.CopyOfEpoch();
        File.Delete(Path.Combine(directory, EpochProofs.SolvencyProofFile));
        var keys = RepositoryPaths.Combine("circuits", "keys");
        using var native = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(keys), null);
        var proofs = new EpochProofs(native);
        var reserves = Path.Combine(directory, "reserves-native.json");
        await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "10", "ETH": "200.5", "SOL": "1342.500001", "USDC": "2000000" } }""");
        Assert.True((await proofs.ProveSolvencyAsync(directory, reserves)).Solvent);
        var inclusionPath = await proofs.ProveInclusionAsync(directory, ProvenEpochFixture.Account, Path.Combine(directory, "alice-native.json"));

        var (publisher, _, _) = await FreshRegistry();
        var (commitment, paramsHash, reserveUnits, proof) = SolvencyArguments(directory);
        Assert.Equal(1, (int)(await publisher.PublishAsync(Epoch, commitment, paramsHash, reserveUnits, proof)).Status.Value);
        var file = JsonNode.Parse(File.ReadAllText(inclusionPath))!;
        var leaf = BigInteger.Parse(file["leafHash"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var inclusion = SnarkjsJson.ReadProof(file["proof"]!.ToJsonString()).ToEvmWords();
        Assert.True(await publisher.VerifyInclusionAsync(ProvenEpochFixture.Publisher, Epoch, leaf, inclusion));
        Assert.False(await publisher.VerifyInclusionAsync(ProvenEpochFixture.Publisher, Epoch, leaf + 1, inclusion));
    }

    [Fact]
    public async Task The_cli_publishes_and_verify_checks_the_commitment_on_chain()
    {
        var (_, _, registry) = await FreshRegistry();
        var directory = _epoch.CopyOfEpoch();
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
            Assert.Contains("insecure development keys; chain 1 is not a local development chain", refused.Error, StringComparison.Ordinal);
            Assert.Equal(0, mainnet.Calls("eth_sendRawTransaction") + mainnet.Calls("eth_call"));
        }

        var publish = Cli("publish", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", registry, "--key-file", keyFile);
        Assert.True(publish.Exit == 0, publish.Error);
        Assert.Contains("insecure development setup", publish.Error, StringComparison.Ordinal);
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

        var inclusion = Cli("verify", "inclusion", "--proof", _epoch.InclusionPath, "--rpc", _node.RpcUrl, "--registry", registry,
            "--publisher", ProvenEpochFixture.Publisher, "--epoch", Epoch.ToString(CultureInfo.InvariantCulture));
        Assert.True(inclusion.Exit == 0, inclusion.Output + inclusion.Error);
        Assert.EndsWith("VALID", inclusion.Output.Trim());
        var unpublished = Cli("verify", "inclusion", "--proof", _epoch.InclusionPath, "--rpc", _node.RpcUrl, "--registry", registry,
            "--publisher", ProvenEpochFixture.Publisher, "--epoch", (Epoch + 1).ToString(CultureInfo.InvariantCulture));
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
