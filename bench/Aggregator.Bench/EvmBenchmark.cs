using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Balances;
using Aggregator.Testing;
using Nethereum.Contracts.Standards.ERC20.ContractDefinition;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Aggregator.Bench;

/// <summary>
/// Reading many balances from a real local node: the Multicall3 sweep against the naive
/// one-eth_call-per-balance reader, in the same run, on the same chain state.
/// </summary>
internal static class EvmBenchmark
{
    public static async Task Run(int addresses, int naiveSample)
    {
        Console.WriteLine($"# EVM balances: {addresses:N0} addresses x (native + 3 ERC-20) on anvil");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        var root = RepositoryPaths.Root;
        var artifacts = Path.Combine(root, "contracts", "artifacts");
        await using var anvil = await LocalAnvil.StartAsync(root, 18745);
        var web3 = new Web3(new Nethereum.Web3.Accounts.Account("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", 31337), anvil.Url);
        var from = web3.TransactionManager.Account.Address;
        var multicall = await ContractArtifact.DeployAsync(web3, artifacts, "Multicall3", []);
        var holders = Enumerable.Range(0, addresses).Select(_ => Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress()).ToArray();
        var (abi, _) = await ContractArtifact.LoadAsync(artifacts, "TestToken");
        var tokens = new List<EvmToken>();
        foreach (var (symbol, decimals) in new[] { ("USDC", 6), ("WBTC", 8), ("DAI", 18) })
        {
            var address = await ContractArtifact.DeployAsync(web3, artifacts, "TestToken", [symbol, symbol, (byte)decimals, false]);
            var mint = web3.Eth.GetContract(abi, address).GetFunction("mintMany");
            foreach (var chunk in holders.Chunk(400))
            {
                await mint.SendTransactionAndWaitForReceiptAsync(from, new HexBigInteger(29_000_000), null, null, chunk.ToList(), new BigInteger(1000));
            }
            tokens.Add(new EvmToken(symbol, address, decimals));
        }
        var options = new EvmChainOptions
        {
            Name = "anvil", ChainId = 31337, RpcUrl = anvil.Url, Confirmations = 0,
            Multicall3Address = multicall, Tokens = tokens, Addresses = holders,
        };
        var reader = new EvmBalanceReader(new Web3(anvil.Url), options);
        await reader.ReadAsync(); // warm-up: the JIT, the node's caches
        var watch = Stopwatch.StartNew();
        var batch = await reader.ReadAsync();
        var multicallSeconds = watch.Elapsed.TotalSeconds;

        // The naive reader: one eth_call (or eth_getBalance) per balance, in order, on a sample.
        var plain = new Web3(anvil.Url);
        var at = new BlockParameter(batch.Height);
        var balanceOf = plain.Eth.GetContractQueryHandler<BalanceOfFunction>();
        var sample = holders.Take(naiveSample / 4).ToArray();
        watch.Restart();
        foreach (var holder in sample)
        {
            await plain.Eth.GetBalance.SendRequestAsync(holder, at);
            foreach (var token in tokens)
            {
                await balanceOf.QueryAsync<BigInteger>(token.Address, new BalanceOfFunction { Owner = holder }, at);
            }
        }
        var naivePerBalance = watch.Elapsed.TotalSeconds / (sample.Length * 4);
        var total = addresses * 4;

        Console.WriteLine("| figure | Multicall3 sweep (1,000 calls per eth_call) | naive, one eth_call per balance |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(Line($"| balances read | {batch.Balances.Count:N0} (+{batch.Failures.Count} failures) | {sample.Length * 4:N0} measured |"));
        Console.WriteLine(Line($"| time for {total:N0} balances | {multicallSeconds:F2} s | {naivePerBalance * total:F1} s (extrapolated from the sample) |"));
        Console.WriteLine(Line($"| balances/s | {batch.Balances.Count / multicallSeconds:N0} | {1 / naivePerBalance:N0} |"));
        Console.WriteLine(Line($"| speed-up | {naivePerBalance * total / multicallSeconds:F1}x | |"));
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>anvil on 127.0.0.1 through deploy/local/anvil.sh, stopped on dispose.</summary>
internal sealed class LocalAnvil : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _runDirectory;

    private LocalAnvil(string script, string runDirectory, string url)
    {
        _script = script;
        _runDirectory = runDirectory;
        Url = url;
    }

    public string Url { get; }

    public static async Task<LocalAnvil> StartAsync(string root, int port)
    {
        var script = Path.Combine(root, "deploy", "local", "anvil.sh");
        var runDirectory = Directory.CreateTempSubdirectory("aggregator-bench-anvil-").FullName;
        var url = (await RunAsync(script, runDirectory, "start", port.ToString(CultureInfo.InvariantCulture))).Trim();
        return new LocalAnvil(script, runDirectory, url);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(_script, _runDirectory, "stop");
        Directory.Delete(_runDirectory, recursive: true);
    }

    private static async Task<string> RunAsync(string script, string runDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true };
        start.Environment["AGGREGATOR_RUN_DIR"] = runDirectory;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
