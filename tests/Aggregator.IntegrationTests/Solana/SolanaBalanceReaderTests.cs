using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Chains.Solana.Encoding;
using Aggregator.Chains.Solana.Rpc;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Aggregator.IntegrationTests.Solana;

/// <summary>The Solana adapter against a real SVM: real mints, real token accounts, real transfers of lamports.</summary>
public sealed class SolanaBalanceReaderTests(SolanaTestServer server) : IClassFixture<SolanaTestServer>
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
    public async Task Answers_have_the_documented_shape()
    {
        var mint = await server.CallAsync("test_createMint", 2, "token");
        var owner = NewAddress();
        await server.CallAsync("test_mintTo", mint, owner, "12345");
        var answer = await server.RawAsync("getTokenAccountsByOwner", owner, new JsonObject { ["programId"] = SolanaPrograms.Token }, new JsonObject { ["encoding"] = "jsonParsed", ["commitment"] = "finalized" });
        var result = answer["result"]!;
        Assert.True(result["context"]!["slot"]!.GetValue<ulong>() > 0);
        var account = result["value"]![0]!;
        Assert.InRange(account["pubkey"]!.GetValue<string>().Length, 43, 44);
        var info = account["account"]!["data"]!["parsed"]!["info"]!;
        Assert.Equal("account", account["account"]!["data"]!["parsed"]!["type"]!.GetValue<string>());
        Assert.Equal("spl-token", account["account"]!["data"]!["program"]!.GetValue<string>());
        Assert.Equal("12345", info["tokenAmount"]!["amount"]!.GetValue<string>());
        Assert.Equal(2, info["tokenAmount"]!["decimals"]!.GetValue<int>());
        Assert.Equal(SolanaPrograms.Token, account["account"]!["owner"]!.GetValue<string>());
        Assert.Equal(ulong.MaxValue, ulong.Parse(account["account"]!["rentEpoch"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));

        var accounts = await new SolanaRpcClient(server.Http, server.Url).GetMultipleAccountsAsync([mint, NewAddress()], 0);
        Assert.Equal(SolanaPrograms.Token, accounts[0]!.Value.Owner);
        Assert.Equal(2, accounts[0]!.Value.Data[44]);
        Assert.Equal(ulong.MaxValue, accounts[0]!.Value.RentEpoch);
        Assert.Null(accounts[1]);
    }

    [Fact]
    public async Task A_token_configured_with_the_wrong_decimals_is_refused()
    {
        var mint = await server.CallAsync("test_createMint", 9, "token");
        var options = new SolanaChainOptions { Name = "litesvm", Cluster = "localnet", RpcUrl = server.Url, Addresses = [NewAddress()], Tokens = [new("X", mint, 6)] };
        var error = await Assert.ThrowsAsync<MintMismatchException>(() => new SolanaBalanceReader(new SolanaRpcClient(server.Http, server.Url), options).ReadAsync());
        Assert.Contains("is not a 6-decimal mint", error.Message);
    }

    [Fact]
    public async Task A_slot_the_node_has_not_reached_is_retried_then_a_failed_read()
    {
        var client = new SolanaRpcClient(server.Http, server.Url);
        var slot = await client.GetSlotAsync();
        var error = await Assert.ThrowsAsync<SolanaRpcException>(() => client.GetBalancesAsync([NewAddress()], slot + 1_000_000));
        Assert.Equal(-32016, error.Code);
    }
}
