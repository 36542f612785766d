using System.Numerics;
using Aggregator.Adapters;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Balances;
using Aggregator.Core.Chains;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Reserves.Chains;
using Aggregator.Testing;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Aggregator.IntegrationTests.Balances;

/// <summary>The EVM adapter against a real node: real contracts, real balances, pinned heights.</summary>
[Collection(EvmNodeTests.Name)]
public sealed class EvmBalanceReaderTests(AnvilNode node)
{
    private static readonly string Artifacts = RepositoryPaths.Combine("contracts", "artifacts");
    private static readonly HexBigInteger Gas = new(10_000_000);

    private sealed record Setup(string Multicall, string Usdc, string Wbtc, string Broken, string[] Holders);

    private static async Task<Setup> Deploy(Web3 web3, int holders)
    {
        var multicall = await ContractArtifact.DeployAsync(web3, Artifacts, "Multicall3", []);
        var usdc = await ContractArtifact.DeployAsync(web3, Artifacts, "TestToken", ["USD Coin", "USDC", (byte)6, false]);
        var wbtc = await ContractArtifact.DeployAsync(web3, Artifacts, "TestToken", ["Wrapped BTC", "WBTC", (byte)8, false]);
        var broken = await ContractArtifact.DeployAsync(web3, Artifacts, "TestToken", ["Broken", "BRK", (byte)18, true]);
        var addresses = Enumerable.Range(0, holders).Select(_ => Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress()).ToArray();
        var (abi, _) = await ContractArtifact.LoadAsync(Artifacts, "TestToken");
        await web3.Eth.GetContract(abi, usdc).GetFunction("mintMany").SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, Gas, null, null, addresses.ToList(), new BigInteger(1_000_000));
        await web3.Eth.GetContract(abi, wbtc).GetFunction("mintMany").SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, Gas, null, null, addresses.ToList(), new BigInteger(5_000));
        for (var i = 0; i < holders; i += 10)
        {
            await web3.Client.SendRequestAsync(new RpcRequest(1, "anvil_setBalance", addresses[i], new HexBigInteger(new BigInteger(1_000_000_000_000_000) * (i + 1)).HexValue));
        }
        return new Setup(multicall, usdc, wbtc, broken, addresses);
    }

    private EvmChainOptions Options(Setup setup, uint confirmations) => new()
    {
        Name = "anvil",
        ChainId = 31337,
        RpcUrl = node.RpcUrl,
        Confirmations = confirmations,
        Multicall3Address = setup.Multicall,
        Tokens = [new("USDC", setup.Usdc, 6), new("WBTC", setup.Wbtc, 8), new("BRK", setup.Broken, 18)],
        Addresses = setup.Holders,
        CallsPerBatch = 97, // several chunks, the last one partial
    };

    [Fact]
    public async Task Every_balance_is_read_at_the_pinned_block_through_multicall()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 150);
        await web3.Client.SendRequestAsync(new RpcRequest(2, "anvil_mine", "0x5"));
        var batch = await new EvmBalanceReader(web3, Options(setup, 3)).ReadAsync();

        var latest = (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        Assert.Equal((ulong)(latest - 3), batch.Height);
        var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(batch.Height));
        Assert.Equal(block.BlockHash, batch.BlockHash);
        Assert.Equal("eip155:31337", batch.Chain.ToString());

        Assert.Equal(3 * 150, batch.Balances.Count);
        for (var i = 0; i < 150; i++)
        {
            var address = setup.Holders[i];
            Assert.Equal(new BigInteger(1_000_000 + i), batch.Balances.Single(b => b.Address == address && b.Asset.Symbol == "USDC").Amount.BaseUnits);
            Assert.Equal(new BigInteger(5_000 + i), batch.Balances.Single(b => b.Address == address && b.Asset.Symbol == "WBTC").Amount.BaseUnits);
            var expectedNative = i % 10 == 0 ? new BigInteger(1_000_000_000_000_000) * (i + 1) : BigInteger.Zero;
            Assert.Equal(expectedNative, batch.Balances.Single(b => b.Address == address && b.Asset.Symbol == "ETH").Amount.BaseUnits);
        }
        Assert.Equal(8, batch.Balances.First(b => b.Asset.Symbol == "WBTC").Amount.Decimals);
    }

    [Fact]
    public async Task A_token_that_reverts_is_reported_per_address_not_a_crash()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 20);
        var batch = await new EvmBalanceReader(web3, Options(setup, 0)).ReadAsync();
        Assert.Equal(20, batch.Failures.Count);
        Assert.All(batch.Failures, f => Assert.Equal("BRK", f.Asset.Symbol));
        Assert.All(batch.Failures, f => Assert.Equal("the call reverted", f.Reason));
        Assert.Equal(60, batch.Balances.Count);
    }

    [Fact]
    public async Task Changes_after_the_pinned_block_are_not_seen_until_confirmed()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 5);
        var options = Options(setup, 4);
        await web3.Client.SendRequestAsync(new RpcRequest(4, "anvil_mine", "0x4")); // the setup is now confirmed
        var (abi, _) = await ContractArtifact.LoadAsync(Artifacts, "TestToken");
        await web3.Eth.GetContract(abi, setup.Usdc).GetFunction("mint").SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, Gas, null, null, setup.Holders[0], new BigInteger(7));
        var before = await new EvmBalanceReader(web3, options).ReadAsync();
        Assert.Equal(new BigInteger(1_000_000), before.Balances.Single(b => b.Address == setup.Holders[0] && b.Asset.Symbol == "USDC").Amount.BaseUnits);
        await web3.Client.SendRequestAsync(new RpcRequest(3, "anvil_mine", "0x4"));
        var after = await new EvmBalanceReader(web3, options).ReadAsync();
        Assert.Equal(new BigInteger(1_000_007), after.Balances.Single(b => b.Address == setup.Holders[0] && b.Asset.Symbol == "USDC").Amount.BaseUnits);
        Assert.True(after.Height > before.Height);
    }

    [Fact]
    public async Task A_token_configured_with_other_decimals_than_its_contract_is_refused()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 3);
        // USDC has 6 decimals on chain; configured with 4 it would count every balance 100 times over.
        var options = Options(setup, 0) with { Tokens = [new("USDC", setup.Usdc, 4)] };
        var error = await Assert.ThrowsAsync<ChainMismatchException>(() => new EvmBalanceReader(web3, options).ReadAsync());
        Assert.Contains("token USDC", error.Message);
        Assert.Contains("has 6 decimals on chain, not the configured 4", error.Message);
    }

    [Fact]
    public async Task A_token_whose_decimals_cannot_be_read_is_not_counted()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 2);
        // An address with no code answers decimals() with nothing: its scale cannot be checked.
        var options = Options(setup, 0) with { Tokens = [new("GHOST", "0x00000000000000000000000000000000000000ff", 6)] };
        var batch = await new EvmBalanceReader(web3, options).ReadAsync();
        Assert.Equal(2, batch.Failures.Count);
        Assert.All(batch.Failures, f => Assert.StartsWith("decimals() failed", f.Reason, StringComparison.Ordinal));
        Assert.DoesNotContain(batch.Balances, b => b.Asset.Symbol == "GHOST");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_node_that_accepts_and_never_answers_costs_one_attempt_timeout_per_try()
    {
        using var hanging = new HangingServer();
        var options = new EvmChainOptions { Name = "hanging", ChainId = 31337, RpcUrl = hanging.Url, Multicall3Address = "0x0000000000000000000000000000000000000001" };
        var resilience = new RpcResilienceOptions { MaxRetries = 1, FirstDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromMilliseconds(300) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ChainReadFailedException>(() => new EvmBalanceReader(new Web3(hanging.Url), options, resilience).ReadAsync());
        // Two attempts of 0.3 s, not Nethereum's own 20 s per call.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(5));
        Assert.Equal(2, hanging.Connections);
        Assert.Contains("could not read the pinned block", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_a_read_of_a_hanging_node_returns_at_once()
    {
        using var hanging = new HangingServer();
        var options = new EvmChainOptions { Name = "hanging", ChainId = 31337, RpcUrl = hanging.Url, Multicall3Address = "0x0000000000000000000000000000000000000001" };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new EvmBalanceReader(new Web3(hanging.Url), options).ReadAsync(cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_node_of_another_chain_is_refused()
    {
        var web3 = node.Web3For(0);
        var options = new EvmChainOptions { Name = "mainnet?", ChainId = 1, RpcUrl = node.RpcUrl, Multicall3Address = "0x0000000000000000000000000000000000000001" };
        var error = await Assert.ThrowsAsync<ChainMismatchException>(() => new EvmBalanceReader(web3, options).ReadAsync());
        Assert.Contains("serves chain 31337, not the configured 1", error.Message);
    }

    [Fact]
    public async Task A_node_that_fails_for_a_while_is_retried_to_a_full_read()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 10);
        using var proxy = new FlakyProxy(node.RpcUrl, failures: 3);
        var flaky = new Web3(proxy.Url);
        var resilience = new RpcResilienceOptions { MaxRetries = 5, FirstDelay = TimeSpan.FromMilliseconds(10) };
        var batch = await new EvmBalanceReader(flaky, Options(setup, 0), resilience).ReadAsync();
        Assert.Equal(30, batch.Balances.Count);
        Assert.True(proxy.Requests > 3);
    }

    [Fact]
    public async Task A_node_that_keeps_failing_is_a_failed_read_of_that_chain()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 3);
        using var proxy = new FlakyProxy(node.RpcUrl, failures: -1);
        var resilience = new RpcResilienceOptions { MaxRetries = 2, FirstDelay = TimeSpan.FromMilliseconds(10) };
        var error = await Assert.ThrowsAsync<ChainReadFailedException>(() => new EvmBalanceReader(new Web3(proxy.Url), Options(setup, 0), resilience).ReadAsync());
        Assert.StartsWith("anvil: could not read the pinned block", error.Message);
        Assert.Equal(3, proxy.Requests); // one try and two retries
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reorg_below_a_reported_height_is_reported_as_a_corrected_batch()
    {
        var web3 = node.Web3For(0);
        var setup = await Deploy(web3, 4);
        var (abi, _) = await ContractArtifact.LoadAsync(Artifacts, "TestToken");
        var usdc = web3.Eth.GetContract(abi, setup.Usdc).GetFunction("mint");
        var watcher = new ChainWatcher(new EvmBalanceReader(web3, Options(setup, 1)));
        await web3.Client.SendRequestAsync(new RpcRequest(5, "anvil_mine", "0x2"));
        var snapshot = await web3.Client.SendRequestAsync<string>(new RpcRequest(6, "evm_snapshot"));

        await usdc.SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, Gas, null, null, setup.Holders[1], new BigInteger(100));
        await web3.Client.SendRequestAsync(new RpcRequest(7, "anvil_mine", "0x1"));
        var first = Assert.Single(await watcher.PollAsync());
        Assert.Null(first.ReplacesBlockHash);
        Assert.Equal(new BigInteger(1_000_101), first.Balances.Single(b => b.Address == setup.Holders[1] && b.Asset.Symbol == "USDC").Amount.BaseUnits);

        // Another history from the snapshot: the same heights, other blocks, another balance.
        Assert.True(await web3.Client.SendRequestAsync<bool>(new RpcRequest(8, "evm_revert", snapshot)));
        // A fresh account object: the old one's cached nonce belongs to the abandoned history.
        web3 = node.Web3For(0);
        usdc = web3.Eth.GetContract(abi, setup.Usdc).GetFunction("mint");
        await usdc.SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, Gas, null, null, setup.Holders[1], new BigInteger(5));
        await web3.Client.SendRequestAsync(new RpcRequest(9, "anvil_mine", "0x1"));
        var after = await watcher.PollAsync();

        var corrected = Assert.Single(after, b => b.ReplacesBlockHash != null);
        Assert.Equal(first.Height, corrected.Height);
        Assert.Equal(first.BlockHash, corrected.ReplacesBlockHash);
        Assert.NotEqual(first.BlockHash, corrected.BlockHash);
        Assert.Equal(new BigInteger(1_000_006), corrected.Balances.Single(b => b.Address == setup.Holders[1] && b.Asset.Symbol == "USDC").Amount.BaseUnits);
        Assert.Empty(await watcher.PollAsync()); // nothing new, nothing changed
    }
}
