using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Scenarios;

namespace Aggregator.Margin.Tests.Evaluation;

public class PoolEvaluatorTests
{
    private static AccountHealth Evaluate(Scenario scenario, string accountId)
    {
        var market = scenario.ResolveMarket();
        return PoolEvaluator.Evaluate(scenario.Accounts.Single(a => a.Id == accountId), market);
    }

    [Fact]
    public void Health_factor_is_weighted_collateral_over_debt_as_in_Aave()
    {
        var alice = Evaluate(ScenarioFixtures.Example(), "alice").Cross;
        Assert.Equal(20000m, alice.CollateralValue);
        Assert.Equal(16500m, alice.WeightedCollateral); // 10 ETH · 2000 · 0.825
        Assert.Equal(12000m, alice.Requirement);
        Assert.Equal(1.375m, alice.HealthFactor);
        Assert.Equal(MarginStatus.Healthy, alice.Status);
        Assert.Equal(4000m, alice.BorrowingPower); // 10 · 2000 · 0.80 - 12000
        Assert.Null(alice.Liquidation);
    }

    [Fact]
    public void A_chain_haircut_discounts_bridged_collateral()
    {
        var bob = Evaluate(ScenarioFixtures.Example(), "bob").Cross;
        Assert.Equal(12585m, bob.WeightedCollateral); // 5·2000·0.825·(1-0.02) + 0.1·60000·0.75
        Assert.Equal(MarginStatus.MarginCall, bob.Status);
    }

    [Fact]
    public void Below_095_the_whole_debt_may_be_repaid()
    {
        var carol = Evaluate(ScenarioFixtures.Example(), "carol").Cross;
        Assert.Equal(MarginStatus.Liquidatable, carol.Status);
        var plan = carol.Liquidation!;
        Assert.Equal(1m, plan.CloseFactor);
        Assert.Equal("USDC", plan.DebtAsset!.Value.Symbol);
        Assert.Equal("7000", plan.DebtToCover!.Value.ToString());
        Assert.Equal("eip155:1", plan.CollateralChain!.Value.ToString());
        Assert.Equal("3.675", plan.CollateralToSeize!.Value.ToString()); // 7000 · 1 · 1.05 / 2000
    }

    [Fact]
    public void Seizure_is_capped_by_the_position_and_the_repayment_shrinks_to_match()
    {
        var dave = Evaluate(ScenarioFixtures.Example(), "dave").Cross;
        Assert.Equal(MarginStatus.Insolvent, dave.Status);
        Assert.Equal("1", dave.Liquidation!.CollateralToSeize!.Value.ToString());
        Assert.Equal("1904.761904", dave.Liquidation.DebtToCover!.Value.ToString()); // floor(1 · 2000 / 1.05, 6 decimals)
    }

    [Fact]
    public void Between_095_and_1_half_the_debt_may_be_repaid()
    {
        // weighted 10·2000·0.825 = 16500; debt 17000 -> HF 0.97
        var scenario = ScenarioFixtures.WithAccounts("""[{ "id": "x", "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "10" }], "debt": [{ "asset": "USDC", "amount": "17000" }] }]""");
        var health = Evaluate(scenario, "x").Cross;
        Assert.Equal(MarginStatus.Liquidatable, health.Status);
        Assert.Equal(0.5m, health.Liquidation!.CloseFactor);
        Assert.Equal("8500", health.Liquidation.DebtToCover!.Value.ToString());
        Assert.Equal("4.4625", health.Liquidation.CollateralToSeize!.Value.ToString()); // 8500 · 1.05 / 2000
    }

    [Fact]
    public void The_largest_debt_and_the_largest_collateral_position_are_chosen()
    {
        var scenario = ScenarioFixtures.WithAccounts("""
            [{ "id": "x",
               "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "1" }, { "chain": "eip155:10", "asset": "BTC", "amount": "0.1" }, { "chain": "eip155:1", "asset": "USDC", "amount": "100" }],
               "debt": [{ "asset": "USDC", "amount": "3000" }, { "asset": "ETH", "amount": "2" }] }]
            """);
        var plan = Evaluate(scenario, "x").Cross.Liquidation!;
        Assert.Equal("ETH", plan.DebtAsset!.Value.Symbol);         // 4000 of ETH debt > 3000 of USDC
        Assert.Equal("BTC", plan.CollateralAsset!.Value.Symbol);   // 6000 of BTC > 2000 of ETH > 100 of USDC
        Assert.Equal("eip155:10", plan.CollateralChain!.Value.ToString());
    }

