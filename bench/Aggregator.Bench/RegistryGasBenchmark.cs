using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Crypto.Groth16;
using Aggregator.Proving;
using Nethereum.Hex.HexTypes;
using Nethereum.Web3;

namespace Aggregator.Bench;

/// <summary>
/// The gas of every SolvencyRegistry transaction, on anvil, with real proofs of a 1,000-account epoch
/// (D = 20, K = 4): announce, publish (first window; then one after a missed window), markMissed, and the
/// inclusion check run as a transaction. Gas is deterministic: one run is the figure.
/// </summary>
internal static class RegistryGasBenchmark
{
    private const string Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private const string Publisher = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    private const ulong Window = 3_600;
    private const ulong Delay = 86_400;

    public static async Task Run()
    {
        var root = Testing.RepositoryPaths.Root;
        var keys = Path.Combine(root, "circuits", "keys");
        Console.WriteLine("# Gas of the SolvencyRegistry (issue 23)");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-gas-").FullName;
        await using var anvil = await LocalAnvil.StartAsync(root, 18646);
        try
        {
            var web3 = new Web3(new Nethereum.Web3.Accounts.Account(Key, 31337), anvil.Url);
            var registry = await RegistryDeployment.DeployAsync(web3, Path.Combine(root, "contracts", "artifacts"), Delay);
            var client = new SolvencyRegistryClient(web3, registry, Publisher);
            await client.SetPublisherAsync(Publisher, true);
            var now = (ulong)(await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest())).Timestamp.Value;
            var first = ((now / Window) + 2) * Window;
            var announce = await client.AnnounceAsync("Example Custody Ltd", Window, first, 8);

            using var prover = new NativeProver(ProvingKeys.At(keys, "bench"), VerificationKeys.At(keys), null);
            var tree = MerkleSumTree.Build(SyntheticBook.Parameters, SyntheticBook.Rows(1000, seed: 3), EpochSecret.Generate());
            async Task<(BigInteger Gas, string Directory)> PublishAt(ulong epoch)
            {
                await MinePast(web3, epoch);
                var directory = Path.Combine(workspace, epoch.ToString(CultureInfo.InvariantCulture));
                EpochDirectory.Write(directory, tree, EpochSecret.Generate(), epoch, PublisherAddress.Parse(Publisher), DateTimeOffset.UtcNow);
                var reserves = Path.Combine(workspace, "reserves.json");
                await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "100000000", "ETH": "100000000", "SOL": "1000000000", "USDC": "1000000000" } }""");
                await new EpochProofs(prover).ProveSolvencyAsync(directory, reserves);
                var solvency = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, EpochProofs.SolvencyProofFile)))!;
                var signals = solvency["publicSignals"]!.AsArray().Select(s => BigInteger.Parse(s!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray();
                var receipt = await client.PublishAsync(epoch, signals[0], signals[1], signals[4..], SnarkjsJson.ReadProof(solvency["proof"]!.ToJsonString()).ToEvmWords());
                return (receipt.GasUsed.Value, directory);
            }

            var (publish, directory) = await PublishAt(first);
            var inclusionFile = await new EpochProofs(prover).ProveInclusionAsync(directory, SyntheticBook.Rows(1, seed: 3)[0].AccountId, Path.Combine(workspace, "inclusion.json"));
            var inclusion = JsonNode.Parse(await File.ReadAllTextAsync(inclusionFile))!;
            var inclusionGas = await client.MeasureInclusionGasAsync(Publisher, first, BigInteger.Parse(inclusion["leafHash"]!.GetValue<string>(), CultureInfo.InvariantCulture), SnarkjsJson.ReadProof(inclusion["proof"]!.ToJsonString()).ToEvmWords());
            // The next window is missed (its deadline passes), recorded by anyone; the one after is published.
            await MinePast(web3, first + Window + Delay);
            var missed = await client.MarkMissedAsync(Publisher, first + Window);
            var afterMissed = (await PublishAt(first + ((2 + (Delay / Window)) * Window))).Gas;

            Console.WriteLine("| transaction | gas |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| `announce` (institution name, window length, first end, samples) | {announce.GasUsed.Value:N0} |");
            Console.WriteLine($"| `publish`, first window (solvency proof verified, commitment, reserves and publication list stored) | {publish:N0} |");
            Console.WriteLine($"| `publish`, after missed windows | {afterMissed:N0} |");
            Console.WriteLine($"| `markMissed` | {missed.GasUsed.Value:N0} |");
            Console.WriteLine($"| `verifyInclusion`, run as a transaction (includes the 21,000 base and calldata) | {inclusionGas:N0} |");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    // A block a second until the chain's latest block is after the time.
    private static async Task MinePast(Web3 web3, ulong time)
    {
        var now = (ulong)(await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest())).Timestamp.Value;
        if (now <= time)
        {
            await web3.Client.SendRequestAsync<object>("anvil_mine", null, new HexBigInteger(2).HexValue, new HexBigInteger(time - now + 1).HexValue);
        }
    }
}
