using Aggregator.Core.Assets;
using Aggregator.Margin.Stress;

namespace Aggregator.Margin.Tests.Stress;

public class StressTestTests
{
    private static readonly AssetId Eth = new("ETH");

    private static StressReport Run(string accounts, decimal shock, decimal impact)
    {
        var scenario = ScenarioFixtures.WithAccounts(accounts);
        return StressTest.Run(scenario.Accounts, scenario.ResolveMarket(),
            new StressSettings(new Dictionary<AssetId, decimal> { [Eth] = shock }, new Dictionary<AssetId, decimal> { [Eth] = impact }));
    }

    private const string TwoBorrowers = """
        [{ "id": "a", "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "10" }], "debt": [{ "asset": "USDC", "amount": "12000" }] },
         { "id": "b", "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "10" }], "debt": [{ "asset": "USDC", "amount": "14000" }] }]
        """;

    [Fact]
    public void No_shock_on_healthy_accounts_liquidates_nothing()
    {
        var report = Run(TwoBorrowers, 0, 0);
        Assert.Empty(report.Rounds);
        Assert.True(report.Converged);
        Assert.Equal(0m, report.BadDebt);
    }

    [Fact]
    public void A_shock_past_the_largest_price_valued_is_refused_naming_it()
    {
        // ETH at 2,000: a shock of 499,999,999 takes it to 10^12 exactly (valued); more, up to decimal's largest, is refused.
        Assert.True(Run(TwoBorrowers, 499_999_999m, 0).Converged);
        foreach (var shock in new[] { 500_000_000m, decimal.MaxValue })
        {
            var refused = Assert.Throws<Core.Errors.InputException>(() => Run(TwoBorrowers, shock, 0));
            Assert.Equal("shocks", refused.Field);
            Assert.Contains("ETH", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_shock_liquidates_and_the_first_round_is_the_plan()
    {
        // ETH 2000 -> 1600: a: HF 13200/12000 = 1.1 (safe); b: 13200/14000 = 0.943 -> close factor 1.
        var report = Run(TwoBorrowers, -0.2m, 0);
        Assert.Equal(1600m, report.ShockedPrices[Eth]);
        var first = report.Rounds[0];
        Assert.Equal(1, first.Liquidations);
        Assert.Equal(14000m, first.Repaid[new AssetId("USDC")]);
        Assert.Equal(9.1875m, first.Sold[Eth]); // 14000 · 1.05 / 1600
        Assert.Single(report.Rounds);
        Assert.Empty(report.InsolventAccounts);
    }

    [Fact]
    public void Market_impact_cascades_into_further_rounds()
    {
        var calm = Run(TwoBorrowers, -0.2m, 0);
        var impact = Run(TwoBorrowers, -0.2m, 0.01m);
        // 9.1875 ETH sold at 1% per unit drops ETH by 9.1875%, which pushes a under water in round 2.
        Assert.Equal(1600m * (1 - 0.01m * 9.1875m), impact.Rounds[0].PricesAfter[Eth]);
        Assert.True(impact.Rounds.Count > calm.Rounds.Count);
        Assert.True(impact.LiquidatedVolume[Eth] > calm.LiquidatedVolume[Eth]);
        Assert.True(impact.Converged);
    }

    [Fact]
    public void What_cannot_be_recovered_is_reported_as_bad_debt()
    {
        // 1 ETH at 1000 against 2500 USDC: seize the whole ETH, repay 1000/1.05; the rest is bad debt.
        var report = Run("""[{ "id": "z", "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "1" }], "debt": [{ "asset": "USDC", "amount": "2500" }] }]""", -0.5m, 0);
        Assert.Equal(["z"], report.InsolventAccounts);
        Assert.Equal(2500m - 952.380952m, report.BadDebt);
        Assert.Equal(1m, report.LiquidatedVolume[Eth]);
    }
}
