using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Reserves;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Configuration;
using Aggregator.Reserves.Evidence;
using Aggregator.Reserves.Windows;
using Aggregator.Testing;
using Nethereum.Hex.HexTypes;
using Nethereum.Signer;

namespace Aggregator.IntegrationTests.Balances;

/// <summary>
/// Reserves over an epoch's window on a real node: heights drawn from the chain's prevrandao after the
/// window, the least balance counted, pledged debts netted; and the verifier drawing the same heights.
/// Each test moves the node's clock ahead with blocks of its own.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class WindowedReservesTests(AnvilNode node) : IDisposable
{
    private const string Institution = "Example Custody Ltd";
    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);
    private static readonly string Artifacts = RepositoryPaths.Combine("contracts", "artifacts");
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-window-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private Task SetBalance(string address, BigInteger wei) => node.SetBalanceAsync(address, wei);

    // One block at exactly this time.
    private Task MineAt(ulong time) => node.MineAtAsync(time);

    // A reserves configuration of this node with one reserve address (signed for the epoch) and the lending positions given.
    private async Task<(IReadOnlyList<ReserveChain> Chains, string Config)> Reserves(EthECKey reserve, ulong epoch, JsonArray? tokens = null, JsonArray? lending = null)
    {
        var multicall = await ContractArtifact.DeployAsync(node.Web3For(0), Artifacts, "Multicall3", []);
        var address = reserve.GetPublicAddress();
        var message = new OwnershipMessage(Institution, ChainId.Evm(31337), address, epoch).Text;
        var config = new JsonObject
        {
            ["institution"] = Institution,
            ["evm"] = new JsonArray(new JsonObject
            {
                ["name"] = "local", ["chainId"] = 31337, ["rpc"] = node.RpcUrl, ["confirmations"] = 1, ["multicall3"] = multicall,
                ["tokens"] = tokens ?? [], ["lending"] = lending ?? [],
                ["addresses"] = new JsonArray(new JsonObject { ["address"] = address, ["signedText"] = message, ["signature"] = new EthereumMessageSigner().EncodeUTF8AndSign(message, reserve) }),
            }),
        };
        var path = Path.Combine(_workspace, $"config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return (ReserveChains.Open(ReservesConfigFile.Read(path), new HttpClient()), path);
    }

    // The window's end made final: a block at its end, then 65 more (anvil finalizes 64 blocks back).
    private async Task EndWindow(ulong end)
    {
        await MineAt(end);
        await node.MineBlocksAsync(0x41);
    }

    [Fact]
    public async Task With_a_window_of_exactly_K_blocks_every_block_is_read_and_a_reserve_lowered_for_one_block_counts_its_lower_balance()
    {
        const int samples = 4;
        var reserve = EthECKey.GenerateKey();
        var start = await node.ChainTimeAsync() + 100;
        var end = start + samples;
        var (chains, _) = await Reserves(reserve, end);
        // 100 ETH through the window, except 40 ETH in its second block: borrowed for the snapshot and given back.
        await SetBalance(reserve.GetPublicAddress(), 100 * Ether);
        await MineAt(start);
        await SetBalance(reserve.GetPublicAddress(), 40 * Ether);
        await MineAt(start + 1);
        await SetBalance(reserve.GetPublicAddress(), 100 * Ether);
        await MineAt(start + 2);
        await MineAt(start + 3);
        await EndWindow(end);

        var outcome = await ReservesSweep.RunAsync(Institution, chains, end, ReserveWindow.Ending(end, samples, samples));
        Assert.Empty(outcome.Problems);
        Assert.Equal("40", outcome.Report.Reserves["ETH"]);
        var read = outcome.Report.Chains.Select(c => c.Sample!.BlockTime).ToArray();
        Assert.Equal([start, start + 1, start + 2, start + 3], read);
        Assert.All(outcome.Report.Chains, c => Assert.Null(c.Sample!.Draw)); // every block, whatever the seed
        Assert.Equal(end, outcome.Report.Window!.End);

        var verified = await ReservesVerification.VerifyAsync(outcome.Report, Institution, chains, "reserves.json");
        Assert.Empty(verified.Failures);
        Assert.Contains(verified.Confirmed, c => c.Contains("are the window's draws", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_a_longer_window_the_heights_are_drawn_from_the_seed_and_a_verifier_draws_the_same_ones()
    {
        var reserve = EthECKey.GenerateKey();
        var start = await node.ChainTimeAsync() + 100;
        var end = start + 40;
        var (chains, _) = await Reserves(reserve, end);
        await SetBalance(reserve.GetPublicAddress(), 7 * Ether);
        await MineAt(start);
        await node.MineBlocksAsync(0x27); // a block every second to the window's end
        await EndWindow(end);

        var window = ReserveWindow.Ending(end, 40, 4);
        var outcome = await ReservesSweep.RunAsync(Institution, chains, end, window);
        Assert.Empty(outcome.Problems);
        Assert.Equal("7", outcome.Report.Reserves["ETH"]);
        Assert.Equal(4, outcome.Report.Chains.Count);
        var seed = Convert.FromHexString(outcome.Report.Window!.Seed[2..]);
        foreach (var sample in outcome.Report.Chains.Select(c => c.Sample!))
        {
            // Each height is the last block at or before the time its draw targets, inside the window.
            Assert.Equal(window.Target(seed, ChainId.Evm(31337), sample.Draw!.Value), sample.Target);
            Assert.InRange(sample.Target!.Value, start, end - 1);
            Assert.Equal(sample.Target, sample.BlockTime);
        }
        var seedBlock = await node.Web3For(0).Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new Nethereum.RPC.Eth.DTOs.BlockParameter(outcome.Report.Window.SeedHeight));
        Assert.Equal(outcome.Report.Window.Seed, seedBlock.MixHash);
        Assert.True((ulong)seedBlock.Timestamp.Value >= end);
        Assert.Empty((await ReservesVerification.VerifyAsync(outcome.Report, Institution, chains, "reserves.json")).Failures);

        // Heights of the institution's choosing, or another seed, are refused by the verifier.
        var chosen = outcome.Report with { Chains = [.. outcome.Report.Chains.Select((c, i) => i == 0 ? c with { Height = c.Height - 1 } : c)] };
        Assert.Contains((await ReservesVerification.VerifyAsync(chosen, Institution, chains, "reserves.json")).Failures, f => f.Contains("the window's draws are heights", StringComparison.Ordinal));
        var retimed = outcome.Report with { Chains = [.. outcome.Report.Chains.Select((c, i) => i == 0 ? c with { Sample = c.Sample! with { Target = c.Sample.Target + 1 } } : c)] };
        Assert.Contains((await ReservesVerification.VerifyAsync(retimed, Institution, chains, "reserves.json")).Failures, f => f.Contains("the window's draws are heights", StringComparison.Ordinal));
        var reseeded = outcome.Report with { Window = outcome.Report.Window with { Seed = "0x" + new string('1', 64) } };
        Assert.Contains((await ReservesVerification.VerifyAsync(reseeded, Institution, chains, "reserves.json")).Failures, f => f.Contains("the window's seed is block", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reserve_address_that_borrowed_against_its_deposit_counts_less_by_its_Aave_and_Compound_debts()
    {
        var web3 = node.Web3For(0);
        var from = web3.TransactionManager.Account.Address;
        var reserve = EthECKey.GenerateKey();
        var address = reserve.GetPublicAddress();
        var usdc = await ContractArtifact.DeployAsync(web3, Artifacts, "TestToken", ["USD Coin", "USDC", (byte)6, false]);
        var debtToken = await ContractArtifact.DeployAsync(web3, Artifacts, "TestVariableDebtToken", [(byte)18]);
        var comet = await ContractArtifact.DeployAsync(web3, Artifacts, "TestComet", []);
        var gas = new HexBigInteger(200_000);
        var (tokenAbi, _) = await ContractArtifact.LoadAsync(Artifacts, "TestToken");
        await web3.Eth.GetContract(tokenAbi, usdc).GetFunction("mint").SendTransactionAndWaitForReceiptAsync(from, gas, null, null, address, new BigInteger(1_000_000_000));
        var (debtAbi, _) = await ContractArtifact.LoadAsync(Artifacts, "TestVariableDebtToken");
        await web3.Eth.GetContract(debtAbi, debtToken).GetFunction("setDebt").SendTransactionAndWaitForReceiptAsync(from, gas, null, null, address, 30 * Ether);
        var (cometAbi, _) = await ContractArtifact.LoadAsync(Artifacts, "TestComet");
        await web3.Eth.GetContract(cometAbi, comet).GetFunction("setDebt").SendTransactionAndWaitForReceiptAsync(from, gas, null, null, address, new BigInteger(250_000_000));
        await SetBalance(address, 100 * Ether);

        var start = await node.ChainTimeAsync() + 100;
        var end = start + 10;
        var (chains, config) = await Reserves(reserve, end,
            [new JsonObject { ["symbol"] = "USDC", ["address"] = usdc, ["decimals"] = 6 }],
            [new JsonObject { ["protocol"] = "aave-v3", ["symbol"] = "ETH", ["contract"] = debtToken }, new JsonObject { ["protocol"] = "compound-v3", ["symbol"] = "USDC", ["contract"] = comet }]);
        await MineAt(start);
        await EndWindow(end);

        var outcome = await ReservesSweep.RunAsync(Institution, chains, end, ReserveWindow.Ending(end, 10, 4));
        Assert.Empty(outcome.Problems);
        Assert.Equal("70", outcome.Report.Reserves["ETH"]);
        Assert.Equal("750", outcome.Report.Reserves["USDC"]);
        var debts = outcome.Report.Chains[0].Addresses[0].Debts!;
        Assert.Contains(debts, d => d.Source == $"aave-v3:{debtToken}" && d.Asset == "ETH" && d.Amount == "30");
        Assert.Contains(debts, d => d.Source == $"compound-v3:{comet}" && d.Asset == "USDC" && d.Amount == "250");
        Assert.Empty((await ReservesVerification.VerifyAsync(outcome.Report, Institution, chains, "reserves.json")).Failures);

        // A report that leaves the debts out claims more than the chain shows: refused.
        var undeclared = outcome.Report with
        {
            Reserves = new(outcome.Report.Reserves) { ["ETH"] = "100" },
            Chains = [.. outcome.Report.Chains.Select(c => c with { Addresses = [.. c.Addresses.Select(a => a with { Debts = null })] })],
        };
        Assert.NotEmpty((await ReservesVerification.VerifyAsync(undeclared, Institution, chains, "reserves.json")).Failures);

        // A debt that cannot be read is never counted as nothing owed.
        var broken = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        broken["evm"]![0]!["lending"]![0]!["contract"] = usdc; // answers balanceOf, but ...
        broken["evm"]![0]!["lending"]![1]!["contract"] = debtToken; // ... has no borrowBalanceOf: reverts
        await File.WriteAllTextAsync(config, broken.ToJsonString());
        var unreadable = await ReservesSweep.RunAsync(Institution, ReserveChains.Open(ReservesConfigFile.Read(config), new HttpClient()), end, ReserveWindow.Ending(end, 10, 4));
        Assert.Contains(unreadable.Problems, p => p.Contains($"compound-v3:{debtToken}: the debt call reverted", StringComparison.Ordinal));
    }
}
