using System.Net;
using System.Text.Json;
using Aggregator.Core.Amounts;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests;

public sealed class AccountEndpointTests : IDisposable
{
    private readonly LiveWorld _world = new();

    private IBus Bus => _world.Api.Services.GetRequiredService<IBus>();

    private static async Task<JsonElement> AccountWhen(HttpClient client, string account, Func<JsonElement, bool> condition, string what)
    {
        JsonElement found = default;
        await Eventually.Until(async () =>
        {
            using var response = await client.GetAsync(new Uri($"/v1/accounts/{account}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            found = ApiWorld.Json(await response.Content.ReadAsStringAsync());
            return condition(found);
        }, what);
        return found;
    }

    private Task Borrow(string account, ulong usdc) => Bus.Publish(new LedgerEntry(Guid.NewGuid().ToString(), account, LedgerEntryKind.Borrow, EngineFixtures.Usdc, new Amount(usdc * 1_000_000, 6), DateTimeOffset.UtcNow));

    [Fact]
    public async Task An_owner_reads_their_collateral_per_chain_with_heights_and_health_from_the_engines_views()
    {
        using var client = _world.Client(_world.Owner);
        await Bus.Publish(new CollateralObserved(EngineFixtures.Batch(5, "0x05", (0, 10 * EngineFixtures.OneEth), (1, EngineFixtures.OneEth))));
        await Borrow("account-0", 12_000);
        // docs/margin.md's example: 10 ETH at 2,000 with LT 0.825 against 12,000 USDC.
        var account = await AccountWhen(client, "account-0", a => a.GetProperty("debtValue").GetString() == "12000", "the borrow shows");
        Assert.Equal("1.375", account.GetProperty("healthFactor").GetString());
        Assert.Equal("healthy", account.GetProperty("status").GetString());
        Assert.Equal("4000", account.GetProperty("borrowingPower").GetString());
        Assert.Equal("20000", account.GetProperty("collateralValue").GetString());
        var eth = Assert.Single(account.GetProperty("collateral").EnumerateArray());
        Assert.Equal(("eip155:31337", "ETH", "10000000000000000000", "10", 5UL),
            (eth.GetProperty("chain").GetString(), eth.GetProperty("asset").GetString(), eth.GetProperty("baseUnits").GetString(), eth.GetProperty("amount").GetString(), eth.GetProperty("height").GetUInt64()));
        Assert.Equal(JsonValueKind.Null, account.GetProperty("liquidation").ValueKind);
        Assert.Equal("2000", account.GetProperty("prices").EnumerateArray().Single(p => p.GetProperty("asset").GetString() == "ETH").GetProperty("price").GetString());
        // A later block with the same balances: the engine's heights move on; the account's figures stand.
        await Bus.Publish(new CollateralObserved(EngineFixtures.Batch(6, "0x06", (0, 10 * EngineFixtures.OneEth), (1, EngineFixtures.OneEth))));
        account = await AccountWhen(client, "account-0", a => a.GetProperty("engineHeights")[0].GetProperty("height").GetUInt64() == 6, "the engine's heights move to 6");
        Assert.Equal(5UL, account.GetProperty("collateral")[0].GetProperty("height").GetUInt64());
    }

    [Fact]
    public async Task An_account_s_perps_show_marked_at_their_asset_s_price()
    {
        using var client = _world.Client(_world.Owner);
        await Bus.Publish(new CollateralObserved(EngineFixtures.Batch(5, "0x05", (0, 10 * EngineFixtures.OneEth))));
        // docs/margin.md's erin, on ETH: a 10 ETH long from 2,100 marked at 2,000.
        await Bus.Publish(new LedgerEntry(Guid.NewGuid().ToString(), "account-0", LedgerEntryKind.Perp, EngineFixtures.Eth, new Amount(10 * EngineFixtures.OneEth, 18), DateTimeOffset.UtcNow) { EntryPrice = 2100m });
        var account = await AccountWhen(client, "account-0", a => a.GetProperty("perps").GetArrayLength() == 1, "the perp shows");
        var perp = account.GetProperty("perps")[0];
        Assert.Equal(("ETH-PERP", "10", "2100", "2000", "-1000", "1000"),
            (perp.GetProperty("market").GetString(), perp.GetProperty("size").GetString(), perp.GetProperty("entryPrice").GetString(), perp.GetProperty("markPrice").GetString(),
             perp.GetProperty("unrealizedPnl").GetString(), perp.GetProperty("maintenanceMargin").GetString()));
        // 10 ETH at 2,000 · 0.825 less the 1,000 loss, over the 1,000 maintenance margin.
        Assert.Equal("15.5", account.GetProperty("healthFactor").GetString());
    }

    [Fact]
    public async Task A_liquidatable_account_shows_its_plan()
    {
        using var client = _world.Client(_world.LenderKey);
        await Bus.Publish(new CollateralObserved(EngineFixtures.Batch(5, "0x05", (1, EngineFixtures.OneEth))));
        // 1 ETH (1,650 weighted) against 1,800 USDC: HF 0.9166…, below 0.95, closed in full.
        await Borrow("account-1", 1_800);
        var account = await AccountWhen(client, "account-1", a => a.GetProperty("liquidation").ValueKind == JsonValueKind.Object, "the plan shows");
        Assert.Equal("liquidatable", account.GetProperty("status").GetString());
        Assert.Equal("0", account.GetProperty("borrowingPower").GetString());
        var plan = account.GetProperty("liquidation");
        Assert.Equal(("1", "USDC", "ETH"), (plan.GetProperty("closeFactor").GetString(), plan.GetProperty("debtAsset").GetString(), plan.GetProperty("collateralAsset").GetString()));
    }

    [Fact]
    public async Task An_owner_asks_the_engine_for_the_accounts_risk_and_a_caller_who_may_not_read_it_hears_the_one_refusal()
    {
        using var client = _world.Client(_world.Owner);
        await Bus.Publish(new CollateralObserved(EngineFixtures.Batch(5, "0x05", (0, 10 * EngineFixtures.OneEth))));
        await Borrow("account-0", 12_000);
        await AccountWhen(client, "account-0", a => a.GetProperty("debtValue").GetString() == "12000", "the borrow shows");
        using var response = await client.GetAsync(new Uri("/v1/accounts/account-0/risk", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var risk = ApiWorld.Json(await response.Content.ReadAsStringAsync());
        // docs/margin.md's alice, computed by the engine now: 10 ETH at 2,000 (LT 0.825) against 12,000 USDC.
        Assert.Equal(("1.375", "2.5"), (risk.GetProperty("healthFactor").GetString(), risk.GetProperty("effectiveLeverage").GetString()));
        var eth = risk.GetProperty("assets").EnumerateArray().Single(a => a.GetProperty("asset").GetString() == "ETH");
        Assert.Equal(("0.0006875", "0", "0.01375"), (eth.GetProperty("delta").GetString(), eth.GetProperty("gamma").GetString(), eth.GetProperty("healthChangeUp1Percent").GetString()));
        Assert.StartsWith("1454.54545454", eth.GetProperty("liquidationPrice").GetString(), StringComparison.Ordinal);
        Assert.Equal("ETH", risk.GetProperty("largestMoveSurvived").GetProperty("asset").GetString());

        using var stranger = _world.Client(_world.Owner);
        using var refused = await stranger.GetAsync(new Uri("/v1/accounts/account-1/risk", UriKind.Relative));
        using var unknown = await _world.Client(_world.OperatorKey).GetAsync(new Uri("/v1/accounts/nobody/risk", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(await refused.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_refusal_of_an_account_is_the_same_answer()
    {
        await Bus.Publish(new CollateralObserved(EngineFixtures.Batch(5, "0x05", (0, EngineFixtures.OneEth))));
        using var operators = _world.Client(_world.OperatorKey);
        await AccountWhen(operators, "account-2", _ => true, "the views arrive");
        var answers = new List<(string Why, HttpStatusCode Status, string Body)>();
        foreach (var (why, bearer, account) in new (string, string?, string)[]
        {
            ("no credential", null, "account-0"),
            ("the owner asking for another account", _world.Owner, "account-1"),
            ("the owner asking for an account that does not exist", _world.Owner, "nobody"),
            ("a key asking for an account it may not read", _world.LenderKey, "account-2"),
            ("a key asking for an account that does not exist", _world.LenderKey, "nobody"),
            ("the operators asking for an account that does not exist", _world.OperatorKey, "nobody"),
            ("a made-up credential", "agc_00000000000000aa_" + new string('x', 43), "account-0"),
        })
        {
            using var client = _world.Client(bearer);
            using var response = await client.GetAsync(new Uri($"/v1/accounts/{account}", UriKind.Relative));
            answers.Add((why, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.NotFound && a.Body == answers[0].Body, $"{a.Why}: {a.Status} {a.Body}"));
    }

    [Fact]
    public async Task The_market_shows_each_assets_price_and_status_to_any_caller_known()
    {
        using var anonymous = _world.Client(null);
        using (var refused = await anonymous.GetAsync(new Uri("/v1/markets", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        await Bus.Publish(new CollateralObserved(EngineFixtures.Batch(5, "0x05", (0, EngineFixtures.OneEth))));
        using var client = _world.Client(_world.Owner);
        JsonElement market = default;
        await Eventually.Until(async () =>
        {
            using var response = await client.GetAsync(new Uri("/v1/markets", UriKind.Relative));
            market = response.StatusCode == HttpStatusCode.OK ? ApiWorld.Json(await response.Content.ReadAsStringAsync()) : default;
            return response.StatusCode == HttpStatusCode.OK;
        }, "the market is reported");
        var eth = market.GetProperty("assets").EnumerateArray().Single(a => a.GetProperty("asset").GetString() == "ETH");
        Assert.Equal(("2000", "ok"), (eth.GetProperty("price").GetString(), eth.GetProperty("status").GetString()));
    }

    public void Dispose() => _world.Dispose();
}