    [Fact]
    public void Equal_values_go_to_the_first_chain_then_the_first_symbol_whatever_the_order_listed()
    {
        var scenario = ScenarioFixtures.WithAccounts("""
            [{ "id": "x",
               "collateral": [{ "chain": "eip155:10", "asset": "ETH", "amount": "1" }, { "chain": "eip155:1", "asset": "ETH", "amount": "1" }],
               "debt": [{ "asset": "USDC", "amount": "2000" }, { "asset": "ETH", "amount": "1" }] }]
            """);
        var plan = Evaluate(scenario, "x").Cross.Liquidation!;
        Assert.Equal("ETH", plan.DebtAsset!.Value.Symbol);                 // 2000 each: "ETH" before "USDC"
        Assert.Equal("eip155:1", plan.CollateralChain!.Value.ToString());  // 2000 each: "eip155:1" before "eip155:10"
    }

    [Fact]
    public void A_stale_price_freezes_the_account_no_liquidation_no_borrowing()
    {
        var frank = Evaluate(ScenarioFixtures.Example(), "frank").Cross;
        Assert.Equal(MarginStatus.Frozen, frank.Status);
        Assert.Equal(0m, frank.BorrowingPower);
        Assert.Null(frank.Liquidation);
    }

    [Fact]
    public void Without_debt_or_perps_there_is_no_health_factor_and_never_a_liquidation()
    {
        var scenario = ScenarioFixtures.WithAccounts("""[{ "id": "x", "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "1" }] }]""");
        var health = Evaluate(scenario, "x").Cross;
        Assert.Null(health.HealthFactor);
        Assert.Equal(MarginStatus.Healthy, health.Status);
        Assert.Equal(1600m, health.BorrowingPower);
    }

    [Fact]
    public void Perps_add_unrealized_pnl_to_collateral_and_maintenance_to_the_requirement()
    {
        var erin = Evaluate(ScenarioFixtures.Example(), "erin").Cross;
        Assert.Equal(-1000m, erin.UnrealizedPnl);                 // 10 · (2000 - 2100)
        Assert.Equal(16600m, erin.WeightedCollateral);            // 20000 · 0.88 - 1000
        Assert.Equal(1000m, erin.Requirement);                    // 10 · 2000 · 0.05
        Assert.Equal(16.6m, erin.HealthFactor);
    }

    [Fact]
    public void Isolated_losses_never_reach_the_cross_pool()
    {
        var scenario = ScenarioFixtures.WithAccounts("""
            [{ "id": "x",
               "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "1000" }],
               "debt": [{ "asset": "USDC", "amount": "100" }],
               "isolated": [{ "id": "degen", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "100" }],
                              "perps": [{ "market": "ETH-PERP", "size": "1", "entryPrice": "3000", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] }] }]
            """);
        var health = Evaluate(scenario, "x");
        Assert.Equal(8.8m, health.Cross.HealthFactor);
        Assert.Equal(MarginStatus.Healthy, health.Cross.Status);
        var isolated = health.Isolated.Single();
        Assert.Equal("degen", isolated.Id);
        Assert.Equal(MarginStatus.Insolvent, isolated.Health.Status);
        Assert.Equal(["ETH-PERP"], isolated.Health.Liquidation!.PerpsToClose);
    }

    [Fact]
    public void At_the_reported_liquidation_price_equity_equals_maintenance()
    {
        var health = Evaluate(ScenarioFixtures.Example(), "erin").Isolated.Single().Health;
        var price = health.PerpLiquidationPrices.Single().Price!.Value;
        // Re-mark the perp at that price: the health factor must be 1, to the precision of a mark held to
        // 18 decimals (the reported price has 28 digits; a long's mark is rounded down).
        var scenario = ScenarioFixtures.Example();
        var erin = scenario.Accounts.Single(a => a.Id == "erin");
        var isolated = erin.Isolated.Single();
        var remarked = isolated.Positions with { Perps = [isolated.Positions.Perps[0] with { MarkPrice = price }] };
        var atPrice = PoolEvaluator.Evaluate(remarked, scenario.ResolveMarket(), isolated: true);
        Assert.Equal(1m, decimal.Round(atPrice.HealthFactor!.Value, 16));
        var below = PoolEvaluator.Evaluate(remarked with { Perps = [remarked.Perps[0] with { MarkPrice = price - 0.01m }] }, scenario.ResolveMarket(), isolated: true);
        Assert.Equal(MarginStatus.Liquidatable, below.Status);
    }

    [Fact]
    public void A_short_perp_liquidates_above_its_entry()
    {
        var scenario = ScenarioFixtures.WithAccounts("""
            [{ "id": "x", "isolated": [{ "id": "short", "collateral": [{ "chain": "eip155:1", "asset": "USDC", "amount": "1000" }],
                 "perps": [{ "market": "ETH-PERP", "size": "-1", "entryPrice": "2000", "markPrice": "2000", "maintenanceMarginRate": "0.05" }] }] }]
            """);
        var price = Evaluate(scenario, "x").Isolated.Single().Health.PerpLiquidationPrices.Single().Price!.Value;
        // 880 + (-1)(P - 2000) = 0.05 P  ->  P = 2880 / 1.05
        Assert.Equal(2880m / 1.05m, price);
    }
}
