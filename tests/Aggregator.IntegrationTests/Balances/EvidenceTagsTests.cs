using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Aggregator.IntegrationTests.Evm;
using Aggregator.IntegrationTests.Registry;
using Aggregator.Reserves;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Configuration;
using Aggregator.Reserves.Evidence;
using Aggregator.Reserves.Windows;
using Aggregator.Testing;
using Nethereum.Signer;

namespace Aggregator.IntegrationTests.Balances;

/// <summary>
/// Evidence tags on a real node and registry: a key-proven address and one attested by a custodian the
/// registry's owner registered are counted; a self-declared one is read and reported, never counted; a
/// custodian revoked before the window's end, or a statement another key signed, counts for nothing; and
/// the totals per tag are recomputed by the verifier against the custodians as they stood then.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class EvidenceTagsTests(AnvilNode node) : IDisposable
{
    private const string Institution = WindowedRegistry.Institution;
    private const int Samples = 4;
    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-evidence-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private static JsonObject KeyProven(EthECKey reserve, ulong epoch)
    {
        var text = new OwnershipMessage(Institution, ChainId.Evm(31337), reserve.GetPublicAddress(), epoch).Text;
        return new JsonObject { ["address"] = reserve.GetPublicAddress(), ["signedText"] = text, ["signature"] = new EthereumMessageSigner().EncodeUTF8AndSign(text, reserve) };
    }

    // A custody statement for `reserve`, naming `custodian` and signed by `signer` (the custodian's key, or another).
    private static JsonObject Custodied(string reserve, string custodian, EthECKey signer, ulong epoch)
    {
        var text = new OwnershipMessage(Institution, ChainId.Evm(31337), reserve, epoch, Custody: true).Text;
        return new JsonObject { ["address"] = reserve, ["signedText"] = text, ["signature"] = new EthereumMessageSigner().EncodeUTF8AndSign(text, signer), ["custodian"] = custodian };
    }

    private async Task<IReadOnlyList<ReserveChain>> Chains(params JsonObject[] addresses)
    {
        var multicall = await ContractArtifact.DeployAsync(node.Web3For(0), RepositoryPaths.Combine("contracts", "artifacts"), "Multicall3", []);
        var config = new JsonObject
        {
            ["institution"] = Institution,
            ["evm"] = new JsonArray(new JsonObject
            {
                ["name"] = "local", ["chainId"] = 31337, ["rpc"] = node.RpcUrl, ["confirmations"] = 1, ["multicall3"] = multicall,
                ["addresses"] = new JsonArray([.. addresses]),
            }),
        };
        var path = Path.Combine(_workspace, $"config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return ReserveChains.Open(ReservesConfigFile.Read(path), new HttpClient());
    }

    // A window of exactly Samples blocks ending at `end`, made final (anvil finalizes 64 blocks back).
    private async Task MineWindow(ulong start, ulong end)
    {
        for (var time = start; time <= end; time++)
        {
            await node.MineAtAsync(time);
        }
        await node.MineBlocksAsync(0x41);
    }

    [Fact]
    public async Task Key_proven_and_custodian_attested_reserves_count_self_declared_ones_are_reported_only_and_the_verifier_recomputes_each_tag()
    {
        var registry = await WindowedRegistry.DeployAsync(node, publishers: [0]);
        var (owner, publisher) = (registry.As(node, 0), registry.As(node, 1));
        var custodianKey = EthECKey.GenerateKey();
        var custodian = custodianKey.GetPublicAddress();
        // A publisher cannot make its own key a custodian: the owner registers custodians.
        Assert.Contains("NotOwner", (await Assert.ThrowsAsync<Chains.Evm.Registry.RegistryRejectedException>(() => publisher.RegisterCustodianAsync(custodian, "Friendly Vault"))).Message, StringComparison.Ordinal);
        // The owner registers it through the CLI, which shows it.
        var ownerKey = Path.Combine(_workspace, "owner.key");
        var custodianKeyFile = Path.Combine(_workspace, "custodian.key");
        await File.WriteAllTextAsync(ownerKey, AnvilNode.DevelopmentKeys[0]);
        await File.WriteAllTextAsync(custodianKeyFile, custodianKey.GetPrivateKey());
        var registered = CliRunner.Run(["custodian", "register", "--rpc", node.RpcUrl, "--registry", registry.Address, "--key-file", ownerKey, "--custodian", custodian, "--name", "Example Vault Trust"]);
        Assert.True(registered.Exit == 0, registered.Output + registered.Error);
        var shown = CliRunner.Run(["custodian", "show", "--rpc", node.RpcUrl, "--registry", registry.Address, "--custodian", custodian]);
        Assert.Equal(0, shown.Exit);
        Assert.Contains("custodian \"Example Vault Trust\"", shown.Output, StringComparison.Ordinal);
        Assert.Contains("CustodianKnown", (await Assert.ThrowsAsync<Chains.Evm.Registry.RegistryRejectedException>(() => owner.RegisterCustodianAsync(custodian, "again"))).Message, StringComparison.Ordinal);

        var (own, vaulted, declared) = (EthECKey.GenerateKey(), EthECKey.GenerateKey().GetPublicAddress(), EthECKey.GenerateKey().GetPublicAddress());
        var start = await node.ChainTimeAsync() + 100;
        var end = start + Samples;
        // The custodian signs its statement with the CLI, which prints the configuration's entry.
        var attested = CliRunner.Run(["custodian", "attest", "--key-file", custodianKeyFile, "--institution", Institution, "--chain", "eip155:31337", "--address", vaulted, "--epoch", end.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(attested.Exit == 0, attested.Output + attested.Error);
        var chains = await Chains(
            KeyProven(own, end),
            JsonNode.Parse(attested.Output)!.AsObject(),
            new JsonObject { ["address"] = declared, ["selfDeclared"] = true });
        await node.SetBalanceAsync(own.GetPublicAddress(), 10 * Ether);
        await node.SetBalanceAsync(vaulted, 20 * Ether);
        await node.SetBalanceAsync(declared, 40 * Ether);
        await MineWindow(start, end);
        var window = ReserveWindow.Ending(end, Samples, Samples);
        var atEnd = DateTimeOffset.FromUnixTimeSeconds((long)end);
        var custodians = await CustodianRegister.ReadAsync(owner, [custodian], atEnd);

        var outcome = await ReservesSweep.RunAsync(Institution, chains, end, window, custodians: custodians);
        Assert.Empty(outcome.Problems);
        Assert.Equal("30", outcome.Report.Reserves["ETH"]); // the self-declared 40 ETH are not counted
        Assert.Equal("10", outcome.Report.ByEvidence[ReserveEvidenceNames.KeyProven]["ETH"]);
        Assert.Equal("20", outcome.Report.ByEvidence[ReserveEvidenceNames.CustodianAttested]["ETH"]);
        Assert.Equal("40", outcome.Report.ByEvidence[ReserveEvidenceNames.SelfDeclared]["ETH"]);
        var evidence = outcome.Report.Chains[0].Addresses;
        Assert.Equal([ReserveEvidenceNames.KeyProven, ReserveEvidenceNames.CustodianAttested, ReserveEvidenceNames.SelfDeclared], evidence.Select(a => a.Evidence));
        Assert.Equal(custodian, evidence[1].Custodian);
        // The claims root is over the counted addresses only.
        Assert.Equal(Reserves.Claims.ClaimsTree.Of([(ChainId.Evm(31337), own.GetPublicAddress()), (ChainId.Evm(31337), vaulted)]).RootHex, outcome.Report.ClaimsRoot);

        // Revoked after the window: its statement still counts for that window, as the verifier judges it.
        Assert.Equal(0, CliRunner.Run(["custodian", "revoke", "--rpc", node.RpcUrl, "--registry", registry.Address, "--key-file", ownerKey, "--custodian", custodian]).Exit);
        Assert.Contains("REVOKED at", CliRunner.Run(["custodian", "show", "--rpc", node.RpcUrl, "--registry", registry.Address, "--custodian", custodian]).Output, StringComparison.Ordinal);
        var verified = await ReservesVerification.VerifyAsync(outcome.Report, Institution, chains, "reserves.json", await CustodianRegister.ReadAsync(owner, [custodian], atEnd));
        Assert.Empty(verified.Failures);
        // Without the registry a custody statement cannot be judged: the recomputed totals differ.
        var unjudged = await ReservesVerification.VerifyAsync(outcome.Report, Institution, chains, "reserves.json");
        Assert.Contains(unjudged.Failures, f => f.Contains("no registry was given", StringComparison.Ordinal));
        // A report whose tags were moved (the self-declared reserves shown as key-proven) is caught.
        var relabelled = outcome.Report with
        {
            ByEvidence = new(outcome.Report.ByEvidence) { [ReserveEvidenceNames.KeyProven] = new(StringComparer.Ordinal) { ["ETH"] = "50" } },
        };
        Assert.Contains((await ReservesVerification.VerifyAsync(relabelled, Institution, chains, "reserves.json", custodians)).Failures,
            f => f.Contains("totals per evidence tag", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_custodian_revoked_before_the_window_ends_or_a_statement_another_key_signed_counts_for_nothing()
    {
        var registry = await WindowedRegistry.DeployAsync(node, publishers: [0]);
        var owner = registry.As(node, 0);
        var (revokedKey, registeredKey, stranger) = (EthECKey.GenerateKey(), EthECKey.GenerateKey(), EthECKey.GenerateKey());
        var (revoked, registered) = (revokedKey.GetPublicAddress(), registeredKey.GetPublicAddress());
        await owner.RegisterCustodianAsync(revoked, "Former Vault");
        await owner.RegisterCustodianAsync(registered, "Example Vault Trust");
        await owner.RevokeCustodianAsync(revoked);
        Assert.Contains("NotACustodian", (await Assert.ThrowsAsync<Chains.Evm.Registry.RegistryRejectedException>(() => owner.RevokeCustodianAsync(revoked))).Message, StringComparison.Ordinal);

        var (first, second, third) = (EthECKey.GenerateKey().GetPublicAddress(), EthECKey.GenerateKey().GetPublicAddress(), EthECKey.GenerateKey().GetPublicAddress());
        var start = await node.ChainTimeAsync() + 100;
        var end = start + Samples;
        var chains = await Chains(
            Custodied(first, revoked, revokedKey, end),
            Custodied(second, registered, stranger, end), // names the registered custodian, signed by another key
            Custodied(third, stranger.GetPublicAddress(), stranger, end)); // a custodian nobody registered
        foreach (var address in new[] { first, second, third })
        {
            await node.SetBalanceAsync(address, 5 * Ether);
        }
        await MineWindow(start, end);
        var custodians = await CustodianRegister.ReadAsync(owner, [revoked, registered, stranger.GetPublicAddress()], DateTimeOffset.FromUnixTimeSeconds((long)end));

        var outcome = await ReservesSweep.RunAsync(Institution, chains, end, ReserveWindow.Ending(end, Samples, Samples), custodians: custodians);
        Assert.Equal("0", outcome.Report.Reserves.GetValueOrDefault("ETH", "0"));
        Assert.Contains(outcome.Problems, p => p.Contains(first, StringComparison.Ordinal) && p.Contains("Former Vault", StringComparison.Ordinal) && p.Contains("was revoked", StringComparison.Ordinal));
        Assert.Contains(outcome.Problems, p => p.Contains(second, StringComparison.Ordinal) && p.Contains($"not by {registered}", StringComparison.Ordinal));
        Assert.Contains(outcome.Problems, p => p.Contains(third, StringComparison.Ordinal) && p.Contains("is not registered", StringComparison.Ordinal));
    }
}
