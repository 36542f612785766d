using Aggregator.Testing;
using Nethereum.Web3;

namespace Aggregator.IntegrationTests.Evm;

/// <summary>
/// A real EVM JSON-RPC node: the one named by AGGREGATOR_EVM_RPC, else anvil (npm @foundry-rs/anvil,
/// installed by `npm ci` in contracts/) started on a free 127.0.0.1 port and stopped at the end. A node
/// that cannot be had fails the tests with the reason; it is never a skip.
/// </summary>
public sealed class AnvilNode : IAsyncLifetime
{
    /// <summary>anvil's well-known development keys (accounts 0 to 4 of its default mnemonic).</summary>
    public static readonly string[] DevelopmentKeys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    ];

    private Demo.LocalServer? _anvil;

    public string RpcUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("AGGREGATOR_EVM_RPC");
        if (!string.IsNullOrEmpty(configured))
        {
            RpcUrl = configured;
            await WaitUntilAnswering(TimeSpan.FromSeconds(10), "AGGREGATOR_EVM_RPC").ConfigureAwait(false);
            return;
        }
        // The demo's launcher: its own port, its on-disk states removed when it stops.
        _anvil = await Demo.LocalServer.StartAnvilAsync(RepositoryPaths.Root, 31337, CancellationToken.None).ConfigureAwait(false);
        RpcUrl = _anvil.Url;
    }

    public Task DisposeAsync()
    {
        _anvil?.Dispose();
        return Task.CompletedTask;
    }

    public Web3 Web3For(int account) => new(new Nethereum.Web3.Accounts.Account(DevelopmentKeys[account], 31337), RpcUrl);

    /// <summary>
    /// The chain's time now: that of a block mined for the purpose. The latest block's time alone can lag:
    /// the node stamps a new block with its own clock, which ran on since (or the latest block's time plus
    /// one, once a test has mined ahead of the wall clock).
    /// </summary>
    public async Task<ulong> ChainTimeAsync()
    {
        await Demo.JsonRpc.CallAsync(Http, RpcUrl, "evm_mine", []).ConfigureAwait(false);
        return await Demo.AnvilClock.NowAsync(Http, RpcUrl).ConfigureAwait(false);
    }

    /// <summary>
    /// A block a second (or one block, for a long leap) until the latest block's time is after
    /// <paramref name="time"/>, then <paramref name="more"/> blocks: time passing, on the chain.
    /// </summary>
    public Task MinePastAsync(ulong time, int more = 0, bool oneBlock = false) => Demo.AnvilClock.MinePastAsync(Http, RpcUrl, time, more, oneBlock);

    /// <summary>Sets an address's native balance (anvil_setBalance).</summary>
    public Task SetBalanceAsync(string address, System.Numerics.BigInteger wei) =>
        Demo.JsonRpc.CallAsync(Http, RpcUrl, "anvil_setBalance", [address, new Nethereum.Hex.HexTypes.HexBigInteger(wei).HexValue]);

    /// <summary>Mines one block at exactly <paramref name="time"/> (after the latest block's).</summary>
    public async Task MineAtAsync(ulong time)
    {
        await Demo.JsonRpc.CallAsync(Http, RpcUrl, "evm_setNextBlockTimestamp", [new Nethereum.Hex.HexTypes.HexBigInteger(time).HexValue]).ConfigureAwait(false);
        await Demo.JsonRpc.CallAsync(Http, RpcUrl, "evm_mine", []).ConfigureAwait(false);
    }

    /// <summary>Mines <paramref name="blocks"/> blocks a second apart: anvil finalizes a block 64 blocks back.</summary>
    public Task MineBlocksAsync(int blocks) => Demo.JsonRpc.CallAsync(Http, RpcUrl, "anvil_mine", [$"0x{blocks:x}", "0x1"]);

    private static readonly HttpClient Http = new();

    private async Task WaitUntilAnswering(TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await new Web3(RpcUrl).Eth.ChainId.SendRequestAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception error) when (error is HttpRequestException or Nethereum.JsonRpc.Client.RpcClientUnknownException or TaskCanceledException)
            {
                last = error;
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
        throw new InvalidOperationException($"{what} did not answer eth_chainId within {limit.TotalSeconds} s: {last?.Message}");
    }
}
