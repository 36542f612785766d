using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Chains.Solana.Encoding;
using Aggregator.Chains.Solana.Rpc;
using Aggregator.Core.Chains;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Aggregator.IntegrationTests.Solana;

/// <summary>The Solana adapter against a real SVM: real mints, real token accounts, real transfers of lamports.</summary>
[Collection(SolanaServerTests.Name)]
public sealed class SolanaBalanceReaderTests(SolanaTestServer server)
{
    private static string NewAddress() => Base58.Encode(new Ed25519PrivateKeyParameters(new SecureRandom()).GeneratePublicKey().GetEncoded());

    [Fact]
    public async Task Sol_and_token_balances_of_both_token_programs_are_read_at_the_finalized_slot()
    {
        var usdc = await server.CallAsync("test_createMint", 6, "token");
        var pyusd = await server.CallAsync("test_createMint", 6, "token-2022");
        var owners = Enumerable.Range(0, 150).Select(_ => NewAddress()).ToArray();
        for (var i = 0; i < owners.Length; i++)
        {
            await server.CallAsync("test_airdrop", owners[i], (1_000_000_000L * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (i % 2 == 0)
            {
                await server.CallAsync("test_mintTo", usdc, owners[i], (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (i % 3 == 0)
            {
                await server.CallAsync("test_mintTo", pyusd, owners[i], "77");
                await server.CallAsync("test_mintTo", pyusd, owners[i], "23");
            }
        }
        var options = new SolanaChainOptions
        {
            Name = "litesvm", Cluster = "localnet", RpcUrl = server.Url, Addresses = owners,
            Tokens = [new("USDC", usdc, 6), new("PYUSD", pyusd, 6, SolanaPrograms.Token2022)],
        };
        var batch = await new SolanaBalanceReader(new SolanaRpcClient(server.Http, server.Url), options).ReadAsync();

        Assert.Equal("solana:localnet", batch.Chain.ToString());
        Assert.True(batch.Height > 0);
        Assert.Equal(3 * owners.Length, batch.Balances.Count); // 150 owners: more than one JSON-RPC batch
        for (var i = 0; i < owners.Length; i++)
        {
            Assert.Equal(new BigInteger(1_000_000_000L * (i + 1)), Balance(batch, owners[i], "SOL"));
            Assert.Equal(i % 2 == 0 ? new BigInteger(1000 + i) : BigInteger.Zero, Balance(batch, owners[i], "USDC"));
            Assert.Equal(i % 3 == 0 ? new BigInteger(100) : BigInteger.Zero, Balance(batch, owners[i], "PYUSD"));
        }
        Assert.Equal(9, batch.Balances.First(b => b.Asset.Symbol == "SOL").Amount.Decimals);
    }

    private static BigInteger Balance(Core.Observations.ObservationBatch batch, string owner, string symbol) =>
        batch.Balances.Single(b => b.Address == owner && b.Asset.Symbol == symbol).Amount.BaseUnits;

    [Fact]
    public async Task A_token_configured_with_the_wrong_decimals_is_refused()
    {
        var mint = await server.CallAsync("test_createMint", 9, "token");
        var options = new SolanaChainOptions { Name = "litesvm", Cluster = "localnet", RpcUrl = server.Url, Addresses = [NewAddress()], Tokens = [new("X", mint, 6)] };
        var error = await Assert.ThrowsAsync<ChainMismatchException>(() => new SolanaBalanceReader(new SolanaRpcClient(server.Http, server.Url), options).ReadAsync());
        Assert.Contains("is not a 6-decimal mint", error.Message);
    }

    [Fact]
    public async Task A_slot_the_node_has_not_reached_is_retried_then_a_failed_read()
    {
        var owner = NewAddress();
        await server.CallAsync("test_airdrop", owner, "5");
        // A node that pins a slot it has not reached (a load balancer's other backend, say): every read at it fails.
        using var proxy = new RewritingProxy(server.Url, (method, result) =>
            method == "getSlot" ? JsonValue.Create(result!.GetValue<ulong>() + 1_000_000) : result);
        var resilience = new RpcResilienceOptions { MaxRetries = 2, FirstDelay = TimeSpan.FromMilliseconds(5) };
        var options = new SolanaChainOptions { Name = "litesvm", Cluster = "localnet", RpcUrl = proxy.Url, Addresses = [owner] };
        var error = await Assert.ThrowsAsync<ChainReadFailedException>(() => new SolanaBalanceReader(new SolanaRpcClient(server.Http, proxy.Url, resilience), options).ReadAsync());
        Assert.Contains("Minimum context slot has not been reached", error.Message);
        Assert.Equal(3, proxy.Calls("getBalance")); // one try and two retries
    }

    [Fact]
    public async Task A_read_at_a_slot_the_node_reaches_after_a_retry_succeeds()
    {
        var owner = NewAddress();
        await server.CallAsync("test_airdrop", owner, "1000000000");
        var lied = 0;
        var advanced = 0;
        ulong pinned = 0;
        // The first getSlot answers one slot ahead; the node gets there before the retry of the balance read.
        using var proxy = new RewritingProxy(server.Url,
            (method, result) =>
            {
                if (method != "getSlot" || Interlocked.Increment(ref lied) != 1)
                {
                    return result;
                }
                pinned = result!.GetValue<ulong>() + 1;
                return JsonValue.Create(pinned);
            },
            afterAnswer: async method =>
            {
                if (method == "getBalance" && Interlocked.Increment(ref advanced) == 1)
                {
                    await server.CallAsync("test_advanceSlot", 1);
                }
            });
        var resilience = new RpcResilienceOptions { FirstDelay = TimeSpan.FromMilliseconds(5) };
        var options = new SolanaChainOptions { Name = "litesvm", Cluster = "localnet", RpcUrl = proxy.Url, Addresses = [owner] };
        var batch = await new SolanaBalanceReader(new SolanaRpcClient(server.Http, proxy.Url, resilience), options).ReadAsync();
        Assert.Equal(2, proxy.Calls("getBalance")); // refused once, then answered
        Assert.Equal(pinned, batch.Height);
        Assert.Equal(new BigInteger(1_000_000_000), Balance(batch, owner, "SOL"));
    }

    [Fact]
    public async Task A_read_that_spans_slots_is_at_its_highest_slot_and_names_the_lowest()
    {
        var mint = await server.CallAsync("test_createMint", 6, "token");
        var owner = NewAddress();
        await server.CallAsync("test_airdrop", owner, "1000000000");
        await server.CallAsync("test_mintTo", mint, owner, "42");
        var first = ulong.Parse(await server.CallAsync("getSlot"), System.Globalization.CultureInfo.InvariantCulture);
        // The cluster finalizes slots between the SOL and the token reads, as a live one does: the read
        // is not done again (a read of many calls would rarely fit one slot), it says what it spans.
        using var proxy = new RewritingProxy(server.Url, afterAnswer: method =>
            method == "getBalance" ? server.CallAsync("test_advanceSlot", 3) : Task.CompletedTask);
        var options = new SolanaChainOptions { Name = "litesvm", Cluster = "localnet", RpcUrl = proxy.Url, Addresses = [owner], Tokens = [new("USDC", mint, 6)] };
        var read = await new SolanaBalanceReader(new SolanaRpcClient(server.Http, proxy.Url), options).ReadSpanAsync(0);
        Assert.Equal(1, proxy.Calls("getSlot"));
        Assert.Equal(first, read.FirstSlot);
        Assert.Equal(first + 3, read.Batch.Height);
        Assert.Equal(new BigInteger(42), Balance(read.Batch, owner, "USDC"));
        Assert.Equal(new BigInteger(1_000_000_000), Balance(read.Batch, owner, "SOL"));
    }
}
