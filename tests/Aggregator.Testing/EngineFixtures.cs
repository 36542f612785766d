using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Engine;
using Aggregator.Margin.Scenarios;
using Xunit;

namespace Aggregator.Testing;

/// <summary>An engine over one chain and three assets, with accounts whose deposit addresses are known.</summary>
public static class EngineFixtures
{
    public static readonly ChainId Ethereum = ChainId.Parse("eip155:31337");
    public static readonly ChainId Solana = ChainId.Parse("solana:localnet");
    public static readonly AssetId Eth = new("ETH");
    public static readonly AssetId Usdc = new("USDC");
    public const ulong OneEth = 1_000_000_000_000_000_000UL;

    private const string Market = """
        {
          "params": { PARAMS },
          "assets": [
            { "symbol": "ETH", "decimals": 18, "ltv": "0.80", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000" },
            { "symbol": "BTC", "decimals": 8, "ltv": "0.70", "liquidationThreshold": "0.75", "liquidationBonus": "0.06", "price": "60000" },
            { "symbol": "USDC", "decimals": 6, "ltv": "0.85", "liquidationThreshold": "0.88", "liquidationBonus": "0.04", "price": "1" }
          ],
          "accounts": []
        }
        """;

    public static string Address(int account) => $"0x{account + 1:x40}";

    /// <param name="marketParams">The market's params, as JSON members (e.g. <c>"insuranceFundShare": "0.1"</c>).</param>
    public static EngineSettings Settings(int accounts, string marketParams = "") => new(
        ScenarioJson.Parse(Market.Replace("PARAMS", marketParams, StringComparison.Ordinal), "engine-fixture").ResolveMarket(),
        [Ethereum],
        [.. Enumerable.Range(0, accounts).Select(i => new EngineAccount($"account-{i}", [(Ethereum, Address(i))]))]);

    public static ObservationBatch Batch(ulong height, string hash, params (int Account, ulong Wei)[] balances) => new(
        Ethereum, height, hash,
        [.. balances.Select(b => new BalanceObservation(Address(b.Account), Eth, new Amount(b.Wei, 18)))],
        []);

    /// <summary>
    /// What any stream ending in <paramref name="finalWei"/> must leave: an engine over that many accounts,
    /// each owing <paramref name="usdcOwed"/> base units of USDC, with the final ETH balances applied at once.
    /// </summary>
    internal static EngineBook FreshEngine(IReadOnlyList<ulong> finalWei, ulong usdcOwed)
    {
        ArgumentNullException.ThrowIfNull(finalWei);
        var fresh = new EngineBook(Settings(finalWei.Count).CreateBook());
        for (var i = 0; i < finalWei.Count; i++)
        {
            fresh.Book.SetDebt(i, fresh.Book.AssetIndex(Usdc), usdcOwed);
        }
        fresh.Apply(Batch(1, "0xfinal", [.. finalWei.Select((wei, account) => (account, wei))]));
        return fresh;
    }

    /// <summary>Every account's status and health factor in <paramref name="actual"/> are <paramref name="expected"/>'s.</summary>
    internal static void AssertSameHealth(EngineBook expected, EngineBook actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(expected.Book.AccountCount, actual.Book.AccountCount);
        for (var i = 0; i < expected.Book.AccountCount; i++)
        {
            Assert.Equal((expected.Book.Status(i), expected.Book.HealthFactor(i)), (actual.Book.Status(i), actual.Book.HealthFactor(i)));
        }
    }
}
