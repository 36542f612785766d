using Aggregator.Core.Assets;
using Aggregator.Core.Positions;
using Aggregator.Margin.BadDebt;
using Aggregator.Margin.Stress;

namespace Aggregator.Margin.Tests.BadDebt;

/// <summary>
/// Auto-deleveraging (docs/margin.md, "Auto-deleveraging"): the ranking, the bankruptcy price, and a
/// stress test whose perp loss the fund cannot cover, all worked by hand.
/// </summary>
public class AutoDeleveragingTests
{
    private static readonly AssetId Eth = new("ETH"), Usdc = new("USDC");

    [Fact]
    public void The_rank_is_profit_share_times_leverage_and_a_loser_divides_instead()
    {
        // Short 5 from 1,800 marked 1,600 with equity 3,000: PnL% = 1,000 / 9,000, leverage = 8,000 / 3,000.
        Assert.Equal(1000m / 9000m * (8000m / 3000m), AutoDeleveraging.Rank(new PerpPosition("ETH-PERP", -5, 1800, 1600, 0.05m), 3000m));
        // Short 10 from 1,500 marked 1,600 with equity 49,000: PnL% = −1,000 / 15,000, divided by 16,000 / 49,000.
        Assert.Equal(-1000m / 15000m / (16000m / 49000m), AutoDeleveraging.Rank(new PerpPosition("ETH-PERP", -10, 1500, 1600, 0.05m), 49000m));
        // A pool without equity is bankrupt itself: never a counterparty.
        Assert.Null(AutoDeleveraging.Rank(new PerpPosition("ETH-PERP", -5, 1800, 1600, 0.05m), 0m));
        // An equity of 10^-27 under 10^14 ETH at 10^12: the leverage passes decimal's range and ranks as the
        // largest there is (a winner first of all, a loser's rank next to zero) instead of throwing.
        Assert.Equal(0.1m / 1.1m * decimal.MaxValue, AutoDeleveraging.Rank(new PerpPosition("ETH-PERP", -1e14m, 1.1e12m, 1e12m, 0.05m), 1e-27m));
        Assert.Equal(0m, decimal.Round(AutoDeleveraging.Rank(new PerpPosition("ETH-PERP", 1e14m, 1.1e12m, 1e12m, 0.05m), 1e-27m)!.Value, 20));
    }

    [Fact]
    public void The_bankruptcy_price_is_where_the_perps_share_of_the_loss_uses_up_its_margin()
    {
        // Long 10 marked 1,600 with a shortfall of 3,000: bankrupt at 1,600 + 3,000 / 10 = 1,900. The fund
        // covered 1,000, so two thirds of the position is closed there.
        var shortfall = Assert.Single(AutoDeleveraging.Shortfalls("zed", [new PerpPosition("ETH-PERP", 10, 2000, 1600, 0.05m)], 3000m, 1000m));
        Assert.Equal(1900m, shortfall.BankruptcyPrice);
        Assert.Equal(10m * (2000m / 3000m), shortfall.Quantity);
        // A short's bankruptcy price is below its mark; a winning perp is not closed.
        var both = AutoDeleveraging.Shortfalls("zed", [new PerpPosition("SOL-PERP", -4, 100, 150, 0.05m), new PerpPosition("ETH-PERP", 1, 1000, 1100, 0.05m)], 100m, 0m);
        Assert.Equal(125m, Assert.Single(both).BankruptcyPrice);
        // Covered in full: nothing to close.
        Assert.Empty(AutoDeleveraging.Shortfalls("zed", [new PerpPosition("ETH-PERP", 10, 2000, 1600, 0.05m)], 3000m, 3000m));
    }

    [Fact]
    public void A_perp_loss_the_fund_cannot_cover_is_closed_against_the_highest_ranked_opposite_positions_at_the_bankruptcy_price()
    {
        // ETH falls 20% to 1,600. zed: 1,000 USDC and long 10 ETH-PERP from 2,000: PnL −4,000, equity −3,000,
        // shortfall 3,000. The fund's 1,000 USDC covers 1,000; 2,000 is left: 2/3 of the 10 contracts close
        // at 1,900. Ranks: ben (short 5 from 1,800, equity 3,000) 0.2963 > amy (short 5 from 2,000, equity
        // 12,000) 0.1333 > cat (a losing short) −0.2041; the long dan is on zed's side. ben gives all 5,
        // amy the remaining 1.6667. They give up (1,900 − 1,600) · 6.6667 = 2,000: nothing is left.
        var scenario = ScenarioFixtures.WithAccounts("""
            [
              { "id": "zed", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "1000" }], "perps": [{ "market": "ETH-PERP", "size": "10", "entryPrice": "2000", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] },
              { "id": "amy", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "10000" }], "perps": [{ "market": "ETH-PERP", "size": "-5", "entryPrice": "2000", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] },
              { "id": "ben", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "2000" }], "perps": [{ "market": "ETH-PERP", "size": "-5", "entryPrice": "1800", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] },
              { "id": "cat", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "50000" }], "perps": [{ "market": "ETH-PERP", "size": "-10", "entryPrice": "1500", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] },
              { "id": "dan", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "50000" }], "perps": [{ "market": "ETH-PERP", "size": "3", "entryPrice": "1000", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] }
            ]
            """);
        var report = StressTest.Run(scenario.Accounts, scenario.ResolveMarket(), Settings(fund: 1000m));
        Assert.Equal(3000m, report.PerpShortfall);
        Assert.Equal(1000m, report.Fund.Drawn[Usdc]);
        Assert.Equal(0m, report.Fund.End[Usdc]);
        Assert.Collection(report.Deleveraged,
            ben => Assert.Equal(("zed", "ETH-PERP", 1900m, "ben", 5m), (ben.BankruptPool, ben.Market, ben.BankruptcyPrice, ben.Pool, ben.Quantity)),
            amy => Assert.Equal(("amy", 10m * (2000m / 3000m) - 5m), (amy.Pool, amy.Quantity)));
        Assert.Equal(0m, report.PerpShortfallLeft);
    }

    [Fact]
    public void What_no_counterparty_can_take_is_left_to_the_institution_and_a_full_fund_deleverages_nobody()
    {
        // One short of 2 against zed's 10: 8 contracts of the (3,000 − 0) shortfall find no one, each
        // 300 from the mark: 2,400 left.
        var accounts = """
            [
              { "id": "zed", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "1000" }], "perps": [{ "market": "ETH-PERP", "size": "10", "entryPrice": "2000", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] },
              { "id": "amy", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "10000" }], "perps": [{ "market": "ETH-PERP", "size": "-2", "entryPrice": "2000", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] }
            ]
            """;
        var scenario = ScenarioFixtures.WithAccounts(accounts);
        var thin = StressTest.Run(scenario.Accounts, scenario.ResolveMarket(), Settings(fund: 0m));
        Assert.Equal(2m, Assert.Single(thin.Deleveraged).Quantity);
        Assert.Equal(2400m, thin.PerpShortfallLeft);

        var full = StressTest.Run(scenario.Accounts, scenario.ResolveMarket(), Settings(fund: 5000m));
        Assert.Empty(full.Deleveraged);
        Assert.Equal(0m, full.PerpShortfallLeft);
        Assert.Equal(2000m, full.Fund.End[Usdc]);
    }

    private static StressSettings Settings(decimal fund) =>
        new(new Dictionary<AssetId, decimal> { [Eth] = -0.2m }, new Dictionary<AssetId, decimal>())
        {
            Fund = new Dictionary<AssetId, decimal> { [Usdc] = fund },
            PerpSettlement = Usdc,
        };
}
