using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Margin.BadDebt;
using Aggregator.Margin.Stress;

namespace Aggregator.Margin.Tests.BadDebt;

/// <summary>
/// The insurance fund and the deficit (docs/margin.md, "Bad debt"): known answers worked by hand, and
/// through a stress test whose cascade leaves a pool without collateral.
/// </summary>
public class InsuranceFundTests
{
    private static readonly AssetId Eth = new("ETH"), Usdc = new("USDC");

    [Fact]
    public void A_liquidation_pays_the_fund_its_share_of_the_bonus_in_the_seized_asset()
    {
        var fund = new InsuranceFund(new Dictionary<AssetId, decimal>(), 0.1m);
        // 1.05 ETH seized with a 5% bonus: the bonus is 1.05 · 0.05 / 1.05 = 0.05 ETH; the fund takes 10%.
        Assert.Equal(0.005m, fund.CreditLiquidation(Eth, 1.05m, 0.05m));
        Assert.Equal(0.005m, fund.Balance(Eth));
        // With no share, nothing moves.
        Assert.Equal(0m, new InsuranceFund(new Dictionary<AssetId, decimal>(), 0m).CreditLiquidation(Eth, 1.05m, 0.05m));
    }

    [Fact]
    public void A_deficit_is_covered_as_far_as_the_fund_of_its_asset_goes()
    {
        var fund = new InsuranceFund(new Dictionary<AssetId, decimal> { [Usdc] = 1000m, [Eth] = 5m }, 0m);
        Assert.Equal((1000m, 500m), fund.Cover(Usdc, 1500m)); // drawn 1,000, 500 left to the institution
        Assert.Equal(0m, fund.Balance(Usdc));
        Assert.Equal((0m, 20m), fund.Cover(Usdc, 20m)); // nothing left in USDC; ETH is not spent on it
        Assert.Equal(5m, fund.Balance(Eth));
        Assert.Equal((2m, 0m), fund.Cover(Eth, 2m));
        Assert.Equal(3m, fund.Balance(Eth));
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    public void A_fee_share_outside_0_to_1_is_refused(string share) =>
        Assert.Contains("a fraction from 0 to 1", Assert.Throws<InputException>(() => new InsuranceFund(new Dictionary<AssetId, decimal>(), decimal.Parse(share, System.Globalization.CultureInfo.InvariantCulture))).Message, StringComparison.Ordinal);

    [Fact]
    public void A_negative_balance_is_refused_naming_the_asset() =>
        Assert.Contains("the fund's USDC balance is -1", Assert.Throws<InputException>(() => new InsuranceFund(new Dictionary<AssetId, decimal> { [Usdc] = -1m }, 0m)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_stress_that_exhausts_a_pools_collateral_records_its_debt_as_a_deficit_and_the_fund_covers_what_it_holds()
    {
        // 1 ETH against 1,900 USDC; ETH falls 50% to 1,000: 1,000 < 1,900, insolvent. The plan seizes the
        // whole ETH (1,900 · 1.05 / 1,000 > 1) and repays floor(1 · 1,000 / 1.05) = 952.380952 USDC, so
        // 947.619048 USDC is owed with no collateral left: the deficit. The fund (its share 0.1 of the
        // bonus: 1 · 0.05 / 1.05 · 0.1 = 0.0047619… ETH) holds 500 USDC: it draws 500, 447.619048 is left.
        var scenario = ScenarioFixtures.WithAccounts("""[{ "id": "x", "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "1" }], "debt": [{ "asset": "USDC", "amount": "1900" }] }]""");
        var report = StressTest.Run(scenario.Accounts, scenario.ResolveMarket(),
            new StressSettings(new Dictionary<AssetId, decimal> { [Eth] = -0.5m }, new Dictionary<AssetId, decimal>())
            {
                Fund = new Dictionary<AssetId, decimal> { [Usdc] = 500m },
                FundShare = 0.1m,
            });
        Assert.Equal(947.619048m, report.Deficit[Usdc]);
        Assert.Equal(500m, report.Fund.Drawn[Usdc]);
        Assert.Equal(447.619048m, report.DeficitLeft[Usdc]);
        Assert.Equal(0m, report.Fund.End[Usdc]);
        Assert.Equal(0.05m / 1.05m * 0.1m, report.Fund.Credited[Eth]);
        Assert.Equal(report.Fund.Credited[Eth], report.Fund.End[Eth]);
        Assert.Equal(947.619048m, report.BadDebt); // at the final prices, nothing held against it
    }
}
