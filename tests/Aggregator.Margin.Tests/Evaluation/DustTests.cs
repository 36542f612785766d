using Aggregator.Margin.Evaluation;

namespace Aggregator.Margin.Tests.Evaluation;

/// <summary>
/// Dust (Aave v3.3's MIN_LEFTOVER_BASE): a partial liquidation that would leave a debt or the seized
/// collateral position worth less than the dust value (1,000 by default), but not nothing, is planned in
/// full instead. Known answers worked by hand (docs/margin.md, "Dust"): ETH at 2,000 (LT 0.825, bonus
/// 0.05), USDC at 1.
/// </summary>
public class DustTests
{
    private static PoolHealth Pool(string collateral, string debt, string parameters = "")
    {
        var scenario = ScenarioFixtures.WithAccounts(
            $$"""[{ "id": "x", "collateral": [{{collateral}}], "debt": [{ "asset": "USDC", "amount": "{{debt}}" }] }]""",
            parameters.Length == 0 ? "" : $$"""
            "params": { {{parameters}} },
            """);
        return PoolEvaluator.Evaluate(scenario.Accounts[0], scenario.ResolveMarket()).Cross;
    }

    private const string OneEth = """{ "chain": "eip155:1", "asset": "ETH", "amount": "1" }""";

    [Fact]
    public void A_half_that_would_leave_850_USDC_of_debt_is_a_full_liquidation()
    {
        // 1 ETH (1,650 weighted) against 1,700 USDC: HF 0.9706, close factor 0.5 would repay 850 and leave
        // 850 < 1,000 owed. In full: repay 1,700, seize 1,700 · 1.05 / 2,000 = 0.8925 ETH.
        var plan = Pool(OneEth, "1700").Liquidation!;
        Assert.Equal(1m, plan.CloseFactor);
        Assert.Equal("1700", plan.DebtToCover!.Value.ToString());
        Assert.Equal("0.8925", plan.CollateralToSeize!.Value.ToString());
    }

    [Fact]
    public void Below_the_configured_dust_value_the_close_factor_applies()
    {
        // The same pool with a dust value of 500: 850 left is not dust.
        var plan = Pool(OneEth, "1700", "\"dustValue\": \"500\"").Liquidation!;
        Assert.Equal(0.5m, plan.CloseFactor);
        Assert.Equal("850", plan.DebtToCover!.Value.ToString());
        Assert.Equal("0.44625", plan.CollateralToSeize!.Value.ToString()); // 850 · 1.05 / 2,000
        // And 0 turns the rule off.
        Assert.Equal(0.5m, Pool(OneEth, "1700", "\"dustValue\": 0").Liquidation!.CloseFactor);
    }

    [Fact]
    public void A_half_that_would_leave_661_25_of_the_seized_position_takes_it_whole()
    {
        // 1 ETH and 900 USDC (792 weighted) against 2,550 USDC: W = 2,442, HF 0.9576, close factor 0.5
        // would repay 1,275 and seize 0.669375 ETH, leaving 0.330625 ETH = 661.25 < 1,000. In full: 2,550 ·
        // 1.05 / 2,000 = 1.33875 ETH is more than the 1 ETH held, so seize all of it and repay
        // floor(2,000 / 1.05) = 1,904.761904 USDC.
        var plan = Pool($"{OneEth}, {{ \"chain\": \"eip155:1\", \"asset\": \"USDC\", \"amount\": \"900\" }}", "2550").Liquidation!;
        Assert.Equal(1m, plan.CloseFactor);
        Assert.Equal("ETH", plan.CollateralAsset!.Value.Symbol);
        Assert.Equal("1", plan.CollateralToSeize!.Value.ToString());
        Assert.Equal("1904.761904", plan.DebtToCover!.Value.ToString());
    }

    [Fact]
    public void A_partial_liquidation_leaving_more_than_dust_on_both_sides_keeps_the_close_factor()
    {
        // 10 ETH (16,500 weighted) against 17,000 USDC: HF 0.9706; half is 8,500 USDC, seizing 4.4625 ETH:
        // 8,500 owed and 5.5375 ETH (11,075) left, both above 1,000.
        var plan = Pool("""{ "chain": "eip155:1", "asset": "ETH", "amount": "10" }""", "17000").Liquidation!;
        Assert.Equal((0.5m, "8500", "4.4625"), (plan.CloseFactor, plan.DebtToCover!.Value.ToString(), plan.CollateralToSeize!.Value.ToString()));
    }

    [Fact]
    public void A_negative_dust_value_is_refused_naming_the_path() =>
        Assert.Contains("$.params.dustValue", Assert.Throws<Core.Errors.InputException>(() => Pool(OneEth, "1700", "\"dustValue\": \"-1\"")).Message, StringComparison.Ordinal);
}
