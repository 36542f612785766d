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

    private (BigInteger Root, BigInteger[] Reserves, BigInteger[] Proof) SolvencyArguments()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(_epoch.EpochDirectory, EpochProofs.SolvencyProofFile)))!;
        var signals = document["publicSignals"]!.AsArray().Select(s => BigInteger.Parse(s!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray();
        return (signals[0], signals[1..], SolidityCalldata.Proof(document["proof"]!.ToJsonString()));
    }

    private async Task<(SolvencyRegistryClient Publisher, string Registry)> FreshRegistry()
    {
        var owner = _node.Web3For(0);
        var registry = await RegistryDeployment.DeployAsync(owner, Testing.RepositoryPaths.Combine("contracts", "artifacts"));
        var web3 = _node.Web3For(1);
        await new SolvencyRegistryClient(owner, registry, owner.TransactionManager.Account.Address).SetPublisherAsync(web3.TransactionManager.Account.Address, true);
        return (new SolvencyRegistryClient(web3, registry, web3.TransactionManager.Account.Address), registry);
    }

    [Fact]
    public async Task A_valid_solvency_proof_publishes_the_root()
    {
        var (publisher, _) = await FreshRegistry();
        var (root, reserves, proof) = SolvencyArguments();
        var receipt = await publisher.PublishAsync(1, root, reserves, proof);
        Assert.Equal(1, (int)receipt.Status.Value);
        Assert.Single(receipt.Logs);
        var address = _node.Web3For(1).TransactionManager.Account.Address;
        Assert.Equal(root, await publisher.RootOfAsync(address, 1));
        Assert.Equal(1UL, await publisher.LatestEpochAsync(address));
        Assert.Null(await publisher.RootOfAsync(address, 2));
    }

    [Fact]
    public async Task A_tampered_proof_is_rejected()
    {
        var (publisher, _) = await FreshRegistry();
        var (root, reserves, proof) = SolvencyArguments();
        var swapped = proof.ToArray();
        (swapped[6], swapped[7]) = (proof[0], proof[1]); // pi_c := pi_a, a valid point but the wrong one
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(1, root, reserves, swapped));
        Assert.Contains("InvalidSolvencyProof", error.Message);
        var higherReserves = reserves.ToArray();
        higherReserves[0] += 1; // the proof is for other public signals
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(1, root, higherReserves, proof));
        Assert.Contains("InvalidSolvencyProof", error.Message);
    }

    [Fact]
    public async Task A_replayed_epoch_is_rejected()
    {
        var (publisher, _) = await FreshRegistry();
        var (root, reserves, proof) = SolvencyArguments();
        await publisher.PublishAsync(5, root, reserves, proof);
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(5, root, reserves, proof));
        Assert.Contains("EpochNotIncreasing", error.Message);
        error = await Assert.ThrowsAsync<RegistryRejectedException>(() => publisher.PublishAsync(4, root, reserves, proof));
        Assert.Contains("EpochNotIncreasing", error.Message);
    }

    [Fact]
    public async Task A_foreign_publisher_is_rejected()
    {
        var (_, registry) = await FreshRegistry();
        var web3 = _node.Web3For(2);
        var stranger = new SolvencyRegistryClient(web3, registry, web3.TransactionManager.Account.Address);
        var (root, reserves, proof) = SolvencyArguments();
        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.PublishAsync(1, root, reserves, proof));
        Assert.Contains("NotAuthorized", error.Message);
    }

    [Fact]
    public async Task An_inclusion_proof_checks_on_chain_against_the_stored_root()
    {
        var (publisher, _) = await FreshRegistry();
        var (root, reserves, proof) = SolvencyArguments();
        await publisher.PublishAsync(1, root, reserves, proof);
        var file = JsonNode.Parse(File.ReadAllText(_epoch.InclusionPath))!;
        var leaf = BigInteger.Parse(file["leafHash"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var inclusion = SolidityCalldata.Proof(file["proof"]!.ToJsonString());
        var address = _node.Web3For(1).TransactionManager.Account.Address;
        Assert.True(await publisher.VerifyInclusionAsync(address, 1, leaf, inclusion));
        Assert.False(await publisher.VerifyInclusionAsync(address, 1, leaf + 1, inclusion));
    }

    [Fact]
    public async Task The_cli_publishes_and_verify_checks_the_root_on_chain()
    {
        var (_, registry) = await FreshRegistry();
        var directory = Path.Combine(_epoch.Workspace, $"cli-{Guid.NewGuid():N}");
        CopyDirectory(_epoch.EpochDirectory, directory);
        var keyFile = Path.Combine(_epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, AnvilNode.DevelopmentKeys[1]);

        var publish = Cli("publish", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", registry, "--key-file", keyFile);
        Assert.True(publish.Exit == 0, publish.Error);
        Assert.DoesNotContain(AnvilNode.DevelopmentKeys[1][2..], publish.Output + publish.Error, StringComparison.OrdinalIgnoreCase);
        var manifest = EpochDirectory.ReadManifest(directory);
        Assert.Equal("eip155:31337", manifest.Publication!.Chain);
        Assert.StartsWith("0x", manifest.Publication.TransactionHash);

        var verify = Cli("verify", "solvency", "--epoch", directory, "--vkey", _epoch.SolvencyVerificationKey, "--rpc", _node.RpcUrl, "--registry", registry);
        Assert.True(verify.Exit == 0, verify.Output + verify.Error);
        Assert.Contains("the registry", verify.Output);
        Assert.EndsWith("VALID", verify.Output.Trim());

        var again = Cli("publish", "--epoch", directory, "--rpc", _node.RpcUrl, "--registry", registry, "--key-file", keyFile);
        Assert.Equal(1, again.Exit);
        Assert.Contains("EpochNotIncreasing", again.Error);
    }

    private static (int Exit, string Output, string Error) Cli(params string[] args) => CliRunner.Run(args);

    private static void CopyDirectory(string source, string target)
    {
        foreach (var directory in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(source, target, StringComparison.Ordinal));
        }
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(source, target, StringComparison.Ordinal));
        }
    }
}
