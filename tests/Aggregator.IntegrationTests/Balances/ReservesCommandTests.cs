using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Testing;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.Signer;

namespace Aggregator.IntegrationTests.Balances;

/// <summary>`aggregator reserves` and `reserves verify` against a real node with real signatures.</summary>
[Collection(EvmNodeTests.Name)]
public sealed class ReservesCommandTests(AnvilNode node) : IDisposable
{
    private const string Institution = "Example Custody Ltd";
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-reserves-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private static (int Exit, string Output, string Error) Cli(params string[] args) => CliRunner.Run(args);

    private async Task<string> Configure(ulong signedEpoch, params (string Symbol, byte Decimals, long PerAddress)[] moreTokens)
    {
        var web3 = node.Web3For(0);
        var artifacts = RepositoryPaths.Combine("contracts", "artifacts");
        var multicall = await ContractArtifact.DeployAsync(web3, artifacts, "Multicall3", []);
        var usdc = await ContractArtifact.DeployAsync(web3, artifacts, "TestToken", ["USD Coin", "USDC", (byte)6, false]);
        var (abi, _) = await ContractArtifact.LoadAsync(artifacts, "TestToken");
        var tokens = new JsonArray(new JsonObject { ["symbol"] = "USDC", ["address"] = usdc, ["decimals"] = 6 });
        var extra = new List<(string Address, long PerAddress)>();
        foreach (var (symbol, decimals, perAddress) in moreTokens)
        {
            var token = await ContractArtifact.DeployAsync(web3, artifacts, "TestToken", [symbol, symbol, decimals, false]);
            tokens.Add(new JsonObject { ["symbol"] = symbol, ["address"] = token, ["decimals"] = decimals });
            extra.Add((token, perAddress));
        }
        var keys = new[] { EthECKey.GenerateKey(), EthECKey.GenerateKey() };
        var addresses = new JsonArray();
        for (var i = 0; i < keys.Length; i++)
        {
            var address = keys[i].GetPublicAddress();
            await web3.Client.SendRequestAsync(new RpcRequest(1, "anvil_setBalance", address, new HexBigInteger(BigInteger.Parse("1500000000000000000") * (i + 1)).HexValue));
            await web3.Eth.GetContract(abi, usdc).GetFunction("mint").SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, new HexBigInteger(200_000), null, null, address, new BigInteger(250_000_000));
            foreach (var (token, perAddress) in extra)
            {
                await web3.Eth.GetContract(abi, token).GetFunction("mint").SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, new HexBigInteger(200_000), null, null, address, new BigInteger(perAddress));
            }
            var message = new OwnershipMessage(Institution, ChainId.Evm(31337), address, signedEpoch).Text;
            addresses.Add(new JsonObject { ["address"] = address, ["signedText"] = message, ["signature"] = new EthereumMessageSigner().EncodeUTF8AndSign(message, keys[i]) });
        }
        await web3.Client.SendRequestAsync(new RpcRequest(2, "anvil_mine", "0x2"));
        var config = new JsonObject
        {
            ["institution"] = Institution,
            ["evm"] = new JsonArray(new JsonObject
            {
                ["name"] = "local", ["chainId"] = 31337, ["rpc"] = node.RpcUrl, ["confirmations"] = 1, ["multicall3"] = multicall,
                ["tokens"] = tokens,
                ["addresses"] = addresses,
            }),
        };
        var path = Path.Combine(_workspace, $"config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return path;
    }

    // An epoch whose 10-second window lies after everything Configure mines: the chain is then moved past
    // it and 65 blocks more (anvil finalizes a block 64 blocks back), so its heights can be drawn.
    private async Task<ulong> WindowAhead() => await node.ChainTimeAsync() + 1_000;

    private Task EndWindow(ulong epoch) => node.MinePastAsync(epoch, more: 65);

    [Fact]
    public async Task Reserves_are_totalled_with_evidence_and_verify_against_the_chain()
    {
        var epoch = await WindowAhead();
        var config = await Configure(signedEpoch: epoch);
        await EndWindow(epoch);
        var output = Path.Combine(_workspace, "reserves.json");
        var sweep = Cli("reserves", "--config", config, "--epoch", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), "--window", "10", "--samples", "2", "--out", output);
        Assert.True(sweep.Exit == 0, sweep.Error);
        Assert.Contains("| ETH | 4.5 |", sweep.Output);
        Assert.Contains("| USDC | 500 |", sweep.Output);
        var document = JsonNode.Parse(File.ReadAllText(output))!;
        Assert.Equal("4.5", document["reserves"]!["ETH"]!.GetValue<string>());
        var chain = document["chains"]![0]!;
        Assert.Equal("eip155:31337", chain["chain"]!.GetValue<string>());
        Assert.StartsWith("0x", chain["blockHash"]!.GetValue<string>());
        Assert.All(chain["addresses"]!.AsArray(), a => Assert.Equal("verified", a!["ownership"]!.GetValue<string>()));
        Assert.Equal(epoch, document["window"]!["end"]!.GetValue<ulong>());

        var verify = Cli("reserves", "verify", output, "--config", config);
        Assert.True(verify.Exit == 0, verify.Output);
        Assert.Contains($"VALID: reserves of epoch {epoch}", verify.Output);

        document["chains"]![0]!["addresses"]![0]!["balances"]!["USDC"] = "250.000001";
        var tampered = Path.Combine(_workspace, "tampered.json");
        File.WriteAllText(tampered, document.ToJsonString());
        var check = Cli("reserves", "verify", tampered, "--config", config);
        Assert.Equal(1, check.Exit);
        Assert.Contains("not the recorded ones", check.Output);
    }

    [Fact]
    public async Task A_report_that_drops_a_configured_chain_or_names_another_institution_is_invalid()
    {
        var config = await Configure(signedEpoch: 4);
        var output = Path.Combine(_workspace, "reserves.json");
        Assert.Equal(0, Cli("reserves", "--config", config, "--epoch", "4", "--out", output).Exit);
        var document = JsonNode.Parse(File.ReadAllText(output))!;

        var dropped = document.DeepClone();
        dropped["chains"] = new JsonArray();
        dropped["reserves"] = new JsonObject();
        var droppedPath = Path.Combine(_workspace, "dropped.json");
        File.WriteAllText(droppedPath, dropped.ToJsonString());
        var check = Cli("reserves", "verify", droppedPath, "--config", config);
        Assert.Equal(1, check.Exit);
        Assert.Contains("are not in the report", check.Output);

        var renamed = document.DeepClone();
        renamed["institution"] = "Someone Else Ltd";
        var renamedPath = Path.Combine(_workspace, "renamed.json");
        File.WriteAllText(renamedPath, renamed.ToJsonString());
        check = Cli("reserves", "verify", renamedPath, "--config", config);
        Assert.Equal(1, check.Exit);
        Assert.Contains("is for institution 'Someone Else Ltd'", check.Output);
    }

    [Fact]
    public async Task An_ownership_signature_for_another_epoch_is_not_counted()
    {
        var config = await Configure(signedEpoch: 2);
        var sweep = Cli("reserves", "--config", config, "--epoch", "3", "--out", Path.Combine(_workspace, "r.json"));
        Assert.Equal(1, sweep.Exit);
        Assert.Contains("ownership not proved: signed for epoch 2, expected 3", sweep.Error);
        Assert.DoesNotContain("| ETH |", sweep.Output);
    }

    [Fact]
    public async Task The_reserves_file_proves_an_epochs_solvency_and_an_uncommitted_asset_is_ignored_and_named()
    {
        // On chain: ETH 4.5, USDC 500, BTC 0.2, SOL 3 and DOGE, which the epoch does not commit to.
        var number = await WindowAhead();
        var config = await Configure(signedEpoch: number, ("BTC", 8, 10_000_000), ("SOL", 9, 1_500_000_000), ("DOGE", 8, 100_000_000));
        await EndWindow(number);
        var reserves = Path.Combine(_workspace, "reserves.json");
        var sweep = Cli("reserves", "--config", config, "--epoch", number.ToString(System.Globalization.CultureInfo.InvariantCulture), "--window", "10", "--samples", "2", "--out", reserves);
        Assert.True(sweep.Exit == 0, sweep.Error);
        var ledger = Path.Combine(_workspace, "ledger.csv");
        File.WriteAllText(ledger, "account,BTC,ETH,SOL,USDC\nalice,0.1,2,1,200\nbob,0.1,2.5,2,300\n");
        var epoch = Path.Combine(_workspace, "epoch");
        Assert.Equal(0, Cli("commit", "--ledger", ledger, "--assets", "BTC:8,ETH:8,SOL:6,USDC:6", "--depth", "20", "--epoch", number.ToString(System.Globalization.CultureInfo.InvariantCulture), "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--out", epoch).Exit);

        var prove = Cli("prove", "solvency", "--epoch", epoch, "--reserves", reserves);
        Assert.True(prove.Exit == 0, prove.Error);
        Assert.Contains("note: the reserves of DOGE are ignored", prove.Error);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(epoch, "manifest.json")))!;
        Assert.Equal(["0.2", "4.5", "3", "500"], manifest["reserves"]!.AsArray().Select(r => r!["amount"]!.GetValue<string>()));
        var verify = Cli("verify", "solvency", "--epoch", epoch);
        Assert.True(verify.Exit == 4, verify.Output); // the proof holds; neither the publication nor the chains were checked
        Assert.Contains("ok: Groth16 proof of reserves", verify.Output, StringComparison.Ordinal);
        // The evidence travelled into the epoch: read again on the chain, it is what was proven.
        var reread = Cli("verify", "solvency", "--epoch", epoch, "--reserves-config", config);
        Assert.True(reread.Exit == 4, reread.Output); // still no registry read
        Assert.Contains("ok: reserves: the evidence's totals are the proof's reserves: key-proven and custodian-attested addresses only", reread.Output, StringComparison.Ordinal);
        Assert.Matches(@"ok: \S+ at height \d+: balances and signatures as recorded", reread.Output);
        Assert.Contains("are the window's draws", reread.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT CHECKED: reserves", reread.Output, StringComparison.Ordinal);
        Assert.Contains("NOT CHECKED: publication", reread.Output, StringComparison.Ordinal);
        // The manifest's totals per evidence tag (what the API serves) must be the evidence's: one inflated is caught.
        Assert.Equal("4.5", manifest["reservesByEvidence"]!["key-proven"]!["ETH"]!.GetValue<string>());
        var manifestPath = Path.Combine(epoch, "manifest.json");
        var honest = File.ReadAllText(manifestPath);
        var inflated = JsonNode.Parse(honest)!;
        inflated["reservesByEvidence"]!["key-proven"]!["ETH"] = "45";
        File.WriteAllText(manifestPath, inflated.ToJsonString());
        var relabelled = Cli("verify", "solvency", "--epoch", epoch, "--reserves-config", config);
        Assert.Equal(1, relabelled.Exit);
        Assert.Contains("the manifest's totals per evidence tag are not the evidence's", relabelled.Output, StringComparison.Ordinal);
        File.WriteAllText(manifestPath, honest);

        // The same totals read at one height of the institution's choosing (point-in-time): refused.
        var now = Path.Combine(_workspace, "reserves-now.json");
        Assert.Equal(0, Cli("reserves", "--config", config, "--epoch", number.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", now).Exit);
        File.Copy(now, Path.Combine(epoch, "reserves.json"), overwrite: true);
        var chosen = Cli("verify", "solvency", "--epoch", epoch, "--reserves-config", config);
        Assert.Equal(1, chosen.Exit);
        Assert.Contains("not sampled over the epoch's window", chosen.Output, StringComparison.Ordinal);
    }
}
